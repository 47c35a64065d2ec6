import EventStore

/// A profile's subject is not in the record.
public struct NotFound: Error, Sendable, CustomStringConvertible {
    /// What was looked up: `city`, `project` or `solution`.
    public let kind: String
    /// The id looked up, as given.
    public let id: String

    /// The message, with the id escaped for the terminal.
    public var description: String { "\(kind) '\(SafeText.escaped(id))' is not registered" }
}
