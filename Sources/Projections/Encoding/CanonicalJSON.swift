/// The RFC 8785 JSON Canonicalization Scheme (JCS): the bytes the hash chain seals.
///
/// The form has no whitespace, sorts object members by their keys compared as UTF-16 code units, escapes strings as
/// ECMAScript's `JSON.stringify` does and writes numbers as ``JSONNumber/canonicalText``. Python's `jcs` package
/// produces the same bytes for the same value.
///
/// ```swift
/// var line: [UInt8] = []
/// CanonicalJSON.write(["b": 1, "a": "x\n"], into: &line)  // {"a":"x\n","b":1}
/// ```
public enum CanonicalJSON {
    /// Appends the canonical bytes of `value` to `output`.
    ///
    /// Members of an object with duplicate keys are all written, in input order among themselves.
    public static func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null:
            appendASCII("null", to: &output)
        case .bool(let bool):
            appendASCII(bool ? "true" : "false", to: &output)
        case .number(let number):
            number.write(into: &output)
        case .string(let string):
            writeString(string, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 {
                    output.append(UInt8(ascii: ","))
                }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (offset, member) in object.sortedMembers().enumerated() {
                if offset > 0 {
                    output.append(UInt8(ascii: ","))
                }
                writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                write(member.value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Returns the canonical bytes of `value`.
    public static func bytes(of value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, into: &output)
        return output
    }

    /// The bytes a command prints for `value`: the canonical form with C1 controls (U+0080–U+009F) and the line
    /// and paragraph separators (U+2028, U+2029) also escaped as `\uXXXX`, so that no printed line acts on a
    /// terminal or splits where a line splitter breaks. Parsed back, it is the same value as the canonical form.
    public static func displayBytes(of value: JSONValue) -> [UInt8] {
        escapingForDisplay(bytes(of: value))
    }

    /// `json` (UTF-8 JSON text) with every C1 control, U+2028 and U+2029 escaped as `\uXXXX`. Outside strings
    /// JSON text is ASCII, so these scalars can only stand inside strings, where the escape means the same.
    public static func escapingForDisplay(_ json: some Collection<UInt8>) -> [UInt8] {
        if let output = json.withContiguousStorageIfAvailable({ escapingForDisplay(contiguous: $0) }) {
            return output
        }
        return Array(json).withUnsafeBufferPointer { escapingForDisplay(contiguous: $0) }
    }

    /// ``escapingForDisplay(_:)`` over one buffer: the runs between escapes are copied whole. `input` is UTF-8, so
    /// a 0xC2 or 0xE2 byte starts a scalar and the bytes after it are that scalar's.
    private static func escapingForDisplay(contiguous input: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 16)
        let digits = Array("0123456789abcdef".utf8)
        var runStart = 0
        var index = 0
        func escape(_ scalar: UInt32, length: Int) {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
            output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")])
            for shift in stride(from: 12, through: 0, by: -4) {
                output.append(digits[Int((scalar >> UInt32(shift)) & 0xf)])
            }
            index += length
            runStart = index
        }
        while index < input.count {
            switch input[index] {
            case 0xC2 where index + 1 < input.count && (0x80...0x9F).contains(input[index + 1]):
                escape(UInt32(input[index + 1]), length: 2)
            case 0xE2
            where index + 2 < input.count && input[index + 1] == 0x80
                && (input[index + 2] == 0xA8 || input[index + 2] == 0xA9):
                escape(0x2000 | UInt32(input[index + 2] - 0x80), length: 3)
            default:
                index += 1
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<input.count]))
        return output
    }

    /// Appends `string` in quotes, escaped as `JSON.stringify` does: `\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, other
    /// controls below U+0020 as `\u00xx`, and every other scalar as raw UTF-8.
    static func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                appendEscape(for: byte, to: &output)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(for byte: UInt8, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x09: output.append(UInt8(ascii: "t"))
        case 0x0a: output.append(UInt8(ascii: "n"))
        case 0x0c: output.append(UInt8(ascii: "f"))
        case 0x0d: output.append(UInt8(ascii: "r"))
        default:
            let digits: StaticString = "0123456789abcdef"
            digits.withUTF8Buffer { hex in
                output.append(UInt8(ascii: "u"))
                output.append(UInt8(ascii: "0"))
                output.append(UInt8(ascii: "0"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0f)])
            }
        }
    }

    private static func appendASCII(_ text: StaticString, to output: inout [UInt8]) {
        text.withUTF8Buffer { output.append(contentsOf: $0) }
    }
}
