import EventStore

/// A cut in transaction time (`--until`): what the knowledge base said through position N or through a date.
public enum TransactionCut: Hashable, Sendable {
    /// Positions up to and including this one.
    case position(Position)
    /// Events recorded through this instant.
    case recorded(Timestamp)

    /// Reads `N`, `YYYY-MM-DD` (through the end of that day, UTC) or an RFC 3339 date-time; nil for anything else.
    public init?(parsing text: String) {
        if let number = UInt64(text) {
            self = .position(Position(number))
        } else if let time = ValidTime(parsing: text) {
            self = .recorded(Timestamp(secondsSince1970: time.latest.floorDivided(by: 1_000_000)))
        } else {
            return nil
        }
    }

    /// The last position inside the cut in the log that `reader` sees (0 when none is).
    public func lastPosition(in reader: borrowing some LogReader & ~Copyable) throws -> Position {
        switch self {
        case .position(let position):
            return min(position, try reader.head()?.position ?? Position(0))
        case .recorded(let instant):
            return try reader.lastPosition(recordedThrough: instant) ?? Position(0)
        }
    }
}

extension Int64 {
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
