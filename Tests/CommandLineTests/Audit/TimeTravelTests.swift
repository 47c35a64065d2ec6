import Foundation
import Testing

/// `--as-of` (valid time) and `--until` (transaction time), alone and combined, on graph, spread, city, kpis and
/// ccg members.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct AuditTimeTravelTests {
    /// Positions 1…14: a project with a lighthouse (manchester) and two fellows, a demonstration with two impacts, a
    /// replication to leipzig (dated 2018) and two CCG joins.
    static let firstFile: [String] = [
        eventLine("ProjectRegistered", ["project": "triangulum", "name": "Triangulum"], at: "2015-01-01"),
        eventLine("CityRegistered", ["city": "manchester", "name": "Manchester", "country": "GB"], at: "2015-01-01"),
        eventLine("CityRegistered", ["city": "leipzig", "name": "Leipzig", "country": "DE"], at: "2015-01-01"),
        eventLine("CityRegistered", ["city": "sabadell", "name": "Sabadell", "country": "ES"], at: "2015-01-01"),
        eventLine(
            "CityJoinedProject",
            ["city": "manchester", "project": "triangulum", "role": "lighthouse"],
            at: "2015-02-01"
        ),
        eventLine(
            "CityJoinedProject",
            ["city": "leipzig", "project": "triangulum", "role": "fellow"],
            at: "2015-02-01"
        ),
        eventLine(
            "CityJoinedProject",
            ["city": "sabadell", "project": "triangulum", "role": "fellow"],
            at: "2015-02-01"
        ),
        eventLine(
            "SolutionCatalogued",
            ["solution": "smart-lamppost", "name": "Smart lamppost", "area": "urban-data-ict"],
            at: "2015-03-01"
        ),
        eventLine(
            "DemonstrationReported",
            ["demonstration": "man-lamp", "solution": "smart-lamppost", "city": "manchester", "project": "triangulum"],
            at: "2016-01-01"
        ),
        eventLine(
            "ImpactReported",
            ["demonstration": "man-lamp", "kpi": "energy_saved_pct", "value": 20],
            at: "2016-06-01"
        ),
        eventLine(
            "ImpactReported",
            ["demonstration": "man-lamp", "kpi": "smart_meters", "value": 100],
            at: "2016-06-01"
        ),
        eventLine(
            "SolutionReplicated",
            ["solution": "smart-lamppost", "city": "leipzig", "from": "manchester", "funding": "own"],
            at: "2018-01-01"
        ),
        eventLine("CityJoinedCCG", ["city": "leipzig"], at: "2019-01-01"),
        eventLine("CityJoinedCCG", ["city": "manchester"], at: "2019-01-01"),
    ]

    /// Positions 15…18, recorded after the cut at 14: a replication to sabadell dated 2017 (earlier than the one at
    /// 12), the retraction of the smart-meter report (11) and of manchester's CCG join (14), and leipzig leaving.
    static let secondFile: [String] = [
        eventLine(
            "SolutionReplicated",
            ["solution": "smart-lamppost", "city": "sabadell", "from": "manchester", "funding": "project"],
            at: "2017-01-01"
        ),
        eventLine("EventRetracted", ["position": 11, "reason": "double count"], at: "2019-06-01"),
        eventLine("EventRetracted", ["position": 14, "reason": "entered by mistake"], at: "2019-06-01"),
        eventLine("CityLeftCCG", ["city": "leipzig"], at: "2022-01-01"),
    ]

    static let cut = "14"

    static let queries: [[String]] = [
        ["graph"], ["spread"], ["city", "manchester"], ["city", "leipzig"], ["kpis"], ["ccg", "members"],
    ]

    /// Runs `body` with a store holding both files (18 events).
    private func withTimelineStore<T>(_ body: (_ folder: String, _ store: String) throws -> T) throws -> T {
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            try writeJSONLines(Self.firstFile, to: folder + "/first.jsonl")
            try writeJSONLines(Self.secondFile, to: folder + "/second.jsonl")
            for file in ["first", "second"] {
                let result = try runSCKB(["import", folder + "/\(file).jsonl", "--store", store])
                try #require(result.status == 0, "import \(file): \(result.standardError)")
            }
            try #require(try auditEventCount(store: store) == 18)
            return try body(folder, store)
        }
    }

    private func query(_ arguments: [String], store: String, _ cut: [String] = []) throws -> [String: Any] {
        try auditJSON(arguments + ["--store", store] + cut)
    }

    private func edgeTargets(_ graph: [String: Any]) throws -> [String] {
        try #require(graph["edges"] as? [[String: Any]]).compactMap { $0["to"] as? String }
    }

    private func adopters(_ spread: [String: Any]) throws -> [String] {
        let solutions = try #require(spread["solutions"] as? [[String: Any]])
        return try solutions.flatMap { try #require($0["adopted_by"] as? [String]) }
    }

    private func replicationsOut(_ city: [String: Any]) throws -> [String] {
        try #require(city["replications_out"] as? [[String: Any]]).compactMap { $0["to"] as? String }
    }

    private func members(_ list: [String: Any]) throws -> [String] {
        try #require(list["members"] as? [[String: Any]]).compactMap { $0["city"] as? String }
    }

    private func isMember(_ city: [String: Any]) throws -> Bool {
        try #require((city["ccg"] as? [String: Any])?["member"] as? Bool)
    }

    private func totals(_ kpis: [String: Any]) throws -> [String: Int] {
        try #require(kpis["totals"] as? [String: Int])
    }

    @Test(
        "an event dated before the cut but recorded after --until N is not at the cut; --as-of alone shows it",
        arguments: [
            (cut: [String](), expected: ["leipzig", "sabadell"]),
            (cut: ["--until", "14"], expected: ["leipzig"]),
            (cut: ["--as-of", "2017-06-01"], expected: ["sabadell"]),
            (cut: ["--as-of", "2017-06-01", "--until", "14"], expected: []),
            (cut: ["--as-of", "2018-01-01", "--until", "14"], expected: ["leipzig"]),
            (cut: ["--as-of", "2017-06-01", "--until", "15"], expected: ["sabadell"]),
            (cut: ["--as-of", "2016-12-31"], expected: []),
        ]
    )
    func lateRecordedEarlierDatedReplication(cut: [String], expected: [String]) throws {
        try withTimelineStore { _, store in
            #expect(try edgeTargets(query(["graph"], store: store, cut)) == expected, "graph \(cut)")
            #expect(try adopters(query(["spread"], store: store, cut)) == expected, "spread \(cut)")
            #expect(try replicationsOut(query(["city", "manchester"], store: store, cut)) == expected, "city \(cut)")
            let graph = try query(["graph"], store: store, cut)
            let nodes = try #require(graph["nodes"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(Set(nodes) == (expected.isEmpty ? [] : Set(expected + ["manchester"])), "graph nodes \(cut)")
        }
    }

    @Test(
        "a retraction recorded after the --until cut does not count at the cut, and counts after it",
        arguments: [
            (cut: [String](), smartMeters: nil as Int?, members: [String]()),
            (cut: ["--until", "14"], smartMeters: 100, members: ["leipzig", "manchester"]),
            (cut: ["--until", "15"], smartMeters: 100, members: ["leipzig", "manchester"]),
            (cut: ["--until", "16"], smartMeters: nil, members: ["leipzig", "manchester"]),
            (cut: ["--until", "17"], smartMeters: nil, members: ["leipzig"]),
            (cut: ["--until", "18"], smartMeters: nil, members: []),
            (cut: ["--as-of", "2020-01-01", "--until", "14"], smartMeters: 100, members: ["leipzig", "manchester"]),
            (cut: ["--as-of", "2020-01-01", "--until", "17"], smartMeters: nil, members: ["leipzig"]),
            (cut: ["--as-of", "2018-12-31", "--until", "14"], smartMeters: 100, members: []),
        ]
    )
    func retractionAfterTheCut(cut: [String], smartMeters: Int?, members expected: [String]) throws {
        try withTimelineStore { _, store in
            let kpis = try totals(query(["kpis"], store: store, cut))
            #expect(kpis["smart_meters"] == smartMeters, "kpis \(cut): \(kpis)")
            #expect(kpis["energy_saved_pct"] == 20, "kpis \(cut): \(kpis)")
            let list = try members(query(["ccg", "members"], store: store, cut))
            #expect(list == expected, "ccg members \(cut)")
            let manchester = try isMember(query(["city", "manchester"], store: store, cut))
            #expect(manchester == expected.contains("manchester"), "city \(cut)")
        }
    }

    @Test("--as-of does not filter a retraction by its own date: the record is corrected for every valid time")
    func asOfKeepsRetractions() throws {
        try withTimelineStore { _, store in
            // Both retractions are dated 2019-06-01; at 2019-03-01 the retracted events still do not count.
            let cut = ["--as-of", "2019-03-01"]
            #expect(try members(query(["ccg", "members"], store: store, cut)) == ["leipzig"])
            #expect(try isMember(query(["city", "manchester"], store: store, cut)) == false)
            #expect(try isMember(query(["city", "leipzig"], store: store, cut)) == true)
            #expect(try totals(query(["kpis"], store: store, cut)) == ["energy_saved_pct": 20])
            // On 2016-03-01 the demonstration (2016-01-01) is in the world, its impacts (2016-06-01) not yet.
            let early = try query(["kpis"], store: store, ["--as-of", "2016-03-01"])
            #expect(try totals(early) == [:])
            #expect(early["demonstrations"] as? Int == 1)
            #expect(try query(["kpis"], store: store, ["--as-of", "2015-12-31"])["demonstrations"] as? Int == 0)
        }
    }

    @Test("--until a date before anything was recorded shows an empty knowledge base", arguments: queries)
    func untilFarPast(arguments: [String]) throws {
        try withTimelineStore { _, store in
            for asOf in [[], ["--as-of", "2017-06-01"]] as [[String]] {
                let result = try runSCKB(
                    arguments + ["--store", store, "--format", "json", "--until", "2000-01-01"] + asOf
                )
                if arguments[0] == "city" {
                    #expect(result.status == 1, "\(asOf): \(result.standardOutput)")
                    #expect(result.errorLines.count == 1)
                    #expect(result.standardError.contains("not registered"), "\(result.standardError)")
                    continue
                }
                #expect(result.status == 0, "\(asOf): \(result.standardError)")
                let object = try jsonObject(result.standardOutput)
                switch arguments[0] {
                case "graph":
                    #expect(try edgeTargets(object).isEmpty)
                    #expect((object["nodes"] as? [Any])?.isEmpty == true)
                case "spread": #expect((object["solutions"] as? [Any])?.isEmpty == true)
                case "kpis":
                    #expect(try totals(object).isEmpty)
                    #expect(object["demonstrations"] as? Int == 0)
                default: #expect(try members(object).isEmpty)
                }
            }
        }
    }

    @Test("--until a date far in the future is the same as no cut", arguments: queries)
    func untilFarFuture(arguments: [String]) throws {
        try withTimelineStore { _, store in
            for asOf in [[], ["--as-of", "2017-06-01"], ["--as-of", "2020-01-01"]] as [[String]] {
                let uncut = try runSCKB(arguments + ["--store", store, "--format", "json"] + asOf)
                let cut = try runSCKB(
                    arguments + ["--store", store, "--format", "json", "--until", "2999-12-31"] + asOf
                )
                #expect(uncut.status == 0, "\(asOf): \(uncut.standardError)")
                #expect(cut.status == uncut.status)
                #expect(cut.standardOutput == uncut.standardOutput, "\(asOf)")
                #expect(!uncut.standardOutput.isEmpty)
            }
        }
    }

    @Test(
        "a query cut at --until N equals the same query on a store that holds only the first N events",
        arguments: [4, 11, 14, 15, 16, 17, 40]
    )
    func cutEqualsPrefixStore(position: Int) throws {
        try withTimelineStore { folder, store in
            let prefix = try runSCKB(["export", "--store", store, "--until", String(position)])
            try #require(prefix.status == 0, "\(prefix.standardError)")
            #expect(prefix.outputLines.count == min(position, 18))
            try Data(prefix.outputBytes).write(to: URL(fileURLWithPath: folder + "/prefix.jsonl"))
            let prefixStore = folder + "/prefix-store"
            let imported = try runSCKB(["import", folder + "/prefix.jsonl", "--store", prefixStore])
            try #require(imported.status == 0, "\(imported.standardError)")
            for arguments in Self.queries {
                for asOf in [[], ["--as-of", "2017-06-01"], ["--as-of", "2020-01-01"]] as [[String]] {
                    let cut = try runSCKB(
                        arguments + ["--store", store, "--format", "json", "--until", String(position)] + asOf
                    )
                    let whole = try runSCKB(arguments + ["--store", prefixStore, "--format", "json"] + asOf)
                    let label = (arguments + asOf + ["--until", String(position)]).joined(separator: " ")
                    #expect(cut.status == whole.status, "\(label): \(cut.standardError) vs \(whole.standardError)")
                    #expect(cut.standardOutput == whole.standardOutput, "\(label)")
                }
            }
        }
    }
}
