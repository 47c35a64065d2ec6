/// A strict RFC 8259 parser for one JSON value, with the project's number rule.
///
/// The input is one value with optional surrounding whitespace (space, tab, CR, LF). The parser refuses trailing
/// characters, invalid UTF-8, raw control characters in strings, unknown escapes, lone surrogates in `\u` escapes,
/// duplicate keys in an object, nesting deeper than ``maximumDepth`` and numbers that break ``JSONNumber``'s rule.
///
/// ```swift
/// let event = try JSONParser.parse(#"{"type":"CityRegistered","data":{"city":"leipzig"}}"#)
/// ```
public enum JSONParser {
    /// The deepest nesting of arrays and objects accepted; the outermost array or object is level 1.
    public static let maximumDepth = 64

    /// Parses the bytes in `bytes` as one JSON value.
    ///
    /// The buffer is read only during the call.
    /// - Throws: ``JSONSyntaxError`` with the 1-based byte column of the first problem.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        var parser = Parser(bytes)
        return try parser.parseDocument()
    }

    /// Parses `bytes` as one JSON value.
    ///
    /// - Throws: ``JSONSyntaxError`` with the 1-based byte column of the first problem.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) in try parse(buffer) }
        }
        return try result.get()
    }

    /// Parses `bytes` as one JSON value; columns count from the start of the slice.
    ///
    /// - Throws: ``JSONSyntaxError`` with the 1-based byte column of the first problem.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(JSONSyntaxError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONSyntaxError) in try parse(buffer) }
        }
        return try result.get()
    }

    /// Parses the UTF-8 form of `text` as one JSON value.
    ///
    /// - Throws: ``JSONSyntaxError`` with the 1-based byte column of the first problem.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONSyntaxError) in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        return try result.get()
    }
}

/// Why ``JSONParser`` refused its input, and where.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based byte offset of the problem in the input; one past the end when the input ended too early.
    public let column: Int
    /// What is wrong, e.g. `duplicate key "id"`.
    public let reason: String

    /// Creates an error at `column` for `reason`.
    public init(column: Int, reason: String) {
        self.column = column
        self.reason = reason
    }

    /// One line: the column, then the reason, e.g. `column 17: duplicate key "id"`.
    public var description: String { "column \(column): \(reason)" }
}

/// The parsing state: a cursor over the input bytes.
private struct Parser {
    let bytes: UnsafeRawBufferPointer
    let end: Int
    var index = 0
    var depth = 0
    /// Reused for strings that contain escapes.
    var scratch: [UInt8] = []

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.end = bytes.count
    }

    func error(at offset: Int, _ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(column: offset + 1, reason: reason)
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == end else {
            throw error(at: index, "unexpected \(describeJSONByte(bytes[index])) after the JSON value")
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < end {
            switch bytes[index] {
            case 0x20, 0x09, 0x0a, 0x0d: index += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard index < end else { throw error(at: index, "expected a JSON value, found the end of the input") }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "N"), UInt8(ascii: "I"):
            return .number(try parseNumber())
        case let byte:
            throw error(at: index, "expected a JSON value, found \(describeJSONByte(byte))")
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let count = literal.utf8CodeUnitCount
        let matches = literal.withUTF8Buffer { expected in
            end - index >= count && (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        guard matches else { throw error(at: index, "expected '\(literal)'") }
        index += count
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> JSONNumber {
        let start = index
        // Take the whole run of characters that could belong to a number, so that `1e3`, `01` or `-Infinity` are
        // refused with the rule they break rather than as trailing garbage.
        while index < end, isNumberCharacter(bytes[index]) {
            index += 1
        }
        do {
            return try JSONNumber.parse(bytes, from: start, to: index)
        } catch {
            throw self.error(at: start, "number \(error)")
        }
    }

    func isNumberCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    mutating func enterContainer() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= JSONParser.maximumDepth else {
            throw error(at: index, "nesting deeper than \(JSONParser.maximumDepth) levels")
        }
        index += 1
    }

    mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enterContainer()
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < end, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard index < end else { throw error(at: index, "expected ',' or ']', found the end of the input") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                depth -= 1
                return .array(elements)
            case let byte:
                throw error(at: index, "expected ',' or ']' in an array, found \(describeJSONByte(byte))")
            }
        }
    }

    mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enterContainer()
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(8)
        var keySet: Set<KeyBytes> = []
        // Whether the keys so far came in strictly ascending byte order (as in canonical JSON): then a key after the
        // last one cannot repeat any of them.
        var ascending = true
        skipWhitespace()
        if index < end, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(JSONObject(members))
        }
        while true {
            skipWhitespace()
            guard index < end else { throw error(at: index, "expected a string key, found the end of the input") }
            guard bytes[index] == UInt8(ascii: "\"") else {
                throw error(at: index, "expected a string key, found \(describeJSONByte(bytes[index]))")
            }
            let keyStart = index
            let key = try parseString()
            let follows = members.last.map { $0.key.utf8.lexicographicallyPrecedes(key.utf8) } ?? true
            ascending = ascending && follows
            if !ascending, isDuplicate(key, in: members, keySet: &keySet) {
                var quoted: [UInt8] = []
                CanonicalJSON.writeString(key, into: &quoted)
                throw error(at: keyStart, "duplicate key \(String(decoding: quoted, as: UTF8.self))")
            }
            skipWhitespace()
            guard index < end else { throw error(at: index, "expected ':', found the end of the input") }
            guard bytes[index] == UInt8(ascii: ":") else {
                throw error(at: index, "expected ':' after an object key, found \(describeJSONByte(bytes[index]))")
            }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            members.append((key: key, value: value))
            skipWhitespace()
            guard index < end else { throw error(at: index, "expected ',' or '}', found the end of the input") }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                depth -= 1
                return .object(JSONObject(members))
            case let byte:
                throw error(at: index, "expected ',' or '}' in an object, found \(describeJSONByte(byte))")
            }
        }
    }

    /// Whether `key` is already among `members`: a linear scan for small objects, a set of key bytes beyond.
    func isDuplicate(
        _ key: String,
        in members: [(key: String, value: JSONValue)],
        keySet: inout Set<KeyBytes>
    ) -> Bool {
        let linearLimit = 16
        if members.count < linearLimit {
            return members.contains { hasSameScalars($0.key, key) }
        }
        if keySet.isEmpty {
            keySet = Set(members.map { KeyBytes(text: $0.key) })
        }
        return !keySet.insert(KeyBytes(text: key)).inserted
    }

    /// Parses a string starting at its opening quote and leaves the index after the closing quote.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1
        let contentStart = index
        // Fast path: no escapes, so the string is the bytes between the quotes once they are known valid.
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let content = UnsafeRawBufferPointer(rebasing: bytes[contentStart..<index])
                let text = String(decoding: content, as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") {
                return try parseEscapedString(opening: start, contentStart: contentStart)
            }
            if byte < 0x20 {
                throw error(at: index, "control character \(describeJSONByte(byte)) in a string must be escaped")
            }
            if byte < 0x80 {
                index += 1
            } else {
                try skipMultibyteScalar()
            }
        }
        throw error(at: start, "unterminated string")
    }

    /// Continues a string that has escapes, copying it into `scratch` from `contentStart`.
    mutating func parseEscapedString(opening start: Int, contentStart: Int) throws(JSONSyntaxError) -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[contentStart..<index]))
        var runStart = index
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<index]))
                try parseEscape()
                runStart = index
            } else if byte < 0x20 {
                throw error(at: index, "control character \(describeJSONByte(byte)) in a string must be escaped")
            } else if byte < 0x80 {
                index += 1
            } else {
                try skipMultibyteScalar()
            }
        }
        throw error(at: start, "unterminated string")
    }

    /// Decodes the escape at the index (a backslash) into `scratch`.
    mutating func parseEscape() throws(JSONSyntaxError) {
        let escapeStart = index
        guard index + 1 < end else { throw error(at: escapeStart, "unterminated escape") }
        let letter = bytes[index + 1]
        index += 2
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
            scratch.append(letter)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0c)
        case UInt8(ascii: "n"): scratch.append(0x0a)
        case UInt8(ascii: "r"): scratch.append(0x0d)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4(escapeStart: escapeStart)
            var scalarValue = UInt32(unit)
            if unit >= 0xdc00 && unit <= 0xdfff {
                throw error(at: escapeStart, "lone low surrogate \(escapeText(unit)) in a \\u escape")
            }
            if unit >= 0xd800 && unit <= 0xdbff {
                guard index + 1 < end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else {
                    throw error(at: escapeStart, "lone high surrogate \(escapeText(unit)) in a \\u escape")
                }
                let lowStart = index
                index += 2
                let low = try parseHex4(escapeStart: lowStart)
                guard low >= 0xdc00 && low <= 0xdfff else {
                    throw error(at: escapeStart, "lone high surrogate \(escapeText(unit)) in a \\u escape")
                }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xd800) << 10) + (UInt32(low) - 0xdc00)
            }
            appendUTF8(scalarValue)
        default:
            throw error(at: escapeStart, "invalid escape '\\\(String(decoding: [letter], as: UTF8.self))'")
        }
    }

    func escapeText(_ unit: UInt16) -> String {
        let hex = String(unit, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// Reads the four hex digits after `\u` at the index.
    mutating func parseHex4(escapeStart: Int) throws(JSONSyntaxError) -> UInt16 {
        guard end - index >= 4 else { throw error(at: escapeStart, "a \\u escape needs four hex digits") }
        var value: UInt16 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error(at: escapeStart, "a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt16(digit)
        }
        index += 4
        return value
    }

    mutating func appendUTF8(_ value: UInt32) {
        switch value {
        case 0..<0x80:
            scratch.append(UInt8(value))
        case 0x80..<0x800:
            scratch.append(UInt8(0xc0 | value >> 6))
            scratch.append(UInt8(0x80 | value & 0x3f))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xe0 | value >> 12))
            scratch.append(UInt8(0x80 | value >> 6 & 0x3f))
            scratch.append(UInt8(0x80 | value & 0x3f))
        default:
            scratch.append(UInt8(0xf0 | value >> 18))
            scratch.append(UInt8(0x80 | value >> 12 & 0x3f))
            scratch.append(UInt8(0x80 | value >> 6 & 0x3f))
            scratch.append(UInt8(0x80 | value & 0x3f))
        }
    }

    /// Checks the UTF-8 sequence that starts at the index with a byte of 0x80 or above, and steps over it.
    ///
    /// Follows the Unicode well-formed byte sequence table: no overlong forms, no surrogates, nothing past U+10FFFF.
    mutating func skipMultibyteScalar() throws(JSONSyntaxError) {
        let lead = bytes[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xbf
        switch lead {
        case 0xc2...0xdf:
            length = 2
        case 0xe0:
            length = 3
            secondRange = 0xa0...0xbf
        case 0xe1...0xec, 0xee...0xef:
            length = 3
        case 0xed:
            length = 3
            secondRange = 0x80...0x9f
        case 0xf0:
            length = 4
            secondRange = 0x90...0xbf
        case 0xf1...0xf3:
            length = 4
        case 0xf4:
            length = 4
            secondRange = 0x80...0x8f
        default:
            throw error(at: index, "invalid UTF-8 byte \(describeJSONByte(lead))")
        }
        guard end - index >= length else { throw error(at: index, "truncated UTF-8 sequence") }
        guard secondRange.contains(bytes[index + 1]) else {
            throw error(at: index, "invalid UTF-8 sequence starting with \(describeJSONByte(lead))")
        }
        for offset in 2..<length where bytes[index + offset] & 0xc0 != 0x80 {
            throw error(at: index, "invalid UTF-8 sequence starting with \(describeJSONByte(lead))")
        }
        index += length
    }
}

/// A key compared by its UTF-8 bytes, for duplicate detection in large objects.
private struct KeyBytes: Hashable {
    let text: String

    static func == (lhs: KeyBytes, rhs: KeyBytes) -> Bool {
        hasSameScalars(lhs.text, rhs.text)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(text.utf8.count)
        for byte in text.utf8 {
            hasher.combine(byte)
        }
    }
}
