import Foundation

/// A page as `sckb serve` renders it, turned into a page of the published folder at its edges only: forms that
/// need a server become links to pages that exist, and every link to the site becomes a relative link to its file.
struct PublishedPage {
    /// The page's own file, relative to the folder.
    var file: String
    /// The years whose end the cut links offer (`as-of=YEAR-12-31`).
    var years: [Int]

    /// `html` with its forms replaced and its internal links made relative; `found` gets every internal address it
    /// links to.
    func rewrite(_ html: String, found: inout [PublishedAddress]) -> String {
        relink(replacingForms(html), found: &found)
    }

    // MARK: Links

    /// Every `href="/…"`, `src="/…"` made relative to `file`. One pass over the bytes: pages run to megabytes.
    func relink(_ html: String, found: inout [PublishedAddress]) -> String {
        let bytes = Array(html.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var copied = 0
        var index = 0
        while let space = PublishedPage.index(of: [0x20], in: bytes, from: index) {
            index = space + 1
            let marker: [UInt8]
            if PublishedPage.hasPrefix(PublishedPage.href, in: bytes, at: space) {
                marker = PublishedPage.href
            } else if PublishedPage.hasPrefix(PublishedPage.src, in: bytes, at: space) {
                marker = PublishedPage.src
            } else {
                continue
            }
            let start = space + marker.count
            guard let end = PublishedPage.index(of: [0x22], in: bytes, from: start) else { break }
            let link = PublishedPage.unescape(String(decoding: bytes[start..<end], as: UTF8.self))
            if let linked = PublishedAddress(link: link),
                linked.parameters.contains(where: { PublishedPage.serverOnly.contains($0.name) })
            {
                // A table sorted another way is the server's: the heading stays, as text (an `<a>` without href).
                result += bytes[copied..<space]
                copied = end + 1
                index = end + 1
                continue
            }
            result += bytes[copied..<start]
            if let linked = PublishedAddress(link: link) {
                let address = linked.published
                found.append(address)
                let fragment = link.firstIndex(of: "#").map { String(link[$0...]) } ?? ""
                result += Array(HTML.escape(PublishedAddress.relative(from: file, to: address.file) + fragment).utf8)
            } else {
                result += bytes[start..<end]
            }
            copied = end
            index = end
        }
        result += bytes[copied...]
        return String(decoding: result, as: UTF8.self)
    }

    /// Parameters whose pages are not published: the other orders of a sortable table (a published table keeps the
    /// order it opens in, and pages through it).
    static let serverOnly: Set<String> = ["sort", "order"]

    private static let href = Array(" href=\"".utf8)
    private static let src = Array(" src=\"".utf8)

    /// Whether `bytes` holds `pattern` at `position`.
    static func hasPrefix(_ pattern: [UInt8], in bytes: [UInt8], at position: Int) -> Bool {
        guard position + pattern.count <= bytes.count else { return false }
        for offset in pattern.indices where bytes[position + offset] != pattern[offset] { return false }
        return true
    }

    /// Where `pattern` first occurs in `bytes` at or after `start`.
    static func index(of pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard let first = pattern.first, start < bytes.count else { return nil }
        var position = start
        while position + pattern.count <= bytes.count {
            if bytes[position] == first, hasPrefix(pattern, in: bytes, at: position) { return position }
            position += 1
        }
        return nil
    }

    /// The text of an attribute value that ``HTML/escape(_:)`` wrote.
    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    // MARK: Forms

    /// `html` with each `<form>…</form>` replaced by links (see ``links(for:)``).
    func replacingForms(_ html: String) -> String {
        let bytes = Array(html.utf8)
        let (open, close) = (Array("<form".utf8), Array("</form>".utf8))
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var copied = 0
        while let start = PublishedPage.index(of: open, in: bytes, from: copied),
            let end = PublishedPage.index(of: close, in: bytes, from: start)
        {
            result += bytes[copied..<start]
            result += Array(links(for: String(decoding: bytes[start..<(end + close.count)], as: UTF8.self)).utf8)
            copied = end + close.count
        }
        result += bytes[copied...]
        return String(decoding: result, as: UTF8.self)
    }

    /// What a published page shows instead of a form: for search, a link to the A–Z index; for the cut, the record
    /// at the end of each year (the page itself where it is published at cuts, else the overview) and now; for a filter form, a link per choice of each list and each checkbox (only
    /// on the record now; a page at a cut links its filters at now); a form of typed fields alone goes.
    func links(for form: String) -> String {
        let parsed = ParsedForm(form)
        let action = PublishedAddress(path: parsed.action)
        if parsed.action == "/search" {
            return "<p class=\"search\">"
                + HTML.link(
                    "/a-z",
                    "Index A–Z of every city, project, solution,"
                        + " demonstration and obstacle"
                ) + "</p>"
        }
        if parsed.action == "/ccg/eligibility" {
            // A city, a meeting and an amount together: an answer only a server can give.
            return "<p class=\"filters\">The eligibility check answers on a running <code>sckb serve</code>"
                + " (or <code>sckb ccg eligibility</code>); " + HTML.link("/ccg/travel", "the contributions granted")
                + " are published.</p>"
        }
        let hidden = parsed.hidden.map { PublishedAddress.Parameter(name: $0.0, value: $0.1) }
        var page = action
        page.parameters = hidden
        if parsed.classes.contains("cut") {
            let now = page.now
            var html = "<p class=\"cut-links\">The record at the end of "
            html += years.map { year in
                let target = page.atEnd(of: year)
                return HTML.link(target.link, String(year))
            }.joined(separator: " · ")
            html += " · " + HTML.link(now.link, "now") + "</p>"
            return html
        }
        let isAtCut = hidden.contains { PublishedAddress.cutNames.contains($0.name) }
        guard !parsed.choices.isEmpty else { return "" }
        if isAtCut {
            let now = page.now
            return "<p class=\"filters\">" + HTML.link(now.link, "Filters")
                + " are offered on the record now.</p>"
        }
        var html = "<ul class=\"filters\">"
        for choice in parsed.choices {
            html += "<li>" + HTML.escape(choice.label) + ": "
            html += HTML.link(page.link, "all") + " · "
            html += choice.options.map { option in
                let target = page.setting(choice.name, to: option.value)
                let text = HTML.link(target.link, option.label)
                return option.isChosen ? "<strong>" + text + "</strong>" : text
            }.joined(separator: " · ")
            html += "</li>"
        }
        return html + "</ul>"
    }
}

/// The parts of a form the web view writes that a published page turns into links.
struct ParsedForm {
    /// One list of choices: a `<select>` (its options with a value) or a checkbox (its one value).
    struct Choice {
        var name: String
        var label: String
        var options: [(value: String, label: String, isChosen: Bool)]
    }

    var action = ""
    var classes: [String] = []
    var hidden: [(String, String)] = []
    var choices: [Choice] = []

    init(_ form: String) {
        var text = ""
        var select: Choice?
        var option: (value: String?, isChosen: Bool)?
        var checkbox: Choice?
        var rest = form[...]
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            text += PublishedPage.unescape(String(rest[..<open]))
            let tag = rest[rest.index(after: open)..<close]
            let attributes = ParsedForm.attributes(tag)
            let isClosing = tag.first == "/"
            let name = (isClosing ? "/" : "") + tag.dropFirst(isClosing ? 1 : 0).prefix { $0 != " " && $0 != "/" }
            switch name {
            case "form":
                action = attributes["action"] ?? ""
                classes = (attributes["class"] ?? "").split(separator: " ").map(String.init)
            case "label":
                text = ""
            case "select":
                select = Choice(name: attributes["name"] ?? "", label: ParsedForm.trimmed(text), options: [])
            case "option":
                option = (attributes["value"], attributes["selected"] != nil)
                text = ""
            case "/option":
                if let current = option {
                    let label = ParsedForm.trimmed(text)
                    let value = current.value ?? label
                    if !value.isEmpty { select?.options.append((value, label, current.isChosen)) }
                }
                option = nil
            case "/select":
                if let select, !select.options.isEmpty { choices.append(select) }
                select = nil
            case "input":
                let kind = attributes["type"] ?? "text"
                if kind == "hidden", let field = attributes["name"] {
                    hidden.append((field, attributes["value"] ?? ""))
                } else if kind == "checkbox", let field = attributes["name"] {
                    let value = attributes["value"] ?? "true"
                    checkbox = Choice(name: field, label: "", options: [(value, "", attributes["checked"] != nil)])
                    text = ""
                }
            case "/label":
                if var box = checkbox {
                    let label = ParsedForm.trimmed(text)
                    box.label = label
                    box.options[0].label = label
                    choices.append(box)
                }
                checkbox = nil
            default:
                break
            }
            rest = rest[rest.index(after: close)...]
        }
    }

    private static func trimmed(_ text: String) -> String {
        String(text.drop { $0 == " " || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
    }

    /// `name="value"` pairs and bare names (with an empty value) of a tag's text.
    static func attributes(_ tag: Substring) -> [String: String] {
        var found: [String: String] = [:]
        var rest = tag.drop { $0 != " " }
        while true {
            rest = rest.drop { $0 == " " || $0 == "/" }
            guard !rest.isEmpty else { break }
            let name = rest.prefix { $0 != "=" && $0 != " " && $0 != "/" }
            rest = rest.dropFirst(name.count)
            guard rest.first == "=" else {
                found[String(name)] = ""
                continue
            }
            rest = rest.dropFirst()
            if rest.first == "\"" {
                rest = rest.dropFirst()
                let value = rest.prefix { $0 != "\"" }
                found[String(name)] = PublishedPage.unescape(String(value))
                rest = rest.dropFirst(value.count + 1)
            } else {
                let value = rest.prefix { $0 != " " }
                found[String(name)] = PublishedPage.unescape(String(value))
                rest = rest.dropFirst(value.count)
            }
        }
        return found
    }
}
