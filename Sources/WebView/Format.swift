import Projections

/// Numbers, dates and indicators as people read them: thousands separators, dates as dates, KPIs with their labels
/// and units.
enum Format {
    /// `text` (a number as JSON writes it) with a comma between thousands in its whole part: `1234567.5` →
    /// `1,234,567.5`; text that is not a plain decimal number comes back as it is.
    static func number(_ text: String) -> String {
        var digits = Substring(text)
        var sign = ""
        if digits.first == "-" {
            sign = "-"
            digits = digits.dropFirst()
        }
        let whole = digits.prefix { $0 != "." }
        let rest = digits.dropFirst(whole.count)
        guard whole.count > 3, whole.allSatisfy(\.isASCIIDigit),
            rest.isEmpty || rest.dropFirst().allSatisfy(\.isASCIIDigit)
        else { return text }
        var grouped = ""
        for (index, digit) in whole.enumerated() {
            if index > 0 && (whole.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return sign + grouped + rest
    }

    /// A count with thousands separators.
    static func count(_ value: Int) -> String {
        number(String(value))
    }

    private static let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// A date (`2017-09-09`) or UTC date-time (`2017-09-09T10:30:00Z`) as people write it: `9 Sep 2017`,
    /// `9 Sep 2017, 10:30 UTC`; other text comes back as it is.
    static func date(_ text: String) -> String {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            return Int(String(decoding: bytes[range], as: UTF8.self))
        }
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), (1...12).contains(month)
        else { return text }
        let date = "\(day) \(months[month - 1]) \(year)"
        guard bytes.count >= 16, bytes[10] == UInt8(ascii: "T") else { return date }
        var time = String(decoding: bytes[11..<16], as: UTF8.self)
        if bytes.count >= 19, bytes[16] == UInt8(ascii: ":"), !(bytes[17] == 0x30 && bytes[18] == 0x30) {
            time += String(decoding: bytes[16..<19], as: UTF8.self)
        }
        return date + ", " + time + " UTC"
    }

    /// `text` as a `<time>` element: the date as people write it, the machine form in `datetime`.
    static func timeElement(_ text: String) -> String {
        "<time datetime=\"\(HTML.escape(text))\">\(HTML.escape(date(text)))</time>"
    }
}

extension Character {
    /// Whether the character is one of the ASCII digits 0–9.
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
