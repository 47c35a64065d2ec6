import Projections

/// A request the web view refuses, with the HTTP status and the reason it gives.
public struct WebError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status: 400, 404, 405 or 500.
    public var status: Int
    /// One line saying what, where and why.
    public var description: String

    /// A refusal with `status` and `description`.
    public init(_ status: Int, _ description: String) {
        self.status = status
        self.description = description
    }
}

/// The query parameters of one request, decoded, each name at most once.
public struct QueryParameters: Sendable {
    /// The parameters in the order given.
    public private(set) var pairs: [(name: String, value: String?)] = []

    /// Decodes `query` (the part after `?`, without it): `&`-separated `name=value` or bare `name`, percent-escapes
    /// and `+` for space; a repeated name or a broken escape is a 400.
    public init(query: String?) throws(WebError) {
        guard let query, !query.isEmpty else { return }
        for piece in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try QueryParameters.decode(parts[0])
            let value = try parts.count > 1 ? QueryParameters.decode(parts[1]) : nil
            guard !pairs.contains(where: { $0.name == name }) else {
                throw WebError(400, "parameter '\(name)' is given more than once")
            }
            pairs.append((name, value))
        }
    }

    /// The value of `name`: nil when absent, "" for a bare name.
    public subscript(name: String) -> String? {
        guard let pair = pairs.first(where: { $0.name == name }) else { return nil }
        return pair.value ?? ""
    }

    /// Refuses any parameter not in `allowed`.
    public func check(allowed: Set<String>) throws(WebError) {
        for pair in pairs where !allowed.contains(pair.name) {
            let known = allowed.sorted().joined(separator: ", ")
            throw WebError(
                400,
                "unknown parameter '\(pair.name)'" + (known.isEmpty ? "; this route takes none" : "; known: \(known)")
            )
        }
    }

    /// A flag: on when present bare or `=true`, off when absent or `=false`; anything else is a 400.
    public func flag(_ name: String) throws(WebError) -> Bool {
        switch self[name] {
        case nil, "false": return false
        case "", "true": return true
        case let value?:
            throw WebError(400, "parameter '\(name)' is a flag: give it bare, =true or =false, not '\(value)'")
        }
    }

    /// A value; with `ignoringEmpty` (pages, whose forms send empty fields), an empty value counts as absent.
    public func value(_ name: String, ignoringEmpty: Bool) throws(WebError) -> String? {
        guard let value = self[name] else { return nil }
        if value.isEmpty {
            if ignoringEmpty { return nil }
            throw WebError(400, "parameter '\(name)' needs a value")
        }
        return value
    }

    private static func decode(_ text: Substring) throws(WebError) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first < utf8.endIndex, utf8.index(after: first) < utf8.endIndex,
                    let high = hexValue(utf8[first]), let low = hexValue(utf8[utf8.index(after: first)])
                else { throw WebError(400, "the query has a broken percent escape") }
                bytes.append(high << 4 | low)
                index = utf8.index(after: utf8.index(after: first))
                continue
            } else {
                bytes.append(byte)
            }
            index = utf8.index(after: index)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw WebError(400, "the query is not valid UTF-8")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// The cuts in time of one request (`as-of`, `until`), as given and as parsed.
public struct RequestCut: Sendable {
    /// `as-of` as given.
    public var asOfText: String?
    /// `until` as given.
    public var untilText: String?
    /// The cut they make.
    public var view: ViewCut

    init(asOfText: String?, untilText: String?, view: ViewCut) {
        self.asOfText = asOfText
        self.untilText = untilText
        self.view = view
    }

    /// Reads `as-of` and `until` from `parameters`; a malformed one is a 400 worded as the CLI words it.
    public init(_ parameters: QueryParameters, ignoringEmpty: Bool) throws(WebError) {
        asOfText = try parameters.value("as-of", ignoringEmpty: ignoringEmpty)
        untilText = try parameters.value("until", ignoringEmpty: ignoringEmpty)
        var asOf: ValidTimeCut?
        if let asOfText {
            guard let time = ValidTime(parsing: asOfText) else {
                throw WebError(400, "as-of '\(asOfText)' is not a date (YYYY-MM-DD) or an RFC 3339 date-time")
            }
            asOf = ValidTimeCut(through: time)
        }
        var until: TransactionCut?
        if let untilText {
            guard let cut = TransactionCut(parsing: untilText) else {
                throw WebError(400, "until '\(untilText)' is not a position or a date (YYYY-MM-DD or RFC 3339)")
            }
            until = cut
        }
        view = ViewCut(until: until, asOf: asOf)
    }

    /// The cut as query pairs, to keep in links.
    public var pairs: [(String, String)] {
        (asOfText.map { [("as-of", $0)] } ?? []) + (untilText.map { [("until", $0)] } ?? [])
    }

    /// What the page header says about the cut.
    public var caption: String {
        var parts: [String] = []
        if let asOfText { parts.append("as of \(asOfText) (what was true in the world then)") }
        if let untilText {
            parts.append(
                UInt64(untilText) != nil
                    ? "until position \(untilText) (what the record said then)"
                    : "until \(untilText) (what the record said then)"
            )
        }
        return parts.isEmpty ? "the record now" : parts.joined(separator: ", ")
    }
}
