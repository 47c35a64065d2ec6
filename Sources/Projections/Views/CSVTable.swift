import EventStore

/// A view that is also a table, as `--format csv` and `/api/…?format=csv` write it (SPEC §8.1): RFC 4180, UTF-8
/// without a byte order mark, a header row, CRLF after every record.
///
/// One row per element of the view's list, one column per key of the elements in the order the JSON prints them; a
/// list is joined with single spaces; a nested object becomes dotted columns (`overcome.how`); other tables of the
/// view are left out. A text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
/// `'`, so that no spreadsheet runs it as a formula; numbers are written as numbers. Tab, CR and LF stay inside
/// quoted cells; other control characters are escaped as on the terminal.
public protocol CSVView: JSONView {
    /// The table as CSV bytes.
    var csv: [UInt8] { get }
}

/// A view whose CSV rows are the elements of one list of its JSON.
protocol CSVListView: CSVView, JSONValueView {
    /// The key of the list whose elements are the rows.
    static var csvList: String { get }
}

extension CSVListView {
    /// The elements of ``csvList`` as CSV.
    public var csv: [UInt8] { CSVTable(json[Self.csvList]?.arrayValue ?? []).bytes }
}

/// Rows of JSON objects as a CSV table.
struct CSVTable {
    var columns: [[String]]
    let rows: [[[String]: JSONValue]]

    init(_ elements: [JSONValue]) {
        var rows: [[[String]: JSONValue]] = []
        var columns = Set<[String]>()
        for element in elements {
            var cells: [[String]: JSONValue] = [:]
            CSVTable.flatten(element, path: [], into: &cells)
            columns.formUnion(cells.keys)
            rows.append(cells)
        }
        self.rows = rows
        // An object that is null in some rows (an obstacle not yet overcome) is its members' columns, empty there.
        let parents = Set(columns.flatMap { path in (1..<max(path.count, 1)).map { Array(path.prefix($0)) } })
        self.columns = columns.subtracting(parents).sorted(by: CSVTable.printedBefore)
    }

    /// Puts every scalar or list under its dotted path; objects are opened.
    private static func flatten(_ value: JSONValue, path: [String], into cells: inout [[String]: JSONValue]) {
        if case .object(let object) = value {
            for (key, member) in object.members { flatten(member, path: path + [key], into: &cells) }
        } else {
            cells[path] = value
        }
    }

    /// Whether the column `left` comes before `right` as the JSON prints them: keys in canonical (UTF-16) order,
    /// an object's members in place of the object.
    private static func printedBefore(_ left: [String], _ right: [String]) -> Bool {
        for (leftKey, rightKey) in zip(left, right) where leftKey != rightKey {
            return leftKey.utf16.lexicographicallyPrecedes(rightKey.utf16)
        }
        return left.count < right.count
    }

    var bytes: [UInt8] {
        var text = columns.map { CSVTable.quoted($0.joined(separator: ".")) }.joined(separator: ",") + "\r\n"
        for row in rows {
            text += columns.map { CSVTable.cell(row[$0] ?? .null) }.joined(separator: ",") + "\r\n"
        }
        return Array(text.utf8)
    }

    /// One cell: nothing for null, a number as written, a list joined with spaces, text made safe.
    static func cell(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return number.canonicalText
        case .string(let text): return quoted(formulaSafe(text))
        case .array(let items): return quoted(formulaSafe(items.compactMap(listItem).joined(separator: " ")))
        case .object: return ""
        }
    }

    /// An element of a list as text: a scalar, or the id of a listed object (the first text of its `reason`, `id`,
    /// `obstacle`, `grant` or `city`).
    private static func listItem(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number(let number): number.canonicalText
        case .bool(let flag): flag ? "true" : "false"
        case .object(let object):
            ["reason", "id", "obstacle", "grant", "city"].lazy.compactMap { object[$0]?.stringValue }.first
        case .null, .array: nil
        }
    }

    /// `text` with a leading `'` when a spreadsheet would take it for a formula.
    static func formulaSafe(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else {
            return text
        }
        return "'" + text
    }

    /// `text` as an RFC 4180 field: control characters other than tab, CR and LF escaped as on the terminal, then
    /// quoted (quotes doubled) when it holds a comma, a quote, a tab, CR or LF.
    static func quoted(_ text: String) -> String {
        var safe = ""
        for scalar in text.unicodeScalars {
            if scalar == "\t" || scalar == "\r" || scalar == "\n" || !SafeText.isControl(scalar) {
                safe.unicodeScalars.append(scalar)
            } else {
                safe += SafeText.escaped(String(scalar))
            }
        }
        guard safe.unicodeScalars.contains(where: { [",", "\"", "\t", "\r", "\n"].contains($0) }) else { return safe }
        return "\"" + safe.replacingQuotes() + "\""
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var result = ""
        for character in self { result += character == "\"" ? "\"\"" : String(character) }
        return result
    }
}

extension ReplicationGraph: CSVListView { static let csvList = "edges" }
extension SpreadReport: CSVListView { static let csvList = "solutions" }
extension CityList: CSVListView { static let csvList = "cities" }
extension ProjectList: CSVListView { static let csvList = "projects" }
extension ObstacleReport: CSVListView { static let csvList = "obstacles" }
extension CCGMembers: CSVListView { static let csvList = "members" }
extension CCGMeetings: CSVListView { static let csvList = "meetings" }
extension CCGTravel: CSVListView { static let csvList = "contributions" }
extension EventListing: CSVListView { static let csvList = "events" }
extension SearchResults: CSVListView { static let csvList = "results" }

extension ImpactTotals: CSVView {
    /// One row per KPI: `kpi`, `reported`, `published`.
    public var csv: [UInt8] {
        let rows: [JSONValue] = KPI.allCases.map { kpi in
            ["kpi": .string(kpi.rawValue), "reported": .number(totals[kpi]), "published": .number(published[kpi])]
        }
        var table = CSVTable(rows)
        table.columns = ["kpi", "reported", "published"].map { [$0] }
        return table.bytes
    }
}
