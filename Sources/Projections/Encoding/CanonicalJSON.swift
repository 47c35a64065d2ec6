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
        write(value, into: &output)
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
