/// An entity id: lowercase ASCII words joined by single hyphens, `[a-z0-9]+(-[a-z0-9]+)*`, at most 64 characters.
public struct Slug: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The slug's text.
    public let rawValue: String

    /// The longest slug allowed.
    public static let maximumLength = 64

    /// A slug, or nil when `rawValue` breaks the pattern.
    public init?(rawValue: String) {
        guard Slug.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// Whether `text` is a slug.
    public static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= maximumLength else { return false }
        var previousWasHyphen = true
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                previousWasHyphen = false
            case UInt8(ascii: "-"):
                if previousWasHyphen { return false }
                previousWasHyphen = true
            default:
                return false
            }
        }
        return !previousWasHyphen
    }

    /// Orders by the slug's text.
    public static func < (left: Slug, right: Slug) -> Bool { left.rawValue < right.rawValue }

    /// The slug's text.
    public var description: String { rawValue }
}
