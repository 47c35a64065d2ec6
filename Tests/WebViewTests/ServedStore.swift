import EventStore
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Projections
import Synchronization
import Testing

@testable import WebView

/// One test's store of events/ and the hostile events, served in process by the application `sckb serve` runs.
struct ServedStore: Sendable {
    /// The repository, for events/ and Tests/Fixtures.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    /// Entities whose names, texts and sources are meant to break out of HTML, SVG or a terminal; the CLI's web
    /// tests import the same file.
    static let hostileEvents = repository + "/Tests/Fixtures/web-hostile.jsonl"

    /// The knowledge base the site reads.
    let base: KnowledgeBase
    /// The responder of the application `sckb serve` runs: its routes, response cache and headers.
    let responder: CallbackResponder<BasicRequestContext>

    /// The answer to `method target`, where `target` is a path with its query: the request goes to the responder
    /// with a request context on a testing channel, and the body is collected as the server would write it.
    func request(_ target: String, method: HTTPRequest.Method = .get) async throws -> WebAnswer {
        let request = Request(
            head: HTTPRequest(method: method, scheme: "http", authority: "localhost", path: target),
            body: RequestBody(buffer: ByteBuffer())
        )
        let context = BasicRequestContext(
            source: ApplicationRequestContextSource(channel: NIOAsyncTestingChannel(), logger: Logger(label: "test"))
        )
        let response = try await responder.respond(to: request, context: context)
        let collected = CollectedBody()
        try await response.body.write(BodyCollector(collected: collected))
        return WebAnswer(status: response.status.code, headers: response.headers, body: collected.bytes.withLock { $0 })
    }

    /// The text of the answer at `target`, which must be 200.
    func text(_ target: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let answer = try await request(target)
        try #require(answer.status == 200, "\(target): \(answer.status) \(answer.text)", sourceLocation: sourceLocation)
        return answer.text
    }
}

/// One answer of the application, as the tests read it.
struct WebAnswer: Sendable {
    /// The status code.
    var status: Int
    /// The headers.
    var headers: HTTPFields
    /// The body bytes.
    var body: [UInt8]
    /// The body as UTF-8 text.
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// Runs `body` with a new store of events/ and the hostile events, served as `sckb serve` serves it: reopened for
/// reading only, unless `writable` (then `body` may append through the base the site reads), with the response
/// cache unless `caching` is false, and signing checkpoints and proofs with `signer` when given (`serve --key`).
/// The store is deleted afterwards.
func withServedStore(
    writable: Bool = false,
    caching: Bool = true,
    signer: NoteSigner? = nil,
    _ body: @Sendable (ServedStore) async throws -> Void
) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "sckb-web-\(UUID().uuidString)",
        isDirectory: true
    )
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.path + "/kb"
    let base: KnowledgeBase
    if writable {
        base = try makeFixtureStore(at: path)
    } else {
        // One environment per store per process: the writer's is closed before the reader's opens.
        do { _ = try makeFixtureStore(at: path) }
        base = try KnowledgeBase(path: path, creating: false, readingOnly: true)
    }
    let site = Site(base: base, signer: signer)
    let application = WebServer.makeApplication(site: site, host: "127.0.0.1", port: 0, caching: caching) { _, _ in }
    try await body(ServedStore(base: base, responder: try await application.responder))
}

/// Creates the store at `path` with events/ and the hostile events; returns it open for writing.
private func makeFixtureStore(at path: String) throws -> KnowledgeBase {
    let base = try KnowledgeBase(path: path, creating: true)
    _ = try base.importFiles([.path(ServedStore.repository + "/events"), .path(ServedStore.hostileEvents)])
    return base
}

/// The bytes a response body writes.
final class CollectedBody: Sendable {
    let bytes = Mutex<[UInt8]>([])
}

/// Collects a response body, as the server writes it to the connection.
struct BodyCollector: ResponseBodyWriter {
    let collected: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        collected.bytes.withLock { $0.append(contentsOf: buffer.readableBytesView) }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
