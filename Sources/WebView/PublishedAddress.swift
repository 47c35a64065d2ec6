/// A page or answer of the web view as `sckb publish` names it: the request (path and query) and the file in the
/// published folder that holds its answer.
///
/// Files: `/` is `index.html`; any other page `PATH.html` (`/city/leipzig` is `city/leipzig.html`); its parameters
/// other than the cut make a file inside a folder of its name (`/graph?planned` is `graph/planned.html`,
/// `/map?solution=x` is `map/solution=x.html`), sorted by name; a cut (`as-of`, `until`) puts it under
/// `cut/as-of=DATE/`; `/api/…` answers are `.json`, with `format=csv` `.csv`; `/style.css` stays. Characters other
/// than letters, digits, `.` and `-` are written `_XX` (UTF-8 bytes in hex), so that two requests never share a file
/// and every name is a plain relative URL.
struct PublishedAddress: Hashable {
    /// The path, from `/`.
    var path: String
    /// The query parameters, in the order of the link that named them.
    var parameters: [Parameter]

    /// One query parameter; `value` nil for a bare name.
    struct Parameter: Hashable {
        var name: String
        var value: String?
    }

    static let cutNames: Set<String> = ["as-of", "until"]

    /// The address of an internal link target (`/…`, not `//…`), without its fragment; nil for anything else or a
    /// query that does not parse.
    init?(link: String) {
        guard link.hasPrefix("/"), !link.hasPrefix("//") else { return nil }
        let withoutFragment = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let parts = withoutFragment.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let query = try? QueryParameters(query: parts.count > 1 ? String(parts[1]) : nil) else { return nil }
        self.init(path: String(parts[0]), parameters: query.pairs.map { Parameter(name: $0.name, value: $0.value) })
    }

    init(path: String, parameters: [Parameter] = []) {
        self.path = path
        self.parameters = parameters
    }

    /// The query as a request carries it (percent-encoded), or nil when there are no parameters.
    var query: String? {
        guard !parameters.isEmpty else { return nil }
        return parameters.map { parameter in
            HTML.percentEncoded(parameter.name) + (parameter.value.map { "=" + HTML.percentEncoded($0) } ?? "")
        }.joined(separator: "&")
    }

    /// The path with its query, as a link of a served page names it.
    var link: String { path + (query.map { "?" + $0 } ?? "") }

    /// Whether it is an answer of `/api/`.
    var isAPI: Bool { path == "/api" || path.hasPrefix("/api/") }

    /// The same address with `name` set to `value` (added at the end when absent).
    func setting(_ name: String, to value: String?) -> PublishedAddress {
        var changed = self
        if let index = changed.parameters.firstIndex(where: { $0.name == name }) {
            changed.parameters[index].value = value
        } else {
            changed.parameters.append(Parameter(name: name, value: value))
        }
        return changed
    }

    /// The views a published site holds at each year's end: the overview and the pages of the navigation. A link
    /// at a cut to anything else (a profile, the log, a history, the API, one event) leads to the record now.
    static let publishedAtCuts: Set<String> = [
        "/", "/graph", "/map", "/spread", "/obstacles", "/kpis", "/cities", "/projects", "/ccg/members",
        "/ccg/meetings", "/ccg/travel", "/gaps", "/a-z", "/style.css",
    ]

    /// Whether the address is published as it is: it has no cut, or it is one of ``publishedAtCuts`` with no other
    /// parameter (filtered views at a cut need a server).
    var isPublishedAsIs: Bool {
        let isCut = parameters.contains { PublishedAddress.cutNames.contains($0.name) }
        let isFiltered = parameters.contains { !PublishedAddress.cutNames.contains($0.name) }
        return !isCut || (PublishedAddress.publishedAtCuts.contains(path) && !isFiltered)
    }

    /// The address a published page links to for this one: itself when ``isPublishedAsIs``, else its address now.
    var published: PublishedAddress {
        isPublishedAsIs ? self : now
    }

    /// This page at the end of `year`, or where it is not published at cuts the page without its filters there, or
    /// else the overview there.
    func atEnd(of year: Int) -> PublishedAddress {
        let cut = Parameter(name: "as-of", value: "\(year)-12-31")
        let target = now.setting("as-of", to: cut.value)
        if target.isPublishedAsIs { return target }
        return PublishedAddress(path: PublishedAddress.publishedAtCuts.contains(path) ? path : "/", parameters: [cut])
    }

    /// The same address without the cut.
    var now: PublishedAddress {
        PublishedAddress(path: path, parameters: parameters.filter { !PublishedAddress.cutNames.contains($0.name) })
    }

    /// The file that holds the answer, relative to the published folder.
    var file: String {
        if path == "/style.css" { return "style.css" }
        let cut = parameters.filter { PublishedAddress.cutNames.contains($0.name) }.sorted { $0.name < $1.name }
        let others = parameters.filter { !PublishedAddress.cutNames.contains($0.name) && $0.name != "format" }
            .sorted { ($0.name, $0.value ?? "") < ($1.name, $1.value ?? "") }
        var name =
            path == "/"
            ? "index"
            : path.split(separator: "/").map { PublishedAddress.safe(String($0)) }
                .joined(separator: "/")
        if !others.isEmpty { name += "/" + PublishedAddress.joined(others) }
        if !cut.isEmpty { name = "cut/" + PublishedAddress.joined(cut) + "/" + name }
        guard isAPI else { return name + ".html" }
        let isCSV = parameters.contains { $0.name == "format" && $0.value == "csv" }
        return name + (isCSV ? ".csv" : ".json")
    }

    private static func joined(_ parameters: [Parameter]) -> String {
        parameters.map { safe($0.name) + ($0.value.map { "=" + safe($0) } ?? "") }.joined(separator: ",")
    }

    /// `text` with every byte but letters, digits, `.` and `-` as `_XX`; a name of dots only has its dots escaped.
    static func safe(_ text: String) -> String {
        let isDots = !text.isEmpty && text.allSatisfy { $0 == "." }
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: ".") where !isDots:
                result += "."
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "_" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result.isEmpty ? "_" : result
    }

    /// The relative URL from the file `origin` to the file `target` (both relative to the folder).
    static func relative(from origin: String, to target: String) -> String {
        var from = origin.split(separator: "/").dropLast()
        var to = target.split(separator: "/")
        while let first = from.first, let other = to.first, to.count > 1, first == other {
            from.removeFirst()
            to.removeFirst()
        }
        return String(repeating: "../", count: from.count) + to.joined(separator: "/")
    }
}
