import EventStore

/// When something happened in the world: a calendar date, or an instant normalized to UTC.
///
/// A date is kept as `YYYY-MM-DD`; a date-time with any zone becomes UTC with `Z`, its fractional seconds kept as
/// written. A date stands for its whole day: it is dated before an instant only if the day ends before it.
public struct ValidTime: Hashable, Sendable, CustomStringConvertible {
    /// The normalized text.
    public let text: String
    /// Microseconds since 1970 of the first moment this time covers.
    public let earliest: Int64
    /// Microseconds since 1970 of the last moment this time covers.
    public let latest: Int64

    /// A whole day.
    public init(date: CivilDate) {
        self.text = date.description
        self.earliest = date.daysSince1970 * 86_400_000_000
        self.latest = earliest + 86_400_000_000 - 1
    }

    /// An instant with whole seconds.
    public init(timestamp: Timestamp) {
        self.text = timestamp.rfc3339
        self.earliest = timestamp.secondsSince1970 * 1_000_000
        self.latest = earliest
    }

    /// Reads `YYYY-MM-DD` or an RFC 3339 date-time with a zone (`Z` or `±HH:MM`); nil for anything else.
    public init?(parsing text: String) {
        var utf8 = text
        guard let time = utf8.withUTF8({ ValidTime(parsing: $0, text: text) }) else { return nil }
        self = time
    }

    private init?(parsing bytes: UnsafeBufferPointer<UInt8>, text: String) {
        if let date = CivilDate(iso: bytes) {
            // The text is already the normal form of the date.
            let earliest = date.daysSince1970 * 86_400_000_000
            self.init(text: text, earliest: earliest, latest: earliest + 86_400_000_000 - 1)
            return
        }
        guard bytes.count >= 20, let date = CivilDate(iso: UnsafeBufferPointer(rebasing: bytes[0..<10])),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = digits(bytes[11..<13]), let minute = digits(bytes[14..<16]), let second = digits(bytes[17..<19]),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction: [UInt8] = []
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                fraction.append(bytes[index])
                index += 1
            }
            guard !fraction.isEmpty, fraction.count <= 9 else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                let offsetHours = digits(bytes[(index + 1)..<(index + 3)]),
                let offsetMinutes = digits(bytes[(index + 4)..<(index + 6)]), offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        let seconds = date.daysSince1970 * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        let utc = Timestamp(secondsSince1970: seconds)
        guard (1...9999).contains(utc.date.year) else { return nil }
        var normalized = utc.rfc3339
        var micros: Int64 = 0
        if !fraction.isEmpty {
            normalized.removeLast()
            normalized += "." + String(decoding: fraction, as: UTF8.self) + "Z"
            let padded = (fraction + [UInt8](repeating: UInt8(ascii: "0"), count: 6)).prefix(6)
            micros = Int64(digits(padded[...]) ?? 0)
        }
        self.init(text: normalized, earliest: seconds * 1_000_000 + micros, latest: seconds * 1_000_000 + micros)
    }

    private init(text: String, earliest: Int64, latest: Int64) {
        self.text = text
        self.earliest = earliest
        self.latest = latest
    }

    /// Whether this time lies wholly before `other`.
    public func isBefore(_ other: ValidTime) -> Bool {
        latest < other.earliest
    }

    /// The normalized text.
    public var description: String { text }
}

/// A cut in valid time (`--as-of`): what was true in the world through that moment.
public struct ValidTimeCut: Hashable, Sendable {
    /// Microseconds since 1970 of the last moment inside the cut.
    public let latest: Int64

    /// A cut through `time`: the end of the day for a date.
    public init(through time: ValidTime) {
        self.latest = time.latest
    }

    /// Whether an event dated `time` lies inside the cut.
    public func includes(_ time: ValidTime) -> Bool {
        time.earliest <= latest
    }
}

private func digits(_ bytes: some Collection<UInt8>) -> Int? {
    var value = 0
    for byte in bytes {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return bytes.isEmpty ? nil : value
}
