import Foundation
import Hummingbird
import Projections
import Testing

@testable import WebView

/// SPEC §8.1 for people: labels, units, numbers and dates; the terms explained; the audit made visible; filters
/// that offer choices; tables that sort and page; the log newest first. In process, on the real events/.
@Suite("pages for people")
struct PeoplePageTests {
    @Test(
        "numbers get thousands separators, dates read as dates",
        arguments: [
            ("1234", "1,234"), ("999", "999"), ("1234567.25", "1,234,567.25"), ("-12000", "-12,000"),
            ("1e21", "1e21"), ("0.5", "0.5"),
        ]
    )
    func numbers(text: String, shown: String) {
        #expect(Format.number(text) == shown)
    }

    @Test(
        "dates and UTC date-times read as people write them",
        arguments: [
            ("2017-09-09", "9 Sep 2017"), ("2026-12-07T11:57:18Z", "7 Dec 2026, 11:57:18 UTC"),
            ("2024-03-01T10:30:00Z", "1 Mar 2024, 10:30 UTC"), ("soon", "soon"),
        ]
    )
    func dates(text: String, shown: String) {
        #expect(Format.date(text) == shown)
    }

    /// The KPI ids of events/ (ImpactReported, ImpactPublished) and data/impacts.csv, read here line by line.
    static func kpiIDs() throws -> Set<String> {
        var ids = Set<String>()
        let events = ServedStore.repository + "/events"
        for name in try FileManager.default.contentsOfDirectory(atPath: events) where name.hasSuffix(".jsonl") {
            for line in try String(contentsOfFile: events + "/" + name, encoding: .utf8).split(separator: "\n") {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                if let kpi = (object?["data"] as? [String: Any])?["kpi"] as? String { ids.insert(kpi) }
            }
        }
        let csv = try String(contentsOfFile: ServedStore.repository + "/data/impacts.csv", encoding: .utf8)
        for line in csv.split(separator: "\n").dropFirst() {
            ids.insert(String(line.split(separator: ",")[1]))
        }
        return ids
    }

    @Test("every KPI of events/ and data/ has a label and a unit on /kpis and /about; the terms pages link are there")
    func labelsAndTerms() async throws {
        let ids = try Self.kpiIDs()
        #expect(ids.count >= 5, "\(ids)")
        try await withServedStore { served in
            let kpis = try await served.text("/kpis")
            let about = try await served.text("/about")
            for id in ids {
                let kpi = try #require(KPI(rawValue: id), "\(id) has no label")
                #expect(kpis.contains(HTML.escape(kpi.title)), "\(id)")
                #expect(about.contains("<code>\(id)</code>"), "\(id)")
            }
            #expect(kpis.contains("Energy saved (%)") && kpis.contains("Floor area refurbished (m\u{00B2})"))
            #expect(about.contains("GeoNames") && about.contains("CC BY 4.0") && about.contains("Natural Earth"))
            var linked = Set<String>()
            for target in ["/", "/graph", "/spread", "/cities", "/obstacles", "/verify", "/log"] {
                let text = try await served.text(target)
                for piece in text.components(separatedBy: "href=\"/about#").dropFirst() {
                    linked.insert(String(piece.prefix { $0 != "\"" }))
                }
            }
            for term in ["tier", "reach", "lighthouse-to-fellow", "origin", "as-of", "position", "hash"] {
                #expect(linked.contains(term) || term == "as-of", "no page links /about#\(term)")
                #expect(about.contains("id=\"\(term)\""), "/about lacks \(term)")
            }
            for anchor in linked { #expect(about.contains("id=\"\(anchor)\""), "/about lacks #\(anchor)") }
        }
    }

    @Test("/verify and the overview show the verification of the head, made again when the head moves")
    func verification() async throws {
        try await withServedStore(writable: true) { served in
            let head = try #require(try served.base.head())
            let verify = try await served.text("/verify")
            #expect(verify.contains("Verified: \(Format.count(Int(head.position.rawValue))) events"))
            #expect(verify.contains(head.hash.hex))
            let overview = try await served.text("/")
            #expect(overview.contains("id=\"verified\"") && overview.contains(head.hash.hex))
            let city = #"{"type":"CityRegistered","data":{"city":"vic","name":"Vic","country":"ES"}}"#
            _ = try served.base.append(Event(json: JSONParser.parse(Array(city.utf8))))
            // The overview does not wait: it shows the last report and that one event came since, until /verify
            // (or the verification it started) has the new head's.
            let meanwhile = try await served.text("/")
            #expect(
                meanwhile.contains("1 event recorded since is being verified")
                    || meanwhile.contains("Verified: \(Format.count(Int(head.position.rawValue) + 1)) events")
            )
            let verified = try await served.text("/verify")
            #expect(verified.contains("Verified: \(Format.count(Int(head.position.rawValue) + 1)) events"))
            let later = try await served.text("/")
            #expect(later.contains("Verified: \(Format.count(Int(head.position.rawValue) + 1)) events"))
        }
    }

    @Test("a cut stands out with a way back to now, a year list links each year's end, a thing not yet there says so")
    func cuts() async throws {
        try await withServedStore { served in
            let graph = try await served.text("/graph?planned&as-of=2019-12-31")
            #expect(graph.contains("class=\"cut-banner\""))
            #expect(graph.contains("<a href=\"/graph?planned=true\" class=\"now\">Back to now</a>"))
            #expect(graph.contains("<strong aria-current=\"true\">2019</strong>"))
            #expect(graph.contains("href=\"/graph?planned=true&amp;as-of=2018-12-31\""))
            let now = try await served.text("/graph")
            #expect(!now.contains("cut-banner") && now.contains("href=\"/graph?as-of=2016-12-31\""))

            let sabadell = try await served.request("/city/sabadell?as-of=2010-01-01")
            #expect(sabadell.status == 404)
            #expect(sabadell.text.contains("Sabadell was registered on <time datetime=\"2015-02-01\">"))
            #expect(sabadell.text.contains("after this cut") && sabadell.text.contains("href=\"/city/sabadell\""))
            var plans = LogFilter()
            plans.type = .replicationPlanned
            plans.limit = 1
            var plan: UInt64 = 0
            try served.base.log(plans) { plan = $0.stored.position.rawValue }
            let early = try await served.request("/replication/\(plan)?until=100")
            #expect(early.status == 404 && early.text.contains("was recorded on"), "\(early.text.prefix(200))")
            let demonstration = try await served.request(
                "/demonstration/growsmarter-cologne-building-energy-retrofit?as-of=2014-06-30"
            )
            #expect(demonstration.text.contains("was reported on"), "\(demonstration.text.prefix(200))")
            let wrongKind = try await served.request("/demonstration/sabadell?as-of=2010-01-01")
            #expect(wrongKind.status == 404 && !wrongKind.text.contains("registered on"))
        }
    }

    @Test("filter forms list the things to choose, by name; the API answers an unknown id as the CLI does")
    func filters() async throws {
        try await withServedStore { served in
            let graph = try await served.text("/graph")
            #expect(graph.contains("<select name=\"solution\">"))
            #expect(graph.contains("<option value=\"smart-lamppost\">Smart lamppost</option>"))
            let chosen = try await served.text("/graph?solution=urban-data-platform")
            #expect(chosen.contains("<option value=\"urban-data-platform\" selected>"))
            let obstacles = try await served.text("/obstacles")
            for name in ["solution", "city", "project", "category"] {
                #expect(obstacles.contains("<select name=\"\(name)\">"), "\(name)")
            }
            #expect(obstacles.contains("<option value=\"cologne\">Köln</option>"))
            let kpis = try await served.text("/kpis")
            #expect(kpis.contains("<select name=\"project\">") && kpis.contains("<select name=\"city\">"))
            let api = try await served.request("/api/graph?solution=lamppost")
            #expect(api.status == 200 && api.text.contains("\"edges\":[]"))
        }
    }

    @Test("long tables sort by any column, either way, and page with the total; the log opens on the newest events")
    func tables() async throws {
        try await withServedStore { served in
            let list = try served.base.cityList()
            // The order a person expects: by name, accents and case aside (Köln under K, ø as o, SPEC §8.1's
            // folding), computed apart here with Foundation.
            func key(_ name: String) -> String {
                var folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                for (letter, base) in [
                    ("ø", "o"), ("ł", "l"), ("ı", "i"), ("đ", "d"), ("ß", "ss"), ("æ", "ae"), ("œ", "oe"),
                ] {
                    folded = folded.replacingOccurrences(of: letter, with: base)
                }
                return folded
            }
            let expected = list.cities.map(\.name).sorted { key($0) < key($1) }
            // Every city on one page (200 rows a page), Köln and Wien among them.
            let first = try await served.text("/cities?sort=city")
            let shown = Self.cellTexts(first)
            let asciiNames = expected.filter { $0.allSatisfy { $0.isLetter || $0 == " " || $0 == "-" } }
            #expect(shown.filter(asciiNames.contains) == asciiNames)
            #expect(first.contains("\(list.cities.count) rows.") && !first.contains("page=2"))
            #expect(["Köln", "Wien"].allSatisfy(shown.contains))
            let descending = try await served.text("/cities?sort=city&order=desc")
            #expect(Self.cellTexts(descending).first(where: asciiNames.contains) == asciiNames.last)

            let spread = try await served.text("/spread?sort=reach&order=asc")
            let reaches = spread.components(separatedBy: "<td class=\"number\">").dropFirst().compactMap {
                Int($0.prefix { $0 != "<" })
            }
            #expect(!reaches.isEmpty)

            let head = try #require(try served.base.head()).position.rawValue
            let log = try await served.text("/log")
            #expect(log.contains("\(Format.count(Int(head))) events; the newest first"))
            let positions = log.components(separatedBy: "<a href=\"/log?from=").dropFirst().compactMap {
                UInt64($0.prefix { $0 != "&" })
            }
            #expect(positions.first == head && positions.contains(head - 199) && !positions.contains(head - 200))
            let older = try await served.text("/log?page=2")
            #expect(older.contains("href=\"/log?from=\(head - 200)&amp;limit=1\""))
            let typed = try await served.text("/log?type=ObstacleOvercome")
            #expect(typed.contains("<td>ObstacleOvercome</td>") && !typed.contains("<td>CityLocated</td>"))
        }
    }

    /// The text of each table cell's first link on `page`.
    @Test("a table longer than a page pages by 200 rows, with the total, links to every page and 404 past the last")
    func tablePages() throws {
        var table = HTMLTable("name", "number")
        for index in 1...450 { table.append([.text("row \(index)"), .text(String(index))]) }
        let page = Page(path: "/cities", title: "Cities", cut: .now)
        func rendered(_ query: String) throws -> String {
            try table.render(TableView(QueryParameters(query: query)), on: page)
        }
        let second = try rendered("page=2")
        #expect(second.contains("Rows 201\u{2013}400 of 450."))
        #expect(second.contains(">row 201<") && second.contains(">row 400<"))
        #expect(!second.contains(">row 200<") && !second.contains(">row 401<"))
        #expect(second.contains("href=\"/cities?page=1\"") && second.contains("href=\"/cities?page=3\""))
        #expect(try rendered("page=3").contains("Rows 401\u{2013}450 of 450."))
        #expect(throws: WebError.self) { try rendered("page=4") }
    }

    static func cellTexts(_ page: String) -> [String] {
        page.components(separatedBy: "<tr><td>").dropFirst().compactMap { row in
            guard let start = row.range(of: "\">"), let end = row.range(of: "</a>") else { return nil }
            return String(row[start.upperBound..<end.lowerBound])
        }
    }
}
