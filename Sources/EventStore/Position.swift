/// The place of an event in the log: 1 for the first event, then 2, 3, … with no gaps.
public struct Position: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The position as a number.
    public let rawValue: UInt64

    /// Wraps a position number.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// Wraps a position number.
    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The first position of every log.
    public static let first = Position(1)

    /// The position after this one.
    public var next: Position { Position(rawValue + 1) }

    /// The 8-byte big-endian key under which LMDB keeps this position, so byte order equals numeric order.
    public var key: [UInt8] { Position.key(rawValue) }

    /// The largest position a log can reach, 2^53 - 1, so that every position is exact as a JSON number.
    public static let maximum = Position((1 << 53) - 1)

    /// Reads a position from the first 8 bytes of a key; nil when there are fewer or they exceed ``maximum`` (only
    /// damaged bytes do, so nothing decoded from a store can overflow later).
    public init?(key: UnsafeRawBufferPointer) {
        guard let value = BigEndian.value(key), value <= Position.maximum.rawValue else { return nil }
        self.rawValue = value
    }

    /// The 8-byte big-endian key of the position `value`.
    public static func key(_ value: UInt64) -> [UInt8] {
        BigEndian.bytes(value)
    }

    /// Orders by number, which is log order.
    public static func < (left: Position, right: Position) -> Bool {
        left.rawValue < right.rawValue
    }

    /// The number, as text.
    public var description: String { String(rawValue) }
}
