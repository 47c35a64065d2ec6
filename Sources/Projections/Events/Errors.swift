/// Input that is not a well-formed event: bad JSON, an unknown field, a bad slug or date.
///
/// Its description is one line: `events/tri.jsonl:7: CityRegistered: field 'city': 'Leip zig' is not a slug`.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the input came from (`file:line`), when known.
    public var location: String?
    /// What is wrong, and why.
    public var message: String

    /// Describes bad input.
    public init(_ message: String, at location: String? = nil) {
        self.message = message
        self.location = location
    }

    /// The same error, located at `location` unless it already is.
    public func located(at location: String) -> InputError {
        var copy = self
        if copy.location == nil { copy.location = location }
        return copy
    }

    /// One line: `location: message`.
    public var description: String {
        location.map { "\($0): \(message)" } ?? message
    }
}

/// A well-formed event that a rule of the catalogue refuses.
public struct RuleViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// The event type whose rule refused it.
    public var type: EventType
    /// What the rule says and which value breaks it.
    public var message: String
    /// Where the input came from (`file:line`), when known.
    public var location: String?

    /// Describes a refusal of an event of `type`.
    public init(_ type: EventType, _ message: String, at location: String? = nil) {
        self.type = type
        self.message = message
        self.location = location
    }

    /// The same violation, located at `location` unless it already is.
    public func located(at location: String) -> RuleViolation {
        var copy = self
        if copy.location == nil { copy.location = location }
        return copy
    }

    /// One line: `location: Type refused: message`.
    public var description: String {
        (location.map { "\($0): " } ?? "") + "\(type.rawValue) refused: \(message)"
    }
}

/// A row of a derived table that does not read: the store is damaged there. The log is untouched by it, so a
/// `replay` rebuilds the row from the log.
public struct RowDamage: Error, Sendable, Equatable, CustomStringConvertible {
    /// The table the row is in.
    public let table: String
    /// What is wrong with it.
    public let reason: String

    /// A damaged row of `table`, for `reason`.
    public init(table: String, reason: String) {
        self.table = table
        self.reason = reason
    }

    /// A damaged row of `table` under `key`, for `reason`: the key is named by its parts, text while they are text,
    /// then the rest in hex (a position, a count).
    init(table: String, key: some Collection<UInt8>, reason: String) {
        let bytes = Array(key)
        var parts: [String] = []
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0) ?? bytes.count
            let part = bytes[start..<end]
            guard !part.isEmpty, part.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
                parts.append("0x" + bytes[start...].map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined())
                break
            }
            parts.append(String(decoding: part, as: UTF8.self))
            start = end + 1
        }
        self.init(table: table, reason: "under \(parts.joined(separator: " ‖ ")): \(reason)")
    }

    /// One line naming the table and the reason.
    public var description: String { "a row of \(table) is damaged (\(reason))" }
}
