import Foundation
import Projections
import Testing

@testable import WebView

/// `/map` and the graph's layout on the real events/, checked against counts made here from the export and the API,
/// not by the code that draws them.
@Suite("map and graph drawings")
struct MapAndGraphTests {
    /// Every match of `pattern`'s first group in `text`.
    static func matches(_ pattern: String, in text: String) throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    /// The events of the export, as JSON objects.
    static func exportedEvents(_ base: KnowledgeBase) throws -> [[String: Any]] {
        var events: [[String: Any]] = []
        try base.export { line in
            let object = try JSONSerialization.jsonObject(with: Data(line))
            events.append(try #require(object as? [String: Any]))
        }
        return events
    }

    @Test("/map draws at least 110 located cities and every done replication between located cities as an arc")
    func mapDrawsCitiesAndArcs() async throws {
        try await withServedStore { served in
            let events = try MapAndGraphTests.exportedEvents(served.base)
            let retracted = Set(
                events.filter { $0["type"] as? String == "EventRetracted" }
                    .compactMap { ($0["data"] as? [String: Any])?["position"] as? Int }
            )
            let standing = events.filter { !retracted.contains($0["position"] as? Int ?? 0) }
            let located = Set(
                standing.filter { $0["type"] as? String == "CityLocated" }
                    .compactMap { ($0["data"] as? [String: Any])?["city"] as? String }
            )
            var betweenLocated: Set<String> = []
            var done: Set<String> = []
            for event in standing where event["type"] as? String == "SolutionReplicated" {
                let data = try #require(event["data"] as? [String: Any])
                let position = String(try #require(event["position"] as? Int))
                done.insert(position)
                if let from = data["from"] as? String, let to = data["city"] as? String, located.contains(from),
                    located.contains(to)
                {
                    betweenLocated.insert(position)
                }
            }
            #expect(located.count >= 110)
            #expect(betweenLocated.count >= 9)

            let map = try await served.text("/map")
            let cities = try MapAndGraphTests.matches("<a class=\"city [a-z]+\" href=\"/city/([a-z0-9-]+)\"", in: map)
            #expect(cities.count >= 110)
            #expect(Set(cities) == located)
            let arcs = Set(
                try MapAndGraphTests.matches("<a class=\"arc done\" href=\"/replication/([0-9]+)\"", in: map)
            )
            #expect(betweenLocated.isSubset(of: arcs), "missing arcs: \(betweenLocated.subtracting(arcs).sorted())")
            #expect(arcs.isSubset(of: done))
            #expect(!map.contains("class=\"arc planned\""))
            #expect(map.contains("Natural Earth") && map.contains("<title>Germany</title>"))

            let planned = try await served.text("/map?planned")
            #expect(planned.contains("<a class=\"arc planned\"") && planned.contains("class=\"edge planned\""))
            let filtered = try await served.text("/map?solution=bold-city-vision")
            let filteredArcs = try MapAndGraphTests.matches("<a class=\"arc (done|planned)\"", in: filtered)
            #expect(filteredArcs.count == 5)
        }
    }

    @Test("each located city of events/ lies inside the outline of its country (Python's projection and ours agree)")
    func citiesFallInTheirCountries() throws {
        let outlines = Dictionary(
            MapProjection.countries.map { ($0.code, $0.path) },
            uniquingKeysWith: { first, second in first + second }
        )
        var checked = 0
        let cityEvents = try String(contentsOfFile: ServedStore.repository + "/events/02-cities.jsonl", encoding: .utf8)
        var country: [String: String] = [:]
        for line in cityEvents.split(separator: "\n") {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let data = try #require(event["data"] as? [String: Any])
            country[data["city"] as? String ?? ""] = data["country"] as? String
        }
        let locations = try String(
            contentsOfFile: ServedStore.repository + "/events/10-locations.jsonl",
            encoding: .utf8
        )
        for line in locations.split(separator: "\n") {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let data = try #require(event["data"] as? [String: Any])
            let city = try #require(data["city"] as? String)
            let lat = try #require(data["lat"] as? Double)
            let lon = try #require(data["lon"] as? Double)
            // Natural Earth's 1:110m countries have no Canary Islands; the dot stands in the sea where they are.
            guard city != "santa-cruz-de-tenerife", let code = country[city], let path = outlines[code] else {
                continue
            }
            let numbers = try MapAndGraphTests.matches("(-?[0-9]+)", in: path).compactMap(Double.init)
            let xs = stride(from: 0, to: numbers.count, by: 2).map { numbers[$0] }
            let ys = stride(from: 1, to: numbers.count, by: 2).map { numbers[$0] }
            let point = MapProjection.point(lat: lat, lon: lon)
            let (left, right) = (try #require(xs.min()) - 4, try #require(xs.max()) + 4)
            let (top, bottom) = (try #require(ys.min()) - 4, try #require(ys.max()) + 4)
            #expect(
                left <= point.x && point.x <= right && top <= point.y && point.y <= bottom,
                "\(city) (\(code)) at \(point) lies outside its country's outline"
            )
            checked += 1
        }
        #expect(checked >= 100)
    }

    /// The ends of the edges of each `<svg class="graph">` in `html`: (start, end) points of `<path class="edge…">`.
    static func drawnEdges(_ html: String) throws -> [[((Double, Double), (Double, Double))]] {
        try html.components(separatedBy: "<svg class=\"graph\"").dropFirst().map { drawing in
            let paths = try matches("<path class=\"edge[a-z ]*\" d=\"([^\"]+)\"", in: drawing)
            return paths.map { path in
                let numbers = path.split(whereSeparator: { !"0123456789.-".contains($0) }).compactMap { Double($0) }
                return ((numbers[0], numbers[1]), (numbers[numbers.count - 2], numbers[numbers.count - 1]))
            }
        }
    }

    /// Pairs of edges between the same two columns whose ends come in opposite orders.
    static func crossings(_ edges: [((Double, Double), (Double, Double))]) -> Int {
        var count = 0
        for (index, first) in edges.enumerated() {
            for second in edges[(index + 1)...] where first.0.0 == second.0.0 && first.1.0 == second.1.0 {
                if (first.0.1 - second.0.1) * (first.1.1 - second.1.1) < 0 { count += 1 }
            }
        }
        return count
    }

    @Test("the graph with planned edges crosses far less than its panels in name order, and every edge is a link")
    func graphKeepsCrossingsFew() async throws {
        try await withServedStore { served in
            let graph = try served.base.graph(GraphFilter(includesPlanned: true))
            #expect(graph.edges.count >= 66)
            // The bound: the same panels (one per solution, origins left, targets right) with both columns in
            // name order, counted here.
            var bound = 0
            for solution in Set(graph.edges.map(\.solution)) {
                let edges = graph.edges.filter { $0.solution == solution }
                    .map { ($0.from?.rawValue ?? "project:" + ($0.project?.rawValue ?? ""), $0.to.rawValue) }
                let left = Set(edges.map(\.0)).sorted()
                let right = Set(edges.map(\.1)).sorted()
                bound += MapAndGraphTests.crossings(
                    edges.map {
                        ((0, Double(left.firstIndex(of: $0.0) ?? 0)), (1, Double(right.firstIndex(of: $0.1) ?? 0)))
                    }
                )
            }
            let page = try await served.text("/graph?planned")
            let drawings = try MapAndGraphTests.drawnEdges(page)
            let crossings = drawings.reduce(0) { $0 + MapAndGraphTests.crossings($1) }
            #expect(drawings.reduce(0) { $0 + $1.count } == graph.edges.count)
            #expect(bound > 100)
            #expect(crossings * 10 <= bound, "\(crossings) crossings against \(bound) in name order")
            let edgeLinks = try MapAndGraphTests.matches(
                "<a href=\"/replication/([0-9]+)\"><path class=\"hit\"",
                in: page
            )
            #expect(Set(edgeLinks) == Set(graph.edges.map { String($0.position.rawValue) }))
            for node in graph.nodes {
                #expect(page.contains("<a href=\"/city/\(node.id.rawValue)\"><circle"), "\(node.id)")
                #expect(page.contains(">\(HTML.escape(node.name)) (\(HTML.escape(node.country)))</text>"), "\(node.id)")
            }
            #expect(page.contains("<option value=\"smart-lamppost\">Smart lamppost</option>"))
        }
    }

    @Test("?project keeps the edges under that project, in the graph, its API and the map")
    func projectFilter() async throws {
        try await withServedStore { served in
            let filter = GraphFilter(project: Slug(rawValue: "triangulum"), includesPlanned: true)
            let graph = try served.base.graph(filter)
            let events = try MapAndGraphTests.exportedEvents(served.base)
            let expected = events.filter {
                ["SolutionReplicated", "ReplicationPlanned"].contains($0["type"] as? String ?? "")
                    && ($0["data"] as? [String: Any])?["project"] as? String == "triangulum"
            }
            #expect(!graph.edges.isEmpty && graph.edges.allSatisfy { $0.project?.rawValue == "triangulum" })
            // Planned edges are the open plans: at most as many as the events.
            #expect(graph.edges.count <= expected.count)
            let page = try await served.text("/graph?project=triangulum&planned")
            #expect(page.contains("<option value=\"triangulum\" selected>"))
            _ = try await served.text("/map?project=triangulum&planned")
        }
    }
}
