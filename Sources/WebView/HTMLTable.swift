import Projections

/// A table of typed cells as HTML: every cell built by the page from a typed value, text escaped, numbers right-aligned.
struct HTMLTable {
    /// One cell: HTML already escaped, and whether it holds a number.
    struct Cell {
        var html: String
        var isNumber = false

        /// Text, escaped; `—` when nil.
        static func text(_ text: String?) -> Cell {
            Cell(html: text.map(HTML.escape) ?? Links.none)
        }

        /// A count or an amount, right-aligned.
        static func number(_ text: String?) -> Cell {
            Cell(html: text.map(HTML.escape) ?? Links.none, isNumber: true)
        }

        /// HTML built by the page (links).
        static func html(_ html: String) -> Cell {
            Cell(html: html)
        }
    }

    var headers: [String]
    var rows: [[Cell]] = []

    init(_ headers: String...) {
        self.headers = headers
    }

    mutating func append(_ row: [Cell]) {
        rows.append(row)
    }

    /// The table, or `empty` (a sentence) when it has no rows.
    func render(empty: String = "None.") -> String {
        guard !rows.isEmpty else { return "<p>\(HTML.escape(empty))</p>" }
        var html = "<div class=\"table-wrap\"><table><thead><tr>"
        for header in headers { html += "<th>\(HTML.escape(header))</th>" }
        html += "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>"
            for cell in row { html += (cell.isNumber ? "<td class=\"number\">" : "<td>") + cell.html + "</td>" }
            html += "</tr>"
        }
        return html + "</tbody></table></div>"
    }
}

/// Links to the pages of the things the record holds, keeping the cut; names shown, ids in the URLs.
struct Links {
    var cut: RequestCut

    /// What an absent value shows.
    static let none = "<span class=\"none\">—</span>"

    func city(_ id: Slug?, _ name: String?) -> String {
        guard let id else { return Links.none }
        return HTML.link(Page.href("/city/" + id.rawValue, cut: cut), name ?? id.rawValue)
    }

    func project(_ id: Slug?, _ name: String?) -> String {
        guard let id else { return Links.none }
        return HTML.link(Page.href("/project/" + id.rawValue, cut: cut), name ?? id.rawValue)
    }

    func solution(_ id: Slug?, _ name: String?) -> String {
        guard let id else { return Links.none }
        return HTML.link(Page.href("/solution/" + id.rawValue, cut: cut), name ?? id.rawValue)
    }

    /// An entity without a page of its own (a meeting, a grant, a demonstration, an obstacle): its history.
    func history(_ id: Slug?) -> String {
        guard let id else { return Links.none }
        return HTML.link(Page.href("/history/" + id.rawValue, cut: cut), id.rawValue)
    }

    /// A position of the log: the event there.
    func position(_ number: UInt64?) -> String {
        guard let number else { return Links.none }
        return HTML.link(Page.href("/log", [("from", String(number)), ("limit", "1")], cut: cut), String(number))
    }

    /// Where a fact comes from: a link when it is a web address, else the text.
    func source(_ text: String?) -> String {
        guard let text else { return Links.none }
        guard HTML.isWebAddress(text) else { return HTML.escape(text) }
        return "<a href=\"\(HTML.escape(text))\" rel=\"noopener noreferrer\">\(HTML.escape(text))</a>"
    }

    /// The origin of a replication: a city, else the lighthouse cities of a project.
    func origin(city: Slug?, cityName: String?, project: Slug?, projectName: String?) -> String {
        if let city { return self.city(city, cityName) }
        guard let project else { return Links.none }
        return "lighthouse cities of " + self.project(project, projectName)
    }

    /// A list of facts as a definition list: labels escaped, values already HTML.
    static func facts(_ items: [(String, String)]) -> String {
        "<dl>" + items.map { "<dt>\(HTML.escape($0.0))</dt><dd>\($0.1)</dd>" }.joined() + "</dl>"
    }
}

extension String {
    /// `replications_in` → `replications in`, for labels.
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
