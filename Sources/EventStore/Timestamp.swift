import Glibc

/// A UTC instant with whole-second precision, as the log records transaction time.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let secondsSince1970: Int64

    /// Wraps a count of seconds since the Unix epoch.
    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    /// The current time, from the system clock, truncated to the second.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(secondsSince1970: Int64(spec.tv_sec))
    }

    /// The instant at midnight UTC starting `date`.
    public init(startOf date: CivilDate) {
        self.secondsSince1970 = date.daysSince1970 * 86_400
    }

    /// The calendar day of this instant, in UTC.
    public var date: CivilDate {
        CivilDate(daysSince1970: secondsSince1970.floorDivided(by: 86_400))
    }

    /// RFC 3339 in UTC with `Z`: `2026-11-22T09:30:00Z`.
    public var rfc3339: String {
        let date = date
        let seconds = Int(secondsSince1970 - date.daysSince1970 * 86_400)
        return String(unsafeUninitializedCapacity: 20) { buffer in
            date.write(into: buffer)
            buffer[10] = UInt8(ascii: "T")
            writeTwoDigits(seconds / 3600, into: buffer, at: 11)
            buffer[13] = UInt8(ascii: ":")
            writeTwoDigits(seconds / 60 % 60, into: buffer, at: 14)
            buffer[16] = UInt8(ascii: ":")
            writeTwoDigits(seconds % 60, into: buffer, at: 17)
            buffer[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    /// Reads the form ``rfc3339`` writes (UTC, `Z`, whole seconds); nil for anything else.
    public init?(rfc3339 text: String) {
        var text = text
        guard let seconds = text.withUTF8(Timestamp.seconds(rfc3339:)) else { return nil }
        self.secondsSince1970 = seconds
    }

    private static func seconds(rfc3339 bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[19] == UInt8(ascii: "Z"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let date = CivilDate(iso: UnsafeBufferPointer(rebasing: bytes[0..<10])),
            let hour = decimal(bytes[11..<13]), let minute = decimal(bytes[14..<16]),
            let second = decimal(bytes[17..<19]), hour < 24, minute < 60, second < 60
        else { return nil }
        return date.daysSince1970 * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    /// Orders earlier instants first.
    public static func < (left: Timestamp, right: Timestamp) -> Bool {
        left.secondsSince1970 < right.secondsSince1970
    }

    /// The ``rfc3339`` form.
    public var description: String { rfc3339 }
}

/// A day of the proleptic Gregorian calendar, as `YYYY-MM-DD` names it.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The year, 1 to 9999.
    public let year: Int
    /// The month, 1 to 12.
    public let month: Int
    /// The day of the month, 1 to 31.
    public let day: Int

    /// A valid date, or nil (`2021-02-29` is nil).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= CivilDate.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads exactly `YYYY-MM-DD`; nil for anything else.
    public init?(iso text: String) {
        var text = text
        guard let date = text.withUTF8(CivilDate.init(iso:)) else { return nil }
        self = date
    }

    /// Reads exactly `YYYY-MM-DD` from UTF-8 bytes; nil for anything else.
    public init?(iso bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = decimal(bytes[0..<4]), let month = decimal(bytes[5..<7]), let day = decimal(bytes[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The date `days` days after 1970-01-01 (negative before it).
    public init(daysSince1970 days: Int64) {
        // Howard Hinnant's civil_from_days.
        let shifted = days + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        self.year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        self.month = Int(month)
        self.day = Int(day)
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSince1970: Int64 {
        // Howard Hinnant's days_from_civil.
        let shiftedYear = Int64(month <= 2 ? year - 1 : year)
        let era = shiftedYear.floorDivided(by: 400)
        let yearOfEra = shiftedYear - era * 400
        let monthIndex = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * monthIndex + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// How many days `month` of `year` has.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Orders earlier days first.
    public static func < (left: CivilDate, right: CivilDate) -> Bool {
        (left.year, left.month, left.day) < (right.year, right.month, right.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        String(unsafeUninitializedCapacity: 10) { buffer in
            write(into: buffer)
            return 10
        }
    }

    /// Writes `YYYY-MM-DD` into the first 10 bytes of `buffer`.
    func write(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        writeTwoDigits(year / 100, into: buffer, at: 0)
        writeTwoDigits(year % 100, into: buffer, at: 2)
        buffer[4] = UInt8(ascii: "-")
        writeTwoDigits(month, into: buffer, at: 5)
        buffer[7] = UInt8(ascii: "-")
        writeTwoDigits(day, into: buffer, at: 8)
    }
}

/// Writes `value` (0 to 99) as two ASCII digits at `offset`.
@inline(__always)
func writeTwoDigits(_ value: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int) {
    buffer[offset] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value / 10)
    buffer[offset + 1] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: value % 10)
}

extension Int64 {
    /// Division rounding towards negative infinity.
    func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// Reads ASCII digits as a number; nil if any byte is not a digit.
func decimal(_ digits: some Collection<UInt8>) -> Int? {
    var value = 0
    for byte in digits {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return digits.isEmpty ? nil : value
}
