import Projections

/// Renders the views' JSON values as HTML: objects as definition lists, lists of objects as tables, ids as links
/// to their pages (keeping the cut), everything that users entered escaped.
struct JSONRendering {
    /// The cut that links keep.
    var cut: RequestCut

    /// Where an id found under `key` links to: the entity's page, or the history of one without a page.
    static func route(forKey key: String) -> String? {
        switch key {
        case "city", "from", "to", "cities", "demonstrated_in", "adopted_by", "planned_by", "attendees", "members":
            "/city/"
        case "project", "projects": "/project/"
        case "solution", "solutions": "/solution/"
        case "meeting", "meetings_attended", "grant", "demonstration", "obstacle", "contact": "/history/"
        default: nil
        }
    }

    /// A scalar as HTML, linked when `key` names an entity.
    func scalar(_ value: JSONValue, key: String) -> String {
        switch value {
        case .null: return "<span class=\"none\">—</span>"
        case .bool(let flag): return flag ? "yes" : "no"
        case .number(let number):
            if key == "position" || key == "closed_by" || key == "retracted_by", let integer = number.integerValue {
                return HTML.link(
                    Page.href("/log", [("from", String(integer)), ("limit", "1")], cut: cut),
                    String(integer)
                )
            }
            return number.canonicalText
        case .string(let text):
            if let route = JSONRendering.route(forKey: key), Slug.isValid(text) {
                return HTML.link(Page.href(route + text, cut: cut), text)
            }
            if key == "source", HTML.isWebAddress(text) {
                return "<a href=\"\(HTML.escape(text))\" rel=\"noopener noreferrer\">\(HTML.escape(text))</a>"
            }
            if key == "hash" { return "<code class=\"hash\">\(HTML.escape(text))</code>" }
            return HTML.escape(text)
        case .array(let items):
            if items.isEmpty { return "<span class=\"none\">none</span>" }
            return items.map { scalar($0, key: key) }.joined(separator: ", ")
        case .object(let object):
            return definitionList(object)
        }
    }

    /// An object as a definition list; lists of objects inside it as tables.
    func definitionList(_ object: JSONObject) -> String {
        var html = "<dl>"
        for (key, value) in object.members {
            html += "<dt>\(HTML.escape(label(key)))</dt><dd>\(render(value, key: key))</dd>"
        }
        return html + "</dl>"
    }

    /// Any value: a list of objects as a table, an object as a definition list, else a scalar.
    func render(_ value: JSONValue, key: String) -> String {
        if let items = value.arrayValue, !items.isEmpty, items.allSatisfy({ $0.objectValue != nil }) {
            return table(items)
        }
        return scalar(value, key: key)
    }

    /// Objects as one table; the columns are every key, in first-seen order.
    func table(_ rows: [JSONValue], columns given: [String]? = nil) -> String {
        var columns = given ?? []
        if given == nil {
            for row in rows {
                for key in row.objectValue?.keys ?? [] where !columns.contains(key) { columns.append(key) }
            }
        }
        var html = "<div class=\"table-wrap\"><table><thead><tr>"
        for column in columns { html += "<th>\(HTML.escape(label(column)))</th>" }
        html += "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>"
            for column in columns {
                let value = row[column] ?? .null
                let numeric = value.numberValue != nil
                html += numeric ? "<td class=\"number\">" : "<td>"
                html += (value.objectValue.map(definitionList) ?? scalar(value, key: column)) + "</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// A key as a column or field label: `replications_in` → `replications in`.
    func label(_ key: String) -> String {
        key.replacingUnderscores()
    }

    /// A whole view object as sections: scalars first in a list, then each list or object under its heading.
    func sections(_ object: JSONObject, skipping: Set<String> = []) -> String {
        var scalars = JSONObject()
        var html = ""
        for (key, value) in object.members where !skipping.contains(key) {
            if value.arrayValue != nil || value.objectValue != nil {
                html += "<section><h2>\(HTML.escape(label(key)))</h2>" + render(value, key: key) + "</section>"
            } else {
                scalars[key] = value
            }
        }
        return (scalars.count > 0 ? definitionList(scalars) : "") + html
    }
}

extension String {
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 })
    }
}
