import Projections

/// A table of typed cells as HTML: every cell built by the page from a typed value, text escaped, numbers right-aligned
/// with thousands separators, dates as dates; a long table sorts by any column and pages (``TableView``).
struct HTMLTable {
    /// One cell: HTML already escaped, whether it holds a number, and what it sorts by.
    struct Cell {
        var html: String
        var isNumber = false
        /// The number a numeric column sorts by; nil for text (and an absent number, which sorts first).
        var numericKey: Double?
        /// The text a column sorts by, folded for case and accents; nil to derive it from ``html``.
        var textKey: String?

        /// Text, escaped; `—` when nil.
        static func text(_ text: String?) -> Cell {
            Cell(html: text.map(HTML.escape) ?? Links.none, textKey: SearchFolding.fold(text ?? ""))
        }

        /// A count or an amount (as JSON writes it), right-aligned, with thousands separators.
        static func number(_ text: String?) -> Cell {
            Cell(
                html: text.map { HTML.escape(Format.number($0)) } ?? Links.none,
                isNumber: true,
                numericKey: text.flatMap(Double.init)
            )
        }

        /// A count, right-aligned, with thousands separators.
        static func count(_ value: Int) -> Cell {
            number(String(value))
        }

        /// A year, right-aligned, without separators.
        static func year(_ year: Int?) -> Cell {
            Cell(html: year.map { String($0) } ?? Links.none, isNumber: true, numericKey: year.map(Double.init))
        }

        /// A date or date-time as people write it, sorting by the date.
        static func date(_ text: String?) -> Cell {
            Cell(html: text.map(Format.timeElement) ?? Links.none, textKey: text ?? "")
        }

        /// HTML built by the page (links); it sorts by its visible text.
        static func html(_ html: String) -> Cell {
            Cell(html: html)
        }

        /// HTML built by the page that stands for a number (a linked position), sorting by `number`.
        static func html(_ html: String, number: UInt64?) -> Cell {
            Cell(html: html, isNumber: true, numericKey: number.map(Double.init))
        }

        /// The text the cell sorts by.
        var sortText: String {
            if let textKey { return textKey }
            var visible = ""
            var inTag = false
            for character in html {
                if character == "<" {
                    inTag = true
                } else if character == ">" {
                    inTag = false
                } else if !inTag {
                    visible.append(character)
                }
            }
            return SearchFolding.fold(visible)
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
        render(rows: rows[...], headerHTML: headers.map(HTML.escape), empty: empty)
    }

    private func render(rows: ArraySlice<[Cell]>, headerHTML: [String], empty: String) -> String {
        guard !rows.isEmpty else { return "<p>\(HTML.escape(empty))</p>" }
        var html = "<div class=\"table-wrap\"><table><thead><tr>"
        for (index, header) in headerHTML.enumerated() {
            let isNumber = rows.first.map { index < $0.count && $0[index].isNumber } ?? false
            html += (isNumber ? "<th class=\"number\" scope=\"col\">" : "<th scope=\"col\">") + header + "</th>"
        }
        html += "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>"
            for cell in row { html += (cell.isNumber ? "<td class=\"number\">" : "<td>") + cell.html + "</td>" }
            html += "</tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// The column id of a heading, as `?sort=` names it: `lighthouse to fellow` → `lighthouse-to-fellow`.
    static func columnID(_ header: String) -> String {
        var id = ""
        for character in SearchFolding.fold(header) {
            if character.isLetter || character.isNumber {
                id.append(character)
            } else if !id.isEmpty && id.last != "-" {
                id.append("-")
            }
        }
        return id.last == "-" ? String(id.dropLast()) : id
    }

    /// The table sorted and paged as `view` says, each heading a link that sorts by its column (again: the other
    /// way), with the total and links to the other pages; `page` gives the links' path, kept parameters and cut.
    /// An unknown column is a 400, a page past the last a 404.
    func render(_ view: TableView, on page: Page, empty: String = "None.") throws(WebError) -> String {
        let ids = headers.map(HTMLTable.columnID)
        var sorted = rows
        var column: Int?
        var isDescending = false
        if let sort = view.sort {
            guard let index = ids.firstIndex(of: sort) else {
                throw WebError(
                    400,
                    "parameter 'sort': '\(sort)' is not a column of this table (one of \(ids.joined(separator: "|")))"
                )
            }
            column = index
            let isNumeric = rows.contains { index < $0.count && $0[index].isNumber }
            isDescending = view.order.map { $0 == .descending } ?? isNumeric
            let keyed = rows.enumerated().map { offset, row -> (Int, Double, String, [Cell]) in
                let cell = index < row.count ? row[index] : Cell(html: "")
                return (offset, cell.numericKey ?? -Double.infinity, isNumeric ? "" : cell.sortText, row)
            }
            sorted = keyed.sorted { first, second in
                if first.1 != second.1 { return isDescending ? first.1 > second.1 : first.1 < second.1 }
                if first.2 != second.2 { return isDescending ? first.2 > second.2 : first.2 < second.2 }
                return first.0 < second.0
            }.map(\.3)
        }
        let pageCount = max(1, (sorted.count + TableView.pageSize - 1) / TableView.pageSize)
        guard view.page <= pageCount else {
            throw WebError(404, "page \(view.page): this table has \(pageCount) page\(pageCount == 1 ? "" : "s")")
        }
        let kept = page.kept.filter { !TableView.names.contains($0.0) }
        func href(_ parameters: [(String, String)]) -> String {
            Page.href(page.path, kept + parameters, cut: page.cut)
        }
        var headerHTML: [String] = []
        for (index, header) in headers.enumerated() {
            let isCurrent = index == column
            let order = isCurrent && !isDescending ? "desc" : "asc"
            let arrow = isCurrent ? (isDescending ? " \u{25BC}" : " \u{25B2}") : ""
            let label = isCurrent ? "sorted \(isDescending ? "descending" : "ascending")" : "sort"
            headerHTML.append(
                "<a href=\"\(HTML.escape(href([("sort", ids[index]), ("order", order)])))\" title=\"\(label)\">"
                    + HTML.escape(header) + arrow + "</a>"
            )
        }
        let start = (view.page - 1) * TableView.pageSize
        let shown = sorted[min(start, sorted.count)..<min(start + TableView.pageSize, sorted.count)]
        var html = render(rows: shown, headerHTML: headerHTML, empty: empty)
        guard !sorted.isEmpty else { return html }
        let sortPairs = view.sort.map { [("sort", $0), ("order", isDescending ? "desc" : "asc")] } ?? []
        var summary = "<p class=\"pages\">"
        summary +=
            pageCount == 1
            ? "\(Format.count(sorted.count)) row\(sorted.count == 1 ? "" : "s")."
            : "Rows \(Format.count(start + 1))\u{2013}\(Format.count(start + shown.count)) of \(Format.count(sorted.count))."
        if pageCount > 1 {
            var links: [String] = []
            for number in 1...pageCount {
                links.append(
                    number == view.page
                        ? "<strong aria-current=\"page\">\(number)</strong>"
                        : HTML.link(href(sortPairs + [("page", String(number))]), String(number))
                )
            }
            summary += " Page: " + links.joined(separator: " ")
        }
        html += summary + "</p>"
        return html
    }
}

/// How a long table is sorted and paged: `?sort=COLUMN&order=asc|desc&page=N` (pages of ``pageSize`` rows).
struct TableView {
    /// The column to sort by, as ``HTMLTable/columnID(_:)`` names it; nil keeps the table's own order.
    var sort: String?
    /// Ascending or descending.
    enum Order {
        case ascending, descending
    }

    /// The order asked for; nil sorts numbers largest first and text from A.
    var order: Order?
    /// The page shown, from 1.
    var page = 1

    /// The parameters a sortable page takes.
    static let names: Set<String> = ["sort", "order", "page"]
    /// Rows per page.
    static let pageSize = 200

    /// Reads `sort`, `order` and `page`; a malformed order or page is a 400.
    init(_ parameters: QueryParameters) throws(WebError) {
        sort = try parameters.value("sort", ignoringEmpty: true)
        switch try parameters.value("order", ignoringEmpty: true) {
        case nil: order = nil
        case "asc": order = .ascending
        case "desc": order = .descending
        case let other?: throw WebError(400, "parameter 'order': '\(other)' is not asc or desc")
        }
        if let text = try parameters.value("page", ignoringEmpty: true) {
            guard let number = Int(text), number >= 1 else {
                throw WebError(400, "parameter 'page': '\(text)' is not a page number (1 or more)")
            }
            page = number
        }
    }
}

/// Links to the pages of the things the record holds, keeping the cut; names shown, ids in the URLs.
struct Links {
    var cut: RequestCut

    /// What an absent value shows.
    static let none = "<span class=\"none\">—</span>"

    func city(_ id: Slug?, _ name: String?) -> String {
        page("city", id, name)
    }

    func project(_ id: Slug?, _ name: String?) -> String {
        page("project", id, name)
    }

    func solution(_ id: Slug?, _ name: String?) -> String {
        page("solution", id, name)
    }

    /// An entity without a page of its own (a meeting, a grant, a demonstration, an obstacle): its history.
    func history(_ id: Slug?) -> String {
        guard let id else { return Links.none }
        return HTML.link(Page.href("/history/" + id.rawValue, cut: cut), id.rawValue)
    }

    /// A demonstration's page, shown by its name ("SOLUTION NAME in CITY NAME") or, without one, its id.
    func demonstration(_ id: Slug?, _ name: String?) -> String {
        page("demonstration", id, name)
    }

    /// An obstacle's page, shown by its text or, without one, its id.
    func obstacle(_ id: Slug?, _ text: String?) -> String {
        page("obstacle", id, text)
    }

    /// The page `/KIND/ID`, shown by `text` or, without one, the id; `—` without an id.
    private func page(_ kind: String, _ id: Slug?, _ text: String?) -> String {
        guard let id else { return Links.none }
        return HTML.link(Page.href("/\(kind)/" + id.rawValue, cut: cut), text ?? id.rawValue)
    }

    /// The page of the replication or plan at `position`, shown as its position (or `text`).
    func replication(_ position: UInt64?, _ text: String? = nil) -> String {
        guard let position else { return Links.none }
        return HTML.link(WebLinks.replication(position: position, cut: cut), text ?? String(position))
    }

    /// A term explained on `/about`, at `anchor`.
    func about(_ anchor: String, _ text: String) -> String {
        HTML.link("/about#" + anchor, text, className: "term")
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

/// Link targets that other parts of the view (the graph, the map) build.
enum WebLinks {
    /// The page of the replication or plan at `position`, keeping `cut`.
    static func replication(position: UInt64, cut: RequestCut) -> String {
        Page.href("/replication/\(position)", cut: cut)
    }
}

extension String {
    /// `replications_in` → `replications in`, for labels.
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
