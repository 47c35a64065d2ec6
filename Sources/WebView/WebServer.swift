import Dispatch
import Hummingbird
import Logging
import NIOCore
import Projections
import Synchronization

/// The HTTP server of `sckb serve`: Hummingbird answering every request through ``Site``, with a cache keyed by the
/// request and the log's head position.
public enum WebServer {
    /// Serves `site` on `host`:`port` until SIGINT or SIGTERM; `started` is called once with the bound address
    /// (host and port, the port resolved when 0 was asked for). Blocks the calling thread.
    public static func run(
        site: Site,
        host: String,
        port: Int,
        caching: Bool = true,
        started: @escaping @Sendable (String, Int) -> Void
    ) throws {
        let outcome = Mutex<Result<Void, any Error>>(.success(()))
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await serve(site: site, host: host, port: port, caching: caching, started: started)
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            done.signal()
        }
        done.wait()
        try outcome.withLock { $0 }.get()
    }

    static func serve(
        site: Site,
        host: String,
        port: Int,
        caching: Bool,
        started: @escaping @Sendable (String, Int) -> Void
    ) async throws {
        let application = makeApplication(site: site, host: host, port: port, caching: caching, started: started)
        try await application.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// The application `serve` runs: each request answered by `site` through the response cache, with the headers of
    /// ``response(_:includesBody:)``. The in-process tests drive this same application.
    static func makeApplication(
        site: Site,
        host: String,
        port: Int,
        caching: Bool,
        started: @escaping @Sendable (String, Int) -> Void
    ) -> Application<CallbackResponder<BasicRequestContext>> {
        let cache = ResponseCache(isEnabled: caching)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let method = request.method.rawValue
            let path = request.uri.path
            let query = request.uri.query
            let key = method == "HEAD" ? "GET " + request.uri.string : method + " " + request.uri.string
            let head = site.effectiveHead(query: query, head: (try? site.headPosition()) ?? UInt64.max)
            let answer = await cache.answer(for: key, head: head) {
                site.respond(method: method == "HEAD" ? "GET" : method, path: path, query: query)
            }
            return response(answer, includesBody: method != "HEAD")
        }
        var logger = Logger(label: "sckb.serve")
        logger.logLevel = .error
        return Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "sckb"),
            onServerRunning: { channel in
                started(host, channel.localAddress?.port ?? port)
            },
            logger: logger
        )
    }

    static func response(_ answer: WebResponse, includesBody: Bool) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        headers[.contentSecurityPolicy] = WebResponse.contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.cacheControl] = "no-cache"
        if answer.status == 405 { headers[.allow] = "GET, HEAD" }
        let status = HTTPResponse.Status(code: answer.status)
        guard includesBody else {
            headers[.contentLength] = String(answer.body.count)
            return Response(status: status, headers: headers)
        }
        return Response(
            status: status,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }
}
