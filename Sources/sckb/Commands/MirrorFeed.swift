import Foundation
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix
import Projections

/// Reads an `sckb serve` feed (`/api/events?after=N&limit=K`) into a local JSON Lines file, a page at a time.
///
/// The HTTP is SwiftNIO's HTTP/1.1 client codec, which the build has already for the web view. Foundation's
/// URLSession would add FoundationNetworking and, through it, libcurl and some thirty shared libraries that every
/// `sckb` command would load at start; sckb links the Swift runtime and Foundation statically, and so starts in about
/// half the time. The price is TLS: an `https://` source is refused with a line that says what to do instead.
enum MirrorFeed {
    /// Events asked for per request: the most the feed serves.
    static let pageSize = 10_000

    /// The most bytes one answer may hold: a full page of lines of the longest length an import takes.
    static let maximumAnswerBytes = pageSize * (LineReader.maximumLineLength + 1)

    /// How long a server may take to connect, or to send the next bytes of its answer.
    static let timeout = TimeAmount.seconds(60)

    /// Writes the feed of the server at `base` (without a final `/`), its events after position `after`, to the file
    /// at `path`, in order; bad input (exit 1) when the server cannot be reached or answers anything but 200.
    static func download(from base: String, after: UInt64, to path: String) throws {
        guard let output = FileHandle(forWritingAtPath: path) else {
            throw InputError("cannot write the feed's copy", at: path)
        }
        defer { try? output.close() }
        var last = after
        while true {
            let target = "\(base)/api/events?after=\(last)&limit=\(pageSize)"
            let page = try fetch(target)
            try output.write(contentsOf: page)
            let lines = page.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            guard lines.count == pageSize, let final = lines.last else { return }
            let number = try JSONParser.parse(Array(final))["position"]?.numberValue?.integerValue
            guard let number, number > 0, UInt64(number) > last else {
                throw InputError("the feed's page ends without a later position", at: target)
            }
            last = UInt64(number)
        }
    }

    /// The body of a GET of `target`, an `http://` URL.
    static func fetch(_ target: String) throws -> [UInt8] {
        let address = try Address(target)
        let group = MultiThreadedEventLoopGroup.singleton
        let answer = group.next().makePromise(of: [UInt8].self)
        let request = address.request
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandlers([
                        IdleStateHandler(readTimeout: timeout),
                        AnswerCollector(answer: answer, limit: maximumAnswerBytes),
                    ])
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.connect(host: address.host, port: address.port).wait()
        } catch {
            answer.fail(error)
            throw InputError("cannot be reached: \(describe(error))", at: target)
        }
        channel.write(HTTPClientRequestPart.head(request), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer { channel.close(promise: nil) }
        do {
            return try answer.futureResult.wait()
        } catch let refusal as AnswerRefusal {
            throw InputError(refusal.description, at: target)
        } catch {
            throw InputError("cannot be read: \(describe(error))", at: target)
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if error is ChannelError, case .connectTimeout = error as? ChannelError {
            return "no connection within \(timeout.nanoseconds / 1_000_000_000) seconds"
        }
        return String(describing: error)
    }

    /// The parts of an `http://host[:port]/path?query` URL a request needs.
    private struct Address {
        let host: String
        let port: Int
        let request: HTTPRequestHead

        init(_ target: String) throws {
            if target.lowercased().hasPrefix("https://") {
                throw InputError(
                    "https is not supported by sckb mirror; mirror the server's http address, or a folder or file "
                        + "copied from it (events.jsonl and checkpoint)",
                    at: target
                )
            }
            guard let url = URL(string: target), url.scheme?.lowercased() == "http", let host = url.host,
                !host.isEmpty
            else { throw InputError("not an http:// URL", at: target) }
            self.host = host
            port = url.port ?? 80
            var path = url.path.isEmpty ? "/" : url.path
            if let query = url.query { path += "?" + query }
            var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
            head.headers.add(name: "Host", value: url.port.map { "\(host):\($0)" } ?? host)
            head.headers.add(name: "Accept", value: "application/x-ndjson, text/plain")
            head.headers.add(name: "Connection", value: "close")
            request = head
        }
    }
}

/// Why an answer was not taken, in words for the one-line error.
private struct AnswerRefusal: Error, CustomStringConvertible {
    let description: String
}

/// Collects one HTTP answer's body into `answer`, or fails it: a status other than 200, a body over `limit` bytes, a
/// connection closed or silent before the answer ended.
private final class AnswerCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let answer: EventLoopPromise<[UInt8]>
    private let limit: Int
    private var body: [UInt8] = []
    private var isDone = false

    init(answer: EventLoopPromise<[UInt8]>, limit: Int) {
        self.answer = answer
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isDone else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.status != .ok {
                finish(context, .failure(AnswerRefusal(description: "the server answers \(head.status.code)")))
            }
        case .body(let buffer):
            guard body.count + buffer.readableBytes <= limit else {
                return finish(context, .failure(AnswerRefusal(description: "the answer is longer than \(limit) bytes")))
            }
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            finish(context, .success(body))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            let seconds = MirrorFeed.timeout.nanoseconds / 1_000_000_000
            finish(context, .failure(AnswerRefusal(description: "the server sent nothing for \(seconds) seconds")))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context, .failure(AnswerRefusal(description: "the connection closed before the answer was complete")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason =
            if let error = error as? HTTPParserError, error == .invalidEOFState {
                "the connection closed before the answer was complete"
            } else {
                "the answer is not HTTP as sckb serve sends it: \(error)"
            }
        finish(context, .failure(AnswerRefusal(description: reason)))
    }

    private func finish(_ context: ChannelHandlerContext, _ result: Result<[UInt8], any Error>) {
        guard !isDone else { return }
        isDone = true
        body = []
        answer.completeWith(result)
        context.close(promise: nil)
    }
}
