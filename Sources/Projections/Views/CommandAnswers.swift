import EventStore

extension KnowledgeBase.ImportCounts: JSONValueView {
    /// `{"appended":n,"skipped":n}`.
    var json: JSONValue { ["appended": .integer(appended), "skipped": .integer(skipped)] }
}

extension StoredEvent: JSONView {
    /// The event as `export` writes it, alone on a line (`append` prints it so).
    public var jsonLine: [UInt8] { ViewJSON.line(exportJSON) }
}

/// What `replay` did: how many events it folded, and how fast.
public struct ReplaySummary: Sendable, Equatable, JSONValueView {
    /// The events folded.
    public var events: Int
    /// The time it took, in seconds.
    public var seconds: Double

    /// A summary of `events` folded in `seconds`.
    public init(events: Int, seconds: Double) {
        self.events = events
        self.seconds = max(seconds, 1e-9)
    }

    /// Events per second, rounded down.
    public var eventsPerSecond: Int { Int(Double(events) / seconds) }

    /// `{"events":n,"seconds":s,"events_per_second":n}`, seconds to the hundredth.
    var json: JSONValue {
        [
            "events": .integer(events), "seconds": .number(JSONNumber(hundredths: Int64((seconds * 100).rounded()))),
            "events_per_second": .integer(eventsPerSecond),
        ]
    }
}

/// An error as the API answers it: `{"error":"…","status":n}`.
public struct ErrorReport: Sendable, Equatable, JSONValueView {
    /// The HTTP status.
    public var status: Int
    /// What went wrong, in one line.
    public var message: String

    /// A failure with `status` and `message`.
    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    var json: JSONValue { ["error": .string(message), "status": .integer(status)] }
}
