import Synchronization

/// One answer of the web view: status, media type and body bytes.
public struct WebResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The `Content-Type` header.
    public var contentType: String
    /// The body.
    public var body: [UInt8]
    /// Whether the same request at the same head always gets this answer (so it may be kept).
    public var isCacheable: Bool

    /// An answer.
    public init(status: Int, contentType: String, body: [UInt8], isCacheable: Bool = true) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.isCacheable = isCacheable
    }

    /// The media type of pages.
    public static let htmlType = "text/html; charset=utf-8"
    /// The media type of the API.
    public static let jsonType = "application/json"
    /// The media type of the API's tables with `?format=csv` (RFC 4180, with a header row).
    public static let csvType = "text/csv; charset=utf-8; header=present"

    /// The Content-Security-Policy of every answer: no scripts at all, styles only from sckb, no framing.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
        + "frame-ancestors 'none'"
}

/// Answers kept by (route and query, the log's head position as the request sees it): the log is append-only, so the
/// same head means the same log and the same answer. A request whose `until` is a position N sees the head at
/// min(N, head), so its answer stays valid while later events arrive. Concurrent misses of one key wait for one
/// computation.
public final class ResponseCache: Sendable {
    private struct State {
        var entries: [String: (head: UInt64, response: WebResponse)] = [:]
        var flights: [String: [CheckedContinuation<WebResponse, Never>]] = [:]
    }

    private let state = Mutex(State())
    private let capacity: Int
    private let isEnabled: Bool

    /// A cache of at most `capacity` answers; a disabled one computes every answer.
    public init(capacity: Int = 4096, isEnabled: Bool = true) {
        self.capacity = capacity
        self.isEnabled = isEnabled
    }

    /// The answer for `key` at `head`: kept, being computed by another request, or computed now by `make` on a
    /// thread outside the server's event loops.
    public func answer(
        for key: String,
        head: UInt64,
        make: @escaping @Sendable () -> WebResponse
    ) async -> WebResponse {
        if isEnabled, let kept = state.withLock({ $0.entries[key] }), kept.head == head { return kept.response }
        let flight = "\(head) \(key)"
        return await withCheckedContinuation { continuation in
            let isFirst = state.withLock { state in
                if state.flights[flight] != nil {
                    state.flights[flight]?.append(continuation)
                    return false
                }
                state.flights[flight] = [continuation]
                return true
            }
            guard isFirst else { return }
            DispatchQueueBridge.run {
                let response = make()
                let waiting = self.state.withLock { state in
                    if self.isEnabled && response.isCacheable && head >= state.entries[key]?.head ?? 0 {
                        if state.entries.count >= self.capacity { state.entries.removeAll(keepingCapacity: true) }
                        state.entries[key] = (head, response)
                    }
                    return state.flights.removeValue(forKey: flight) ?? []
                }
                for waiter in waiting { waiter.resume(returning: response) }
            }
        }
    }
}
