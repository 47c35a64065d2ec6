/// A JSON number the project accepts, kept exactly as a count of hundredths.
///
/// SPEC §3 admits integers with an absolute value below 2^53, and decimals written with a `.` and at most two
/// fractional digits and at most 15 significant digits. Exponents (`1e3`), `NaN` and `Infinity` are refused, and the
/// JSON grammar holds otherwise (no `01`, `+1`, `.5` or `5.`). Every admitted value is exact as an IEEE 754 double,
/// so ``canonicalText`` equals what RFC 8785 (JCS) writes for it.
///
/// ```swift
/// let price = try JSONNumber(literal: "12.50")
/// price.hundredths     // 1250
/// price.canonicalText  // "12.5"
/// ```
///
/// Two numbers are equal when their values are, however they were written: `12.50` equals `12.5`.
public struct JSONNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The value multiplied by 100, exactly. Totals (sums of admitted numbers) may lie far beyond 2^53.
    public let exactHundredths: Int128

    /// The value multiplied by 100, for a number the number rule admits (every parsed number is one); a total
    /// beyond the range of `Int64` is clamped, so totals are read through ``exactHundredths``.
    public var hundredths: Int64 { Int64(clamping: exactHundredths) }

    /// The largest integer magnitude plus one: integers must lie strictly between `-2^53` and `2^53`.
    static let integerLimit: Int64 = 1 << 53

    /// Creates a number from its value in hundredths.
    ///
    /// - Precondition: the value is one the number rule admits: an integer with an absolute value below 2^53, or
    ///   a fraction whose shortest decimal form has at most 15 significant digits.
    public init(hundredths: Int64) {
        precondition(Self.isAdmissible(hundredths: hundredths), "\(hundredths) hundredths break the number rule")
        self.exactHundredths = Int128(hundredths)
    }

    /// Creates a number from an integer.
    ///
    /// - Precondition: the absolute value of `integer` is below 2^53.
    public init(integer: Int64) {
        precondition(integer > -Self.integerLimit && integer < Self.integerLimit, "\(integer) is not below 2^53")
        self.exactHundredths = Int128(integer) * 100
    }

    /// Parses `literal`, the whole of which must be one number that the rule admits.
    ///
    /// - Throws: ``JSONNumberError`` naming the literal and the broken rule, e.g. `1e3: exponents are not allowed`.
    public init(literal: String) throws(JSONNumberError) {
        var text = literal
        let result = text.withUTF8 { utf8 in
            Result { () throws(JSONNumberError) in
                try Self.parse(UnsafeRawBufferPointer(utf8), from: 0, to: utf8.count)
            }
        }
        self = try result.get()
    }

    init(validatedHundredths: Int64) {
        self.exactHundredths = Int128(validatedHundredths)
    }

    /// A total of admitted numbers, exact however large: JSON has no limit on the digits of a number, and sckb
    /// writes every digit (a reader that parses it as a double may round it).
    public init(totalHundredths: Int128) {
        self.exactHundredths = totalHundredths
    }

    /// Whether the value is one the number rule admits (so a parser reading it back accepts it).
    public var isAdmissible: Bool {
        Int64(exactly: exactHundredths).map(Self.isAdmissible(hundredths:)) ?? false
    }

    /// The value as an integer, or `nil` when it has a fractional part or lies beyond `Int64`.
    public var integerValue: Int64? {
        exactHundredths % 100 == 0 ? Int64(exactly: exactHundredths / 100) : nil
    }

    /// The value as a double; exact for every admitted number.
    public var doubleValue: Double {
        Double(exactHundredths) / 100
    }

    /// The shortest form ECMAScript and RFC 8785 write: `12.50` gives `12.5`, `2.00` gives `2`, `-0` gives `0`.
    public var canonicalText: String {
        var bytes: [UInt8] = []
        write(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same text as ``canonicalText``.
    public var description: String { canonicalText }

    /// Orders numbers by value.
    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        lhs.exactHundredths < rhs.exactHundredths
    }

    /// Appends ``canonicalText`` as UTF-8 to `output`.
    func write(into output: inout [UInt8]) {
        if exactHundredths < 0 {
            output.append(UInt8(ascii: "-"))
        }
        let magnitude = exactHundredths.magnitude
        Self.appendDecimal(magnitude / 100, to: &output)
        let fraction = magnitude % 100
        guard fraction != 0 else { return }
        output.append(UInt8(ascii: "."))
        output.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        if fraction % 10 != 0 {
            output.append(UInt8(ascii: "0") + UInt8(fraction % 10))
        }
    }

    private static func appendDecimal(_ value: UInt128, to output: inout [UInt8]) {
        guard value >= 10 else {
            output.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        let start = output.count
        var rest = value
        while rest > 0 {
            output.append(UInt8(ascii: "0") + UInt8(rest % 10))
            rest /= 10
        }
        output[start...].reverse()
    }

    /// Whether `hundredths` is a value some admitted literal can spell.
    static func isAdmissible(hundredths: Int64) -> Bool {
        let magnitude = hundredths.magnitude
        let significantLimit: UInt64 = 1_000_000_000_000_000
        if magnitude % 100 == 0 {
            return magnitude / 100 < UInt64(integerLimit)
        }
        if magnitude % 10 == 0 {
            return magnitude / 10 < significantLimit
        }
        return magnitude < significantLimit
    }

    /// Parses the bytes `start..<end` of `buffer` as one whole number.
    static func parse(
        _ buffer: UnsafeRawBufferPointer,
        from start: Int,
        to end: Int
    ) throws(JSONNumberError) -> JSONNumber {
        func refuse(_ reason: String) -> JSONNumberError {
            JSONNumberError(literal: literalText(buffer, from: start, to: end), reason: reason)
        }
        var index = start
        guard index < end else { throw refuse("a number needs at least one digit") }
        var isNegative = false
        if buffer[index] == UInt8(ascii: "+") {
            throw refuse("a leading '+' is not allowed")
        }
        if buffer[index] == UInt8(ascii: "-") {
            isNegative = true
            index += 1
            guard index < end else { throw refuse("a digit must follow '-'") }
        }
        let first = buffer[index]
        if first == UInt8(ascii: ".") {
            throw refuse("a digit must precede '.'")
        }
        guard isDigit(first) else {
            if isWord(buffer, from: index, to: end, "NaN") || isWord(buffer, from: index, to: end, "Infinity") {
                throw refuse("NaN and Infinity are not allowed")
            }
            throw refuse("unexpected character \(describeJSONByte(first)) in a number")
        }
        if first == UInt8(ascii: "0"), index + 1 < end, isDigit(buffer[index + 1]) {
            throw refuse("leading zeros are not allowed")
        }
        var integerPart: UInt64 = 0
        var integerDigits = 0
        while index < end, isDigit(buffer[index]) {
            // Past 17 digits the value is out of range anyway; stop accumulating before UInt64 overflows.
            if integerDigits < 18 {
                integerPart = integerPart * 10 + UInt64(buffer[index] - UInt8(ascii: "0"))
            }
            integerDigits += 1
            index += 1
        }
        var fraction: UInt64 = 0
        var fractionDigits = 0
        var fractionSignificant = 0
        var hasPoint = false
        if index < end, buffer[index] == UInt8(ascii: ".") {
            hasPoint = true
            index += 1
            while index < end, isDigit(buffer[index]) {
                let digit = UInt64(buffer[index] - UInt8(ascii: "0"))
                if fractionDigits < 2 {
                    fraction = fraction * 10 + digit
                }
                if fractionSignificant > 0 || digit != 0 {
                    fractionSignificant += 1
                }
                fractionDigits += 1
                index += 1
            }
            guard fractionDigits > 0 else { throw refuse("a digit must follow '.'") }
        }
        if index < end {
            let byte = buffer[index]
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                throw refuse("exponents are not allowed")
            }
            throw refuse("unexpected character \(describeJSONByte(byte)) in a number")
        }
        if hasPoint {
            guard fractionDigits <= 2 else { throw refuse("at most two fractional digits are allowed") }
            let significant = integerPart == 0 ? fractionSignificant : integerDigits + fractionDigits
            guard significant <= 15 else { throw refuse("at most 15 significant digits are allowed") }
            if fractionDigits == 1 {
                fraction *= 10
            }
        } else {
            guard integerDigits <= 16, integerPart < UInt64(integerLimit) else {
                throw refuse("integers must be below 2^53 in absolute value")
            }
        }
        let magnitude = Int64(integerPart * 100 + fraction)
        return JSONNumber(validatedHundredths: isNegative ? -magnitude : magnitude)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isWord(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int, _ word: String) -> Bool {
        let utf8 = word.utf8
        guard end - start == utf8.count else { return false }
        return zip(buffer[start..<end], utf8).allSatisfy { $0 == $1 }
    }

    /// The literal for an error message, cut short when it is very long.
    private static func literalText(_ buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> String {
        let limit = 40
        // Control characters would break the one-line message; show them as '?'.
        let shown = buffer[start..<min(end, start + limit)].map { $0 < 0x20 || $0 == 0x7f ? UInt8(ascii: "?") : $0 }
        let text = String(decoding: shown, as: UTF8.self)
        return end - start > limit ? text + "…" : text
    }
}

/// Describes a byte for an error message: `'x'` when printable ASCII, else `0xNN`.
func describeJSONByte(_ byte: UInt8) -> String {
    if byte >= 0x21 && byte < 0x7f {
        return "'" + String(decoding: [byte], as: UTF8.self) + "'"
    }
    let digits = Array("0123456789abcdef".utf8)
    return "0x" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
}

/// A number literal that breaks the project's number rule (SPEC §3).
public struct JSONNumberError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The refused literal, shortened when long.
    public let literal: String
    /// Which rule the literal breaks, e.g. `exponents are not allowed`.
    public let reason: String

    /// Creates an error for `literal` that breaks the rule given by `reason`.
    public init(literal: String, reason: String) {
        self.literal = literal
        self.reason = reason
    }

    /// One line: the literal, then the reason, e.g. `1e3: exponents are not allowed`.
    public var description: String { "\(literal): \(reason)" }
}
