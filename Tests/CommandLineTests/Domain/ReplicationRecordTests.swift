import Foundation
import Testing

/// Origins via a project, obstacles and pathways, and published figures, through the built binary.
@Suite("The replication record")
struct ReplicationRecordTests {
    typealias E = DomainEvent

    /// Triangulum (lighthouses Eindhoven and Manchester, fellow Leipzig), Sabadell in no project, the e-bus
    /// demonstrated in Eindhoven (position 9).
    static let base = [
        E.project("triangulum"),  // 1
        E.city("eindhoven", country: "NL"),  // 2
        E.city("manchester", country: "GB"),  // 3
        E.city("leipzig", country: "DE"),  // 4
        E.city("sabadell", country: "ES"),  // 5
        E.join("eindhoven", "triangulum", "lighthouse"),  // 6
        E.join("manchester", "triangulum", "lighthouse"),  // 7
        E.solution("e-bus", name: "Electric bus"),  // 8
        E.demonstration("d-eindhoven-e-bus", solution: "e-bus", city: "eindhoven", project: "triangulum"),  // 9
        E.join("leipzig", "triangulum", "fellow"),  // 10
    ]

    // MARK: - Origins via a project

    @Test("a plan and a replication may take a project's lighthouse cities as their origin")
    func projectOriginAccepted() throws {
        try withDomainStore(seededWith: Self.base) { store throws in
            let plan = try store.accept(
                "ReplicationPlanned",
                ["solution=e-bus", "city=leipzig", "project=triangulum"],
                at: "2017-01-01"
            )
            let data = try #require(plan["data"] as? [String: Any])
            #expect(data["from"] == nil, "a project origin stores no from: \(data)")
            #expect(data["project"] as? String == "triangulum")
            let edges = try store.edges(["--planned"])
            #expect(edges.count == 1)
            #expect(edges.first?["from"] is NSNull)
            #expect(edges.first?["project"] as? String == "triangulum")
            #expect(edges.first?["status"] as? String == "planned")
        }
    }

    @Test("an origin is required: from, or project, or both")
    func originRequired() throws {
        try withDomainStore(seededWith: Self.base) { store throws in
            try store.refuse("ReplicationPlanned", ["solution=e-bus", "city=leipzig"], naming: ["from", "project"])
            try store.refuse("SolutionReplicated", ["solution=e-bus", "city=leipzig"], naming: ["from", "project"])
        }
    }

    @Test("a project origin needs a registered project with a lighthouse city that has the solution in time")
    func projectOriginRefused() throws {
        try withDomainStore(seededWith: Self.base + [E.project("sharing-cities"), E.solution("lamp")]) { store in
            try store.refuse(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "project=grow-smarter"],
                at: "2017-01-01",
                naming: ["grow-smarter"]
            )
            try store.refuse(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "project=sharing-cities"],
                at: "2017-01-01",
                naming: ["sharing-cities"]
            )
            try store.refuse(
                "SolutionReplicated",
                ["solution=lamp", "city=leipzig", "project=triangulum"],
                at: "2017-01-01",
                naming: ["triangulum", "lamp"]
            )
            // Eindhoven demonstrated it on 2016-01-01: a replication dated before is refused.
            try store.refuse(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "project=triangulum"],
                at: "2015-06-01",
                naming: ["2015-06-01", "triangulum"]
            )
            try store.accept(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "project=triangulum"],
                at: "2017-01-01"
            )
            // Leipzig has it now.
            try store.refuse(
                "ReplicationPlanned",
                ["solution=e-bus", "city=leipzig", "project=triangulum"],
                at: "2018-01-01",
                naming: ["leipzig", "e-bus"]
            )
        }
    }

    @Test("one open plan per origin: a project and one of its lighthouse cities are two origins")
    func planPerOrigin() throws {
        try withDomainStore(seededWith: Self.base) { store throws in
            try store.accept("ReplicationPlanned", ["solution=e-bus", "city=sabadell", "project=triangulum"])
            try store.refuse(
                "ReplicationPlanned",
                ["solution=e-bus", "city=sabadell", "project=triangulum"],
                naming: ["sabadell", "triangulum", "position 11"]
            )
            try store.accept("ReplicationPlanned", ["solution=e-bus", "city=sabadell", "from=eindhoven"])
            try store.refuse(
                "ReplicationPlanned",
                ["solution=e-bus", "city=sabadell", "from=eindhoven", "project=triangulum"],
                naming: ["eindhoven", "position 12"]
            )
        }
    }

    @Test("a replication fulfils the plan of the same origin and closes the others")
    func fulfilmentByOrigin() throws {
        try withDomainStore(seededWith: Self.base) { store throws in
            try store.accept("ReplicationPlanned", ["solution=e-bus", "city=sabadell", "project=triangulum"])  // 11
            try store.accept("ReplicationPlanned", ["solution=e-bus", "city=sabadell", "from=eindhoven"])  // 12
            try store.accept("SolutionReplicated", ["solution=e-bus", "city=sabadell", "project=triangulum"])  // 13
            let profile = try store.json(["solution", "e-bus"])
            let plans = try #require(profile["plans"] as? [[String: Any]])
            let status = Dictionary(
                uniqueKeysWithValues: plans.map { ($0["position"] as? Int ?? 0, $0["status"] as? String ?? "") }
            )
            #expect(status == [11: "fulfilled", 12: "closed"])
            #expect(plans.allSatisfy { $0["closed_by"] as? Int == 13 })
            #expect(plans.first { $0["position"] as? Int == 11 }?["project"] as? String == "triangulum")
            #expect(try store.edges(["--planned"]).map { $0["status"] as? String } == ["done"])
        }
    }

    @Test("graph, spread and --from-tier treat a project origin as tier lighthouse")
    func projectOriginTier() throws {
        try withDomainStore(seededWith: Self.base) { store throws in
            try store.accept("SolutionReplicated", ["solution=e-bus", "city=leipzig", "project=triangulum"])
            #expect(try store.edges(["--from-tier", "lighthouse"]).count == 1)
            #expect(try store.edges(["--from-tier", "fellow"]).isEmpty)
            #expect(try store.edges(["--to-tier", "fellow"]).count == 1)
            let graph = try store.json(["graph"])
            let nodes = try #require(graph["nodes"] as? [[String: Any]])
            #expect(nodes.map { $0["id"] as? String } == ["leipzig"], "nodes are cities only")
            let origins = try #require(graph["project_origins"] as? [[String: Any]])
            #expect(origins.first?["project"] as? String == "triangulum")
            #expect(origins.first?["lighthouse_cities"] as? [String] == ["eindhoven", "manchester"])
            let spread = try store.json(["spread"])
            let solutions = try #require(spread["solutions"] as? [[String: Any]])
            #expect(solutions.first?["lighthouse_to_fellow"] as? Int == 1)
            #expect(solutions.first?["reach"] as? Int == 2)
            let city = try store.json(["city", "leipzig"])
            let incoming = try #require(city["replications_in"] as? [[String: Any]])
            #expect(incoming.first?["from"] is NSNull)
            #expect(incoming.first?["project"] as? String == "triangulum")
        }
    }

    @Test("dot and mermaid draw one escaped node for a project's lighthouse cities")
    func projectOriginNode() throws {
        let hostile = #"Tri "quoted" <b>|#x\"#
        let lines = [E.project("triangulum", name: hostile)] + Self.base.dropFirst()
        try withDomainStore(seededWith: Array(lines)) { store throws in
            try store.accept("ReplicationPlanned", ["solution=e-bus", "city=sabadell", "project=triangulum"])
            let dot = try store.run(["graph", "--planned", "--format", "dot"])
            #expect(dot.status == 0)
            #expect(dot.standardOutput.contains(#""lighthouses:triangulum" -> "sabadell""#))
            #expect(dot.standardOutput.contains(#"label="Tri \"quoted\" <b>|#x\\: lighthouse cities""#))
            let mermaid = try store.run(["graph", "--planned", "--format", "mermaid"])
            #expect(mermaid.standardOutput.contains("lighthouses_triangulum -.->"))
            #expect(mermaid.standardOutput.contains("Tri #quot;quoted#quot; #lt;b#gt;#124;#35;x\\: lighthouse cities"))
            #expect(!mermaid.standardOutput.contains("<b>"))
        }
    }

    @Test("a project-origin replication depends on a lighthouse city's join and holding, unless another serves")
    func projectOriginRetraction() throws {
        let more = [
            E.demonstration("d-manchester-e-bus", solution: "e-bus", city: "manchester", project: "triangulum"),  // 11
            eventLine(
                "SolutionReplicated",
                ["solution": "e-bus", "city": "leipzig", "project": "triangulum"],
                at: "2018-01-01"
            ),  // 12
        ]
        try withDomainStore(seededWith: Self.base + more) { store throws in
            // Manchester can serve instead of Eindhoven.
            try store.accept("EventRetracted", ["position=9", "reason=duplicate"])  // 13
            try store.refuse("EventRetracted", ["position=11", "reason=wrong"], naming: ["11", "12"])
            try store.refuse("EventRetracted", ["position=7", "reason=wrong"], naming: ["7", "12"])
            try store.accept("EventRetracted", ["position=12", "reason=not done"])
            try store.accept("EventRetracted", ["position=11", "reason=wrong"])
            let verify = try store.run(["verify"])
            #expect(verify.status == 0, "\(verify.standardOutput)")
        }
    }

    // MARK: - Obstacles

    static func obstacle(
        _ id: String,
        _ category: String = "procurement",
        text: String = "The tender rules did not fit.",
        _ names: [String: String] = ["solution": "e-bus", "city": "leipzig", "project": "triangulum"],
        at: String = "2017-01-01"
    ) -> String {
        eventLine(
            "ObstacleReported",
            [
                "obstacle": id, "category": category, "text": text, "solution": names["solution"] as Any,
                "city": names["city"] as Any, "project": names["project"] as Any,
            ],
            at: at
        )
    }

    @Test("ObstacleReported: accepted with one or more entities; each rule refused")
    func obstacleRules() throws {
        try withDomainStore(seededWith: Self.base) { store throws in
            try store.accept(
                "ObstacleReported",
                ["obstacle=o-1", "category=legislative", "text=A state law forbade it.", "city=leipzig"],
                at: "2017-01-01"
            )
            try store.accept(
                "ObstacleReported",
                [
                    "obstacle=o-2", "category=data-privacy", "text=Data could not be shared.", "solution=e-bus",
                    "city=leipzig", "project=triangulum",
                ],
                at: "2017-01-01"
            )
            try store.refuse(
                "ObstacleReported",
                ["obstacle=o-1", "category=social", "text=Again.", "city=leipzig"],
                naming: ["o-1", "position 11"]
            )
            try store.refuse(
                "ObstacleReported",
                ["obstacle=o-3", "category=weather", "text=Rain.", "city=leipzig"],
                naming: ["category", "weather"]
            )
            try store.refuse(
                "ObstacleReported",
                ["obstacle=o-3", "category=social", "text=Nowhere."],
                naming: ["city"]
            )
            try store.refuse(
                "ObstacleReported",
                ["obstacle=o-3", "category=social", "text=", "city=leipzig"],
                naming: ["text"]
            )
            try store.refuse(
                "ObstacleReported",
                ["obstacle=o-3", "category=social", "text=" + String(repeating: "x", count: 501), "city=leipzig"],
                naming: ["text", "501"]
            )
            try store.refuse(
                "ObstacleReported",
                ["obstacle=o-3", "category=social", "text=Unknown.", "solution=tram"],
                naming: ["tram"]
            )
            try store.refuse(
                "ObstacleReported",
                ["obstacle=o-3", "category=social", "text=Not a member.", "city=sabadell", "project=triangulum"],
                naming: ["sabadell", "triangulum"]
            )
            try store.refuse(
                "ObstacleReported",
                ["obstacle=o-3", "category=social", "text=Too early.", "city=leipzig"],
                at: "2014-01-01",
                naming: ["2014-01-01", "leipzig"]
            )
        }
    }

    @Test("ObstacleOvercome: accepted once for a reported obstacle; refused otherwise")
    func overcomeRules() throws {
        try withDomainStore(seededWith: Self.base + [Self.obstacle("o-1")]) { store throws in
            try store.refuse("ObstacleOvercome", ["obstacle=o-9", "how=Somehow."], naming: ["o-9"])
            try store.refuse("ObstacleOvercome", ["obstacle=o-1", "how="], naming: ["how"])
            try store.refuse(
                "ObstacleOvercome",
                ["obstacle=o-1", "how=Before it arose."],
                at: "2016-01-01",
                naming: ["2016-01-01", "o-1"]
            )
            try store.accept("ObstacleOvercome", ["obstacle=o-1", "how=A joint tender."], at: "2018-01-01")
            try store.refuse(
                "ObstacleOvercome",
                ["obstacle=o-1", "how=Again."],
                at: "2018-02-01",
                naming: ["o-1", "already overcome", "position 12"]
            )
        }
    }

    @Test("obstacles lists each obstacle with its pathway, in log order, with counts by category")
    func obstaclesShape() throws {
        let lines =
            Self.base + [
                Self.obstacle("o-b", "financial", ["city": "sabadell"]),  // 11
                Self.obstacle("o-a"),  // 12
                eventLine("ObstacleOvercome", ["obstacle": "o-a", "how": "A joint tender."], at: "2018-01-01"),  // 13
            ]
        try withDomainStore(seededWith: lines) { store throws in
            let report = try store.json(["obstacles"])
            #expect(Set(report.keys) == ["obstacles", "by_category"])
            let obstacles = try #require(report["obstacles"] as? [[String: Any]])
            #expect(obstacles.map { $0["obstacle"] as? String } == ["o-b", "o-a"])
            #expect(
                Set(obstacles[0].keys)
                    == [
                        "obstacle", "category", "text", "solution", "city", "project", "at", "position", "overcome",
                        "solution_name", "city_name", "project_name",
                    ]
            )
            #expect(obstacles[0]["overcome"] is NSNull)
            #expect(obstacles[0]["solution"] is NSNull)
            let overcome = try #require(obstacles[1]["overcome"] as? [String: Any])
            #expect(overcome["how"] as? String == "A joint tender.")
            #expect(overcome["at"] as? String == "2018-01-01")
            #expect(overcome["position"] as? Int == 13)
            let counts = try #require(report["by_category"] as? [String: [String: Int]])
            #expect(counts.count == 7)
            #expect(counts["procurement"] == ["reported": 1, "overcome": 1])
            #expect(counts["financial"] == ["reported": 1, "overcome": 0])
            #expect(counts["social"] == ["reported": 0, "overcome": 0])

            let open = try #require(try store.json(["obstacles", "--open"])["obstacles"] as? [[String: Any]])
            #expect(open.map { $0["obstacle"] as? String } == ["o-b"])
            let byCategory = try store.json(["obstacles", "--category", "procurement"])["obstacles"] as? [Any]
            #expect(byCategory?.count == 1)
            let bySolution = try store.json(["obstacles", "--solution", "e-bus"])["obstacles"] as? [Any]
            #expect(bySolution?.count == 1)
            let byCity = try store.json(["obstacles", "--city", "sabadell"])["obstacles"] as? [Any]
            #expect(byCity?.count == 1)

            for (command, id) in [("city", "leipzig"), ("project", "triangulum"), ("solution", "e-bus")] {
                let profile = try store.json([command, id])
                let listed = try #require(profile["obstacles"] as? [[String: Any]], "\(command) has no obstacles")
                #expect(listed.map { $0["obstacle"] as? String } == ["o-a"], "\(command) \(id)")
            }
            let sabadell = try store.json(["city", "sabadell"])["obstacles"] as? [[String: Any]]
            #expect(sabadell?.map { $0["obstacle"] as? String } == ["o-b"])
        }
    }

    @Test("the obstacles table fits 100 columns, wraps long text and never cuts an id")
    func obstaclesTable() throws {
        let longID = "obs-" + String(repeating: "very-long-", count: 5) + "id"
        let text = String(repeating: "The procurement framework did not allow a joint tender. ", count: 6)
        try withDomainStore(seededWith: Self.base + [Self.obstacle(longID, text: text)]) { store throws in
            let table = try store.run(["obstacles"])
            #expect(table.status == 0)
            #expect(table.standardOutput.contains(longID))
            let lines = table.standardOutput.split(separator: "\n")
            #expect(lines.allSatisfy { $0.count <= 100 }, "\(lines.map(\.count).max() ?? 0) columns")
            let words = text.split(separator: " ")
            let shown = table.standardOutput.split(whereSeparator: { $0 == " " || $0 == "\n" })
            #expect(words.allSatisfy { shown.contains($0) }, "a word of the text is missing or cut")
        }
    }

    @Test("retracting an overcome obstacle's report is refused; retracting the overcoming reopens it")
    func obstacleRetraction() throws {
        let lines =
            Self.base + [
                Self.obstacle("o-a"),  // 11
                eventLine("ObstacleOvercome", ["obstacle": "o-a", "how": "A joint tender."], at: "2018-01-01"),  // 12
            ]
        try withDomainStore(seededWith: lines) { store throws in
            try store.refuse("EventRetracted", ["position=11", "reason=wrong"], naming: ["11", "12"])
            try store.accept("EventRetracted", ["position=12", "reason=not yet"])
            let open = try #require(try store.json(["obstacles", "--open"])["obstacles"] as? [[String: Any]])
            #expect(open.count == 1)
            #expect(try store.run(["verify"]).status == 0, "the withdrawal in place equals a rebuild")
            try store.accept("ObstacleOvercome", ["obstacle=o-a", "how=A second try."], at: "2019-01-01")
            try store.accept("EventRetracted", ["position=14", "reason=wrong"])
            try store.accept("EventRetracted", ["position=11", "reason=wrong"])
            #expect((try store.json(["obstacles"])["obstacles"] as? [Any])?.isEmpty == true)
            #expect(try store.run(["verify"]).status == 0)
        }
    }

    @Test("obstacles and kpis take --as-of and --until")
    func cutsOnNewViews() throws {
        let lines =
            Self.base + [
                Self.obstacle("o-a", at: "2017-01-01"),  // 11
                eventLine("ObstacleOvercome", ["obstacle": "o-a", "how": "A joint tender."], at: "2019-01-01"),  // 12
                eventLine("ImpactPublished", ["kpi": "e_vehicles", "value": 10], at: "2018-01-01"),  // 13
                eventLine("ImpactPublished", ["kpi": "e_vehicles", "value": 25], at: "2020-01-01"),  // 14
            ]
        try withDomainStore(seededWith: lines) { store throws in
            func overcome(_ cut: [String]) throws -> Bool {
                let obstacles = try #require(try store.json(["obstacles"] + cut)["obstacles"] as? [[String: Any]])
                return obstacles.first.map { !($0["overcome"] is NSNull) } ?? false
            }
            #expect(try overcome([]))
            #expect(try !overcome(["--as-of", "2018-06-30"]))
            #expect(try !overcome(["--until", "11"]))
            #expect((try store.json(["obstacles", "--until", "10"])["obstacles"] as? [Any])?.isEmpty == true)
            func published(_ cut: [String]) throws -> [String: Int] {
                try #require(try store.json(["kpis"] + cut)["published"] as? [String: Int])
            }
            #expect(try published([]) == ["e_vehicles": 25])
            #expect(try published(["--as-of", "2019-06-30"]) == ["e_vehicles": 10])
            #expect(try published(["--until", "13"]) == ["e_vehicles": 10])
            #expect(try published(["--until", "12"]).isEmpty)
        }
    }

    // MARK: - Published figures

    @Test("ImpactPublished: community, project, city and city-in-project figures; each rule refused")
    func publishedRules() throws {
        try withDomainStore(seededWith: Self.base) { store throws in
            try store.accept("ImpactPublished", ["kpi=smart_meters", "value=17500"], at: "2024-01-01")
            try store.accept("ImpactPublished", ["kpi=smart_meters", "value=300", "project=triangulum"])
            try store.accept("ImpactPublished", ["kpi=smart_meters", "value=40", "city=leipzig"])
            try store.accept(
                "ImpactPublished",
                ["kpi=co2_reduced_pct", "value=12.5", "city=leipzig", "project=triangulum"]
            )
            try store.refuse("ImpactPublished", ["kpi=co2_reduced_pct", "value=100.5"], naming: ["100.5"])
            try store.refuse("ImpactPublished", ["kpi=smart_meters", "value=-1"], naming: ["-1"])
            try store.refuse("ImpactPublished", ["kpi=trees", "value=1"], naming: ["kpi"])
            try store.refuse(
                "ImpactPublished",
                ["kpi=smart_meters", "value=1", "project=ruggedised"],
                naming: ["ruggedised"]
            )
            try store.refuse(
                "ImpactPublished",
                ["kpi=smart_meters", "value=1", "city=sabadell", "project=triangulum"],
                naming: ["sabadell", "triangulum"]
            )
            try store.refuse(
                "ImpactPublished",
                ["kpi=smart_meters", "value=1", "project=triangulum"],
                at: "2014-01-01",
                naming: ["2014-01-01"]
            )
            func published(_ filters: [String]) throws -> [String: Double] {
                let object = try #require(try store.json(["kpis"] + filters)["published"] as? [String: Any])
                return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
            }
            #expect(try published([]) == ["smart_meters": 17500])
            #expect(try published(["--project", "triangulum"]) == ["smart_meters": 300])
            #expect(try published(["--city", "leipzig"]) == ["smart_meters": 40])
            #expect(try published(["--city", "leipzig", "--project", "triangulum"]) == ["co2_reduced_pct": 12.5])
            #expect(try published(["--city", "eindhoven"]).isEmpty)
        }
    }

    @Test("a later published figure replaces the earlier; retracting it brings the earlier back")
    func publishedReplacement() throws {
        try withDomainStore(seededWith: Self.base) { store throws in
            try store.accept("ImpactPublished", ["kpi=e_vehicles", "value=190"])  // 11
            try store.accept("ImpactPublished", ["kpi=e_vehicles", "value=5270"])  // 12
            #expect(try store.json(["kpis"])["published"] as? [String: Int] == ["e_vehicles": 5270])
            try store.accept("EventRetracted", ["position=12", "reason=a target, not a result"])
            #expect(try store.json(["kpis"])["published"] as? [String: Int] == ["e_vehicles": 190])
            #expect(try store.run(["verify"]).status == 0)
        }
    }

    @Test("kpis shows the reported total beside the published figure in its table")
    func kpisTable() throws {
        let lines = Self.base + [E.impact("d-eindhoven-e-bus", "e_vehicles", "12")]
        try withDomainStore(seededWith: lines) { store throws in
            try store.accept("ImpactPublished", ["kpi=e_vehicles", "value=5270"])
            let table = try store.run(["kpis"])
            let row = table.standardOutput.split(separator: "\n").first { $0.hasPrefix("e_vehicles") }
            #expect(row?.split(separator: " ").prefix(3) == ["e_vehicles", "12", "5270"], "\(table.standardOutput)")
        }
    }

    @Test("a summed total past 2^53 is accepted and printed exactly")
    func exactTotals() throws {
        var lines = Self.base
        for index in 1...3 {
            lines.append(E.demonstration("d-\(index)", solution: "e-bus", city: "eindhoven", project: "triangulum"))
            lines.append(E.impact("d-\(index)", "citizens_engaged", "9007199254740991"))
        }
        lines.append(E.impact("d-eindhoven-e-bus", "citizens_engaged", "0.25"))
        try withDomainStore(seededWith: lines) { store throws in
            let result = try store.run(["kpis", "--format", "json"])
            #expect(result.status == 0)
            // 3 × (2^53 − 1) + 0.25, every digit.
            #expect(
                result.standardOutput.contains(#""citizens_engaged":27021597764222973.25"#),
                "\(result.standardOutput)"
            )
            let project = try store.run(["kpis", "--project", "triangulum", "--format", "json"])
            #expect(project.standardOutput.contains("27021597764222973.25"))
            try store.accept("EventRetracted", ["position=12", "reason=double count"])
            let after = try store.run(["kpis", "--format", "json"])
            #expect(
                after.standardOutput.contains(#""citizens_engaged":18014398509481982.25"#),
                "\(after.standardOutput)"
            )
            #expect(try store.run(["verify"]).status == 0)
        }
    }
}
