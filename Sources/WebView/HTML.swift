import Projections

/// Escaping and small builders for the HTML and SVG the web view writes.
public enum HTML {
    /// `text` safe inside HTML or SVG text and quoted attribute values: control characters written as visible
    /// escapes (as on the terminal), then `&`, `<`, `>`, `"` and `'` as character references.
    public static func escape(_ text: String) -> String {
        let visible = SafeText.escaped(text)
        guard visible.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 })
        else { return visible }
        var result = ""
        result.reserveCapacity(visible.utf8.count + 16)
        for character in visible.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// `text` percent-encoded for a path segment or a query value: everything but unreserved characters.
    public static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result +=
                    "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 15, radix: 16, uppercase: true)
            }
        }
        return result
    }

    /// An `<a>` element to `href` (escaped) with `text` (escaped).
    public static func link(_ href: String, _ text: String, className: String? = nil) -> String {
        let classAttribute = className.map { " class=\"\(escape($0))\"" } ?? ""
        return "<a href=\"\(escape(href))\"\(classAttribute)>\(escape(text))</a>"
    }

    /// Whether `text` looks like a web address worth linking (http or https, no spaces or controls).
    public static func isWebAddress(_ text: String) -> Bool {
        (text.hasPrefix("https://") || text.hasPrefix("http://")) && text.count < 2000
            && !text.unicodeScalars.contains { $0 == " " || SafeText.isControl($0) }
    }
}
