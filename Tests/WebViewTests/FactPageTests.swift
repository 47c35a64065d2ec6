import Foundation
import Hummingbird
import Projections
import Testing

/// The pages of demonstrations, obstacles and replications on the real events/, checked against the event files as
/// read here with Foundation's JSON parser (positions counted line by line, not asked of sckb).
@Suite("pages of demonstrations, obstacles and replications")
struct FactPageTests {
    /// One event of events/, as the file gives it.
    struct FileEvent {
        var position: Int
        var type: String
        var data: [String: String]
        var source: String?
    }

    /// The events of events/, in the order `import` appends them (files by name, lines in order).
    static func fileEvents() throws -> [FileEvent] {
        let folder = ServedStore.repository + "/events"
        var events: [FileEvent] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder).filter({ $0.hasSuffix(".jsonl") })
            .sorted()
        {
            let text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            for line in text.split(separator: "\n") where !line.isEmpty {
                let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let data = (object["data"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
                events.append(
                    FileEvent(
                        position: events.count + 1,
                        type: object["type"] as? String ?? "",
                        data: data,
                        source: object["source"] as? String
                    )
                )
            }
        }
        return events
    }

    static func json(_ answer: WebAnswer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])
    }

    @Test(
        "every demonstration, obstacle and replication or plan of events/ has a page and JSON that say what the file says"
    )
    func everyFactAnswers() async throws {
        let events = try Self.fileEvents()
        try await withServedStore { served in
            var checked = 0
            for event in events {
                switch event.type {
                case "DemonstrationReported":
                    let id = try #require(event.data["demonstration"])
                    let page = try await served.text("/demonstration/\(id)")
                    #expect(page.contains("href=\"/solution/\(event.data["solution"] ?? "")\""), "\(id)")
                    #expect(page.contains("id=\"provenance\"") && page.contains(">\(event.position)</a>"), "\(id)")
                    let json = try Self.json(try await served.request("/api/demonstration/\(id)"))
                    #expect(json["city"] as? String == event.data["city"], "\(id)")
                    #expect(json["position"] as? Int == event.position, "\(id)")
                case "ObstacleReported":
                    let id = try #require(event.data["obstacle"])
                    let page = try await served.text("/obstacle/\(id)")
                    #expect(page.contains("id=\"provenance\""), "\(id)")
                    if let source = event.source {
                        #expect(
                            page.contains("href=\"\(source.replacingOccurrences(of: "&", with: "&amp;"))\""),
                            "\(id)"
                        )
                    }
                    let json = try Self.json(try await served.request("/api/obstacle/\(id)"))
                    #expect(json["category"] as? String == event.data["category"], "\(id)")
                    #expect(json["text"] as? String == event.data["text"], "\(id)")
                case "SolutionReplicated", "ReplicationPlanned":
                    let page = try await served.text("/replication/\(event.position)")
                    #expect(page.contains("href=\"/city/\(event.data["city"] ?? "")\""), "\(event.position)")
                    let json = try Self.json(try await served.request("/api/replication/\(event.position)"))
                    #expect(json["kind"] as? String == (event.type == "ReplicationPlanned" ? "plan" : "replication"))
                    #expect(json["solution"] as? String == event.data["solution"], "\(event.position)")
                    #expect((json["from"] as? String) == event.data["from"], "\(event.position)")
                    #expect((json["project"] as? String) == event.data["project"], "\(event.position)")
                    #expect((json["source"] as? String) == event.source, "\(event.position)")
                default:
                    continue
                }
                checked += 1
            }
            #expect(checked >= 240, "only \(checked) facts in events/")
        }
    }

    @Test("tables and the graph's edge list link every demonstration, obstacle and replication to its page")
    func tablesLinkToFacts() async throws {
        try await withServedStore { served in
            let graph = try await served.text("/graph?planned")
            #expect(graph.contains("href=\"/replication/"))
            let obstacles = try await served.text("/obstacles")
            #expect(obstacles.contains("href=\"/obstacle/obs-cologne-nrw-legal-hurdles\""))
            let city = try await served.text("/city/cologne")
            #expect(city.contains("href=\"/demonstration/growsmarter-cologne-building-energy-retrofit\""))
            #expect(city.contains("Building energy retrofit in Köln"))
            #expect(city.contains("id=\"provenance\"") && city.contains("CityRegistered"))
            let next = try await served.text("/next/sabadell")
            #expect(next.contains("href=\"/replication/"))
            let search = try await served.text("/search?q=retrofit")
            #expect(search.contains("href=\"/demonstration/"))
        }
    }

    @Test("an unknown demonstration, obstacle or position is a 404 that names it; a malformed position a 400")
    func unknownFacts() async throws {
        let cases = [
            ("/demonstration/no-such-demo", 404, "no-such-demo"),
            ("/obstacle/no-such-obstacle", 404, "no-such-obstacle"),
            ("/replication/999999", 404, "999999"), ("/replication/1", 404, "ProjectRegistered"),
            ("/replication/abc", 400, "abc"), ("/api/replication/0", 400, "'0'"),
            ("/api/obstacle/no-such-obstacle", 404, "no-such-obstacle"),
        ]
        try await withServedStore { served in
            for (target, status, named) in cases {
                let answer = try await served.request(target)
                #expect(answer.status == status, "\(target): \(answer.text.prefix(200))")
                #expect(answer.text.contains(named), "\(target): \(answer.text.prefix(300))")
            }
        }
    }
}
