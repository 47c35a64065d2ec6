import EventStore

/// What a view was asked about is not in the record (at the cut it was asked at).
public struct NotFound: Error, Sendable, CustomStringConvertible {
    /// What was looked up: `city`, `project`, `solution` or `entity`.
    public let kind: String
    /// The id looked up, as given.
    public let id: String
    /// Why it is not found, when the record knows no registration to speak of.
    let reason: String?

    /// `kind` `id` is not registered.
    public init(kind: String, id: String) {
        self.kind = kind
        self.id = id
        self.reason = nil
    }

    init(kind: String, id: String, reason: String) {
        self.kind = kind
        self.id = id
        self.reason = reason
    }

    /// The message, with the id escaped for the terminal.
    public var description: String { "\(kind) '\(SafeText.escaped(id))' " + (reason ?? "is not registered") }
}
