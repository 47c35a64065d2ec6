import Foundation
import Testing

/// The read commands of SPEC §5 and their JSON shapes, through the built binary against small fixtures.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct DomainQueryTests {
    typealias E = DomainEvent

    /// Five cities in two projects, four solutions, four replications appended out of `at` order, and one open plan.
    ///
    /// Tiers: Eindhoven lighthouse; Leipzig fellow; Sabadell fellow of Triangulum, then lighthouse of Grow
    /// Smarter (lighthouse); Stavanger lighthouse of Grow Smarter, then fellow of Triangulum (lighthouse); Tartu no
    /// role (other).
    static let replicationWorld = [
        E.project("triangulum"),  // 1
        E.project("grow-smarter"),  // 2
        E.city("eindhoven", country: "NL"),  // 3
        E.city("leipzig", country: "DE"),  // 4
        E.city("sabadell", country: "ES"),  // 5
        E.city("stavanger", country: "NO"),  // 6
        E.city("tartu", country: "EE"),  // 7
        E.join("eindhoven", "triangulum", "lighthouse"),  // 8
        E.join("leipzig", "triangulum", "fellow"),  // 9
        E.join("sabadell", "triangulum", "fellow"),  // 10
        E.join("sabadell", "grow-smarter", "lighthouse"),  // 11
        E.join("stavanger", "grow-smarter", "lighthouse"),  // 12
        E.join("stavanger", "triangulum", "fellow"),  // 13
        E.solution("heat-pumps", name: "Heat pumps", area: "buildings"),  // 14
        E.solution("smart-lamppost", name: "Smart lamppost", area: "urban-data-ict"),  // 15
        E.solution("citizen-app", name: "Citizen app", area: "citizen-engagement"),  // 16
        E.solution("e-bus", name: "Electric bus", area: "mobility-logistics"),  // 17
        E.demonstration("d-eindhoven-e-bus", solution: "e-bus", city: "eindhoven", project: "triangulum"),  // 18
        // 19
        E.demonstration("d-sabadell-lamppost", solution: "smart-lamppost", city: "sabadell", project: "grow-smarter"),
        E.demonstration("d-stavanger-heat", solution: "heat-pumps", city: "stavanger", project: "grow-smarter"),  // 20
        E.demonstration("d-eindhoven-app", solution: "citizen-app", city: "eindhoven"),  // 21
        E.demonstration("d-sabadell-app", solution: "citizen-app", city: "sabadell", project: "triangulum"),  // 22
        eventLine(
            "SolutionReplicated",
            [
                "solution": "e-bus", "city": "leipzig", "from": "eindhoven", "project": "triangulum",
                "funding": "scale-grant",
            ],
            at: "2018-05-01"
        ),  // 23
        E.replicated("smart-lamppost", city: "leipzig", from: "sabadell", funding: "own", at: "2017-03-01"),  // 24
        E.replicated("smart-lamppost", city: "eindhoven", from: "sabadell", at: "2019-01-01"),  // 25
        E.replicated("e-bus", city: "tartu", from: "leipzig", at: "2019-06-01"),  // 26
        E.planned("heat-pumps", city: "leipzig", from: "stavanger", at: "2020-01-01"),  // 27
    ]

    /// Impacts of the five demonstrations of ``replicationWorld``.
    static let impacts = [
        E.impact("d-eindhoven-e-bus", "energy_saved_pct", "12.5"),  // 28
        E.impact("d-eindhoven-e-bus", "smart_meters", "100"),  // 29
        E.impact("d-eindhoven-e-bus", "co2_reduced_pct", "10"),  // 30
        E.impact("d-sabadell-lamppost", "energy_saved_pct", "30"),  // 31
        E.impact("d-sabadell-lamppost", "smart_meters", "250"),  // 32
        E.impact("d-sabadell-lamppost", "charging_stations", "4"),  // 33
        E.impact("d-stavanger-heat", "energy_saved_pct", "20"),  // 34
        E.impact("d-stavanger-heat", "floor_area_m2", "1200.5"),  // 35
        E.impact("d-eindhoven-app", "citizens_engaged", "500"),  // 36
        E.impact("d-eindhoven-app", "co2_reduced_pct", "40"),  // 37
        E.impact("d-sabadell-app", "citizens_engaged", "300"),  // 38
    ]

    /// `from>to` for each edge.
    func pairs(_ edges: [[String: Any]]) -> [String] {
        edges.map { "\(($0["from"] as? String) ?? "?")>\(($0["to"] as? String) ?? "?")" }
    }

    func strings(_ value: Any?) -> [String] {
        (value as? [Any] ?? []).map { ($0 as? String) ?? "\($0)" }
    }

    // MARK: - graph

    @Test("graph --format json has nodes {id,name,country,tier} and edges with every key of SPEC §5")
    func graphShape() throws {
        try withDomainStore(seededWith: Self.replicationWorld) { store throws in
            let graph = try store.json(["graph"])
            let nodes = try #require(graph["nodes"] as? [[String: Any]])
            let edges = try #require(graph["edges"] as? [[String: Any]])
            for node in nodes {
                #expect(Set(node.keys).isSuperset(of: ["id", "name", "country", "tier"]), "\(node)")
            }
            for edge in edges {
                #expect(
                    Set(edge.keys).isSuperset(of: [
                        "solution", "from", "to", "at", "position", "funding", "project", "status",
                    ]),
                    "\(edge)"
                )
                #expect((edge["status"] as? String) == "done")
            }
            let first = try #require(edges.first)
            #expect((first["solution"] as? String) == "e-bus")
            #expect((first["at"] as? String) == "2018-05-01")
            #expect((first["position"] as? Int) == 23)
            #expect((first["funding"] as? String) == "scale-grant")
            #expect((first["project"] as? String) == "triangulum")
            #expect(edges.last?["funding"] is NSNull)
            let leipzig = try #require(nodes.first { ($0["id"] as? String) == "leipzig" })
            #expect((leipzig["name"] as? String) == "Leipzig")
            #expect((leipzig["country"] as? String) == "DE")
        }
    }

    @Test("graph edges are in log order, not in order of `at`; nodes are the cities at either end")
    func graphLogOrder() throws {
        try withDomainStore(seededWith: Self.replicationWorld) { store throws in
            let edges = try store.edges()
            #expect(edges.map { ($0["position"] as? Int) ?? 0 } == [23, 24, 25, 26])
            #expect(pairs(edges) == ["eindhoven>leipzig", "sabadell>leipzig", "sabadell>eindhoven", "leipzig>tartu"])
            let nodes = try #require(try store.json(["graph"])["nodes"] as? [[String: Any]])
            #expect(Set(nodes.map { ($0["id"] as? String) ?? "" }) == ["eindhoven", "leipzig", "sabadell", "tartu"])
        }
    }

    @Test("graph shows open plans as planned edges only with --planned")
    func graphPlanned() throws {
        try withDomainStore(seededWith: Self.replicationWorld) { store throws in
            #expect(!(try store.edges()).contains { ($0["status"] as? String) == "planned" })
            let all = try store.edges(["--planned"])
            #expect(all.map { ($0["position"] as? Int) ?? 0 } == [23, 24, 25, 26, 27])
            let planned = try #require(all.last)
            #expect((planned["status"] as? String) == "planned")
            #expect(pairs([planned]) == ["stavanger>leipzig"])
            let nodes = try #require(try store.json(["graph", "--planned"])["nodes"] as? [[String: Any]])
            #expect(nodes.contains { ($0["id"] as? String) == "stavanger" })
            #expect(try store.edges(["--solution", "heat-pumps"]).isEmpty)
        }
    }

    @Test("a city's tier is lighthouse if lighthouse in any project, else fellow if fellow in any, else other")
    func graphTiers() throws {
        try withDomainStore(seededWith: Self.replicationWorld) { store throws in
            let nodes = try #require(try store.json(["graph", "--planned"])["nodes"] as? [[String: Any]])
            var tiers: [String: String] = [:]
            for node in nodes { tiers[(node["id"] as? String) ?? ""] = node["tier"] as? String }
            #expect(
                tiers == [
                    "eindhoven": "lighthouse", "leipzig": "fellow", "sabadell": "lighthouse", "stavanger": "lighthouse",
                    "tartu": "other",
                ]
            )
            for (city, tier) in [("sabadell", "lighthouse"), ("stavanger", "lighthouse"), ("tartu", "other")] {
                #expect((try store.json(["city", city])["tier"] as? String) == tier, "\(city)")
            }
        }
    }

    @Test("tiers are those of now (or of the cut), not those at the time of the replication")
    func tiersFollowLaterJoins() throws {
        let lines = [
            E.project("triangulum"),  // 1
            E.city("eindhoven", country: "NL"),  // 2
            E.city("leipzig"),  // 3
            E.solution("e-bus"),  // 4
            E.demonstration("d-eindhoven-e-bus", solution: "e-bus", city: "eindhoven"),  // 5
            E.replicated("e-bus", city: "leipzig", from: "eindhoven", at: "2017-01-01"),  // 6
            E.join("eindhoven", "triangulum", "lighthouse", at: "2018-02-01"),  // 7
            E.join("leipzig", "triangulum", "fellow", at: "2018-02-01"),  // 8
        ]
        try withDomainStore(seededWith: lines) { store throws in
            #expect(
                pairs(try store.edges(["--from-tier", "lighthouse", "--to-tier", "fellow"])) == ["eindhoven>leipzig"]
            )
            let spread = try #require(try store.json(["spread"])["solutions"] as? [[String: Any]])
            #expect((spread.first?["lighthouse_to_fellow"] as? Int) == 1)
            #expect(try store.edges(["--from-tier", "lighthouse", "--until", "6"]).isEmpty)
            #expect(pairs(try store.edges(["--from-tier", "other", "--as-of", "2017-12-31"])) == ["eindhoven>leipzig"])
            let before = try #require(try store.json(["spread", "--until", "6"])["solutions"] as? [[String: Any]])
            #expect((before.first?["lighthouse_to_fellow"] as? Int) == 0)
        }
    }

    @Test("graph --from-tier, --to-tier and --solution filter the edges")
    func graphFilters() throws {
        try withDomainStore(seededWith: Self.replicationWorld) { store throws in
            #expect(
                pairs(try store.edges(["--from-tier", "lighthouse", "--to-tier", "fellow"]))
                    == ["eindhoven>leipzig", "sabadell>leipzig"]
            )
            #expect(
                pairs(try store.edges(["--from-tier", "lighthouse", "--to-tier", "fellow", "--planned"]))
                    == ["eindhoven>leipzig", "sabadell>leipzig", "stavanger>leipzig"]
            )
            #expect(pairs(try store.edges(["--to-tier", "lighthouse"])) == ["sabadell>eindhoven"])
            #expect(pairs(try store.edges(["--from-tier", "fellow"])) == ["leipzig>tartu"])
            #expect(pairs(try store.edges(["--to-tier", "other"])) == ["leipzig>tartu"])
            #expect(try store.edges(["--from-tier", "other"]).isEmpty)
            #expect(
                pairs(try store.edges(["--solution", "smart-lamppost"])) == ["sabadell>leipzig", "sabadell>eindhoven"]
            )
            #expect(pairs(try store.edges(["--solution", "e-bus", "--to-tier", "other"])) == ["leipzig>tartu"])
            let filtered = try store.json(["graph", "--solution", "smart-lamppost"])
            let nodes = try #require(filtered["nodes"] as? [[String: Any]])
            #expect(Set(nodes.map { ($0["id"] as? String) ?? "" }) == ["sabadell", "leipzig", "eindhoven"])
        }
    }

    // MARK: - spread

    @Test("spread has every key of SPEC §5 and sorts by reach descending, then id")
    func spread() throws {
        try withDomainStore(seededWith: Self.replicationWorld) { store throws in
            let solutions = try #require(try store.json(["spread"])["solutions"] as? [[String: Any]])
            #expect(
                solutions.map { ($0["solution"] as? String) ?? "" } == [
                    "e-bus", "smart-lamppost", "citizen-app", "heat-pumps",
                ]
            )
            #expect(solutions.map { ($0["reach"] as? Int) ?? -1 } == [3, 3, 2, 1])
            for solution in solutions {
                #expect(
                    Set(solution.keys).isSuperset(of: [
                        "solution", "name", "area", "demonstrated_in", "adopted_by", "planned_by",
                        "lighthouse_to_fellow",
                        "reach",
                    ]),
                    "\(solution)"
                )
            }
            let bus = solutions[0]
            #expect((bus["name"] as? String) == "Electric bus")
            #expect((bus["area"] as? String) == "mobility-logistics")
            #expect(strings(bus["demonstrated_in"]) == ["eindhoven"])
            #expect(Set(strings(bus["adopted_by"])) == ["leipzig", "tartu"])
            #expect((bus["lighthouse_to_fellow"] as? Int) == 1)
            let lamppost = solutions[1]
            #expect(Set(strings(lamppost["adopted_by"])) == ["leipzig", "eindhoven"])
            #expect((lamppost["lighthouse_to_fellow"] as? Int) == 1)
            #expect(Set(strings(solutions[2]["demonstrated_in"])) == ["eindhoven", "sabadell"])
            #expect((solutions[2]["lighthouse_to_fellow"] as? Int) == 0)
            #expect(strings(solutions[3]["planned_by"]) == ["leipzig"])

            let buildings = try #require(
                try store.json(["spread", "--area", "buildings"])["solutions"] as? [[String: Any]]
            )
            #expect(buildings.map { ($0["solution"] as? String) ?? "" } == ["heat-pumps"])
        }
    }

    // MARK: - kpis

    @Test("kpis prints {totals, demonstrations}: maximum of the percentages, sum of the counts")
    func kpis() throws {
        try withDomainStore(seededWith: Self.replicationWorld + Self.impacts) { store throws in
            let object = try store.json(["kpis"])
            #expect((object["demonstrations"] as? Int) == 5)
            #expect(
                try store.kpiTotals() == [
                    "energy_saved_pct": 30, "co2_reduced_pct": 40, "smart_meters": 350, "charging_stations": 4,
                    "floor_area_m2": 1200.5, "citizens_engaged": 800,
                ]
            )
        }
    }

    @Test("kpis --project and --city narrow the demonstrations counted")
    func kpisFiltered() throws {
        try withDomainStore(seededWith: Self.replicationWorld + Self.impacts) { store throws in
            #expect(
                try store.kpiTotals(["--project", "triangulum"]) == [
                    "energy_saved_pct": 12.5, "co2_reduced_pct": 10, "smart_meters": 100, "citizens_engaged": 300,
                ]
            )
            #expect((try store.json(["kpis", "--project", "triangulum"])["demonstrations"] as? Int) == 2)
            #expect(
                try store.kpiTotals(["--project", "grow-smarter"]) == [
                    "energy_saved_pct": 30, "smart_meters": 250, "charging_stations": 4, "floor_area_m2": 1200.5,
                ]
            )
            #expect(
                try store.kpiTotals(["--city", "eindhoven"]) == [
                    "energy_saved_pct": 12.5, "co2_reduced_pct": 40, "smart_meters": 100, "citizens_engaged": 500,
                ]
            )
            #expect((try store.json(["kpis", "--city", "eindhoven"])["demonstrations"] as? Int) == 2)
            #expect(
                try store.kpiTotals(["--city", "sabadell", "--project", "triangulum"]) == ["citizens_engaged": 300]
            )
            #expect(
                (try store.json(["kpis", "--city", "sabadell", "--project", "triangulum"])["demonstrations"] as? Int)
                    == 1
            )
            #expect(try store.kpiTotals(["--city", "leipzig"]).isEmpty)
        }
    }

    // MARK: - import, append, log, history, stats

    @Test("import prints {appended, skipped}, totals over all files given")
    func importShape() throws {
        try withDomainStore { store throws in
            let first = store.folder + "/01-cities.jsonl"
            let second = store.folder + "/02-projects.jsonl"
            try writeJSONLines(
                [cityLine("leipzig", id: "city-leipzig"), cityLine("eindhoven", country: "NL", id: "city-eindhoven")],
                to: first
            )
            try writeJSONLines([projectLine("triangulum", id: "project-triangulum")], to: second)
            let once = try store.json(["import", first, second])
            #expect((once["appended"] as? Int) == 3)
            #expect((once["skipped"] as? Int) == 0)
            let again = try store.json(["import", first, second])
            #expect((again["appended"] as? Int) == 0)
            #expect((again["skipped"] as? Int) == 3)
            let folder = try store.json(["import", store.folder])
            #expect((folder["appended"] as? Int) == 0)
            #expect((folder["skipped"] as? Int) == 3)
        }
    }

    @Test("append --format json prints the stored event exactly as export writes it")
    func appendIsExportForm() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            let result = try store.append(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "from=eindhoven", "funding=scale-grant"],
                at: "2018-01-01",
                extra: ["--actor", "secretariat", "--source", "https://example.org/report.pdf", "--id", "rep-1"]
            )
            try #require(result.status == 0, "\(result.standardError)")
            let exported = try exportBytes(store: store.path)
            let lastLine = try #require(String(decoding: exported, as: UTF8.self).split(separator: "\n").last)
            #expect(result.standardOutput.trimmingCharacters(in: .newlines) == String(lastLine))
            let event = try jsonObject(lastLine)
            #expect((event["position"] as? Int) == 9)
            #expect((event["actor"] as? String) == "secretariat")
            #expect((event["source"] as? String) == "https://example.org/report.pdf")
            #expect((event["id"] as? String) == "rep-1")
            #expect(((event["hash"] as? String) ?? "").count == 64)
            #expect(((event["recorded"] as? String) ?? "").hasSuffix("Z"))
        }
    }

    @Test("log and history print each event as export writes it, plus retracted_by")
    func logAndHistory() throws {
        let lines =
            E.triangulum + [
                E.impact("d-eindhoven-e-bus", "smart_meters", "100"),  // 9
                eventLine("EventRetracted", ["position": 9, "reason": "counted twice"], at: "2017-01-01"),  // 10
            ]
        try withDomainStore(seededWith: lines) { store throws in
            let exported = try String(decoding: exportBytes(store: store.path), as: UTF8.self)
                .split(separator: "\n").map(jsonObject)
            let logged = try #require(try store.json(["log"])["events"] as? [[String: Any]])
            #expect(logged.count == 10)
            for (entry, export) in zip(logged, exported) {
                var withoutMark = entry
                let mark = withoutMark.removeValue(forKey: "retracted_by")
                #expect(mark != nil, "no retracted_by in \(entry)")
                #expect(NSDictionary(dictionary: withoutMark).isEqual(to: export), "\(entry) differs from \(export)")
            }
            #expect((logged[8]["retracted_by"] as? Int) == 10)
            #expect(logged[9]["retracted_by"] is NSNull)
            #expect(logged[0]["retracted_by"] is NSNull)

            let history = try #require(try store.json(["history", "d-eindhoven-e-bus"])["events"] as? [[String: Any]])
            #expect(history.map { ($0["position"] as? Int) ?? 0 } == [8, 9, 10])
            #expect((history[1]["retracted_by"] as? Int) == 10)
            #expect(history.allSatisfy { $0["recorded"] is String })

            let typed = try #require(try store.json(["log", "--type", "ImpactReported"])["events"] as? [[String: Any]])
            #expect(typed.map { ($0["position"] as? Int) ?? 0 } == [9])
        }
    }

    @Test("stats prints events, head {position, hash}, by_type and store_bytes")
    func stats() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            let stats = try store.json(["stats"])
            #expect((stats["events"] as? Int) == 8)
            let head = try #require(stats["head"] as? [String: Any])
            #expect((head["position"] as? Int) == 8)
            let last = try #require(
                String(decoding: exportBytes(store: store.path), as: UTF8.self).split(separator: "\n").last
            )
            #expect((head["hash"] as? String) == (try jsonObject(last)["hash"] as? String))
            let byType = try #require(stats["by_type"] as? [String: Int])
            #expect(
                byType == [
                    "ProjectRegistered": 1, "CityRegistered": 3, "CityJoinedProject": 2, "SolutionCatalogued": 1,
                    "DemonstrationReported": 1,
                ]
            )
            #expect(((stats["store_bytes"] as? Int) ?? 0) > 0)
        }
    }

    // MARK: - Profiles

    @Test(
        "city, project and solution profiles exit 0 with their id",
        arguments: [("city", "leipzig"), ("project", "triangulum"), ("solution", "e-bus")]
    )
    func profiles(command: String, id: String) throws {
        try withDomainStore(seededWith: Self.replicationWorld) { store throws in
            let profile = try store.json([command, id])
            #expect((profile[command] as? String) == id, "\(profile)")
            let table = try store.run([command, id])
            #expect(table.status == 0)
            #expect(table.standardOutput.contains(id))
        }
    }

    @Test(
        "city, project and solution profiles and the history of an unknown id exit 1 with one line naming it",
        arguments: [
            ("city", "oslo"), ("project", "sharing-cities"), ("solution", "hyperloop"), ("city", "e-bus"),
            ("history", "nobody-named"),
        ]
    )
    func unknownProfiles(command: String, id: String) throws {
        try withDomainStore(seededWith: Self.replicationWorld) { store throws in
            for format in ["table", "json"] {
                let result = try store.run([command, id, "--format", format])
                #expect(result.status == 1, "\(command) \(id) --format \(format)")
                #expect(result.standardOutput.isEmpty)
                #expect(result.errorLines.count == 1)
                #expect(result.standardError.contains(id), "\(result.standardError)")
            }
        }
    }

    @Test("the city profile gathers projects, replications in and out, and open plans")
    func cityProfile() throws {
        try withDomainStore(seededWith: Self.replicationWorld) { store throws in
            let leipzig = try store.json(["city", "leipzig"])
            #expect((leipzig["tier"] as? String) == "fellow")
            #expect((leipzig["country"] as? String) == "DE")
            let projects = try #require(leipzig["projects"] as? [[String: Any]])
            #expect(projects.map { ($0["project"] as? String) ?? "" } == ["triangulum"])
            let incoming = try #require(leipzig["replications_in"] as? [[String: Any]])
            #expect(Set(incoming.map { ($0["solution"] as? String) ?? "" }) == ["e-bus", "smart-lamppost"])
            let outgoing = try #require(leipzig["replications_out"] as? [[String: Any]])
            #expect(outgoing.count == 1)
            let plans = try #require(leipzig["open_plans"] as? [[String: Any]])
            #expect(plans.map { ($0["solution"] as? String) ?? "" } == ["heat-pumps"])
            let sabadell = try store.json(["city", "sabadell"])
            let roles = try #require(sabadell["projects"] as? [[String: Any]])
            #expect(
                Set(roles.map { "\(($0["project"] as? String) ?? ""):\(($0["role"] as? String) ?? "")" }) == [
                    "triangulum:fellow", "grow-smarter:lighthouse",
                ]
            )
        }
    }

    // MARK: - CCG views

    /// Triangulum ended; Leipzig and Tartu (no project) are CCG members; Eindhoven joined and left. Leipzig has
    /// travel contributions in 2025 and 2026.
    static let ccgWorld =
        E.triangulum + [
            E.ended("triangulum", at: "2020-01-31"),  // 9
            E.city("tartu", country: "EE"),  // 10
            E.joinedCCG("leipzig"),  // 11
            E.joinedCCG("tartu"),  // 12
            E.joinedCCG("eindhoven"),  // 13
            E.leftCCG("eindhoven", at: "2022-01-01"),  // 14
            E.meeting("ccg-2025-lisbon", on: "2025-03-10"),  // 15
            E.meeting("ccg-2025-online", on: "2025-04-10", format: "virtual", kind: "advocacy"),  // 16
            E.meeting("ccg-2025-utrecht", on: "2025-06-10", kind: "co-creation"),  // 17
            E.meeting("ccg-2026-milan", on: "2026-03-10"),  // 18
            E.attended("ccg-2025-lisbon", city: "leipzig", at: "2025-03-10"),  // 19
            E.attended("ccg-2025-lisbon", city: "tartu", at: "2025-03-10"),  // 20
            E.travel("leipzig", meeting: "ccg-2025-lisbon", amount: "300", at: "2025-03-11"),  // 21
            E.travel("leipzig", meeting: "ccg-2026-milan", amount: "200", at: "2026-03-11"),  // 22
        ]

    @Test("ccg members lists the current members only")
    func ccgMembers() throws {
        try withDomainStore(seededWith: Self.ccgWorld) { store throws in
            let members = try #require(try store.json(["ccg", "members"])["members"] as? [[String: Any]])
            #expect(members.map { ($0["city"] as? String) ?? "" } == ["leipzig", "tartu"])
            #expect(members.map { ($0["meetings_attended"] as? Int) ?? -1 } == [1, 1])
            let earlier = try #require(
                try store.json(["ccg", "members", "--until", "13"])["members"] as? [[String: Any]]
            )
            #expect(Set(earlier.map { ($0["city"] as? String) ?? "" }) == ["leipzig", "tartu", "eindhoven"])
        }
    }

    @Test("ccg meetings lists every meeting with its kind, format, date and attendees")
    func ccgMeetings() throws {
        try withDomainStore(seededWith: Self.ccgWorld) { store throws in
            let meetings = try #require(try store.json(["ccg", "meetings"])["meetings"] as? [[String: Any]])
            #expect(
                Set(meetings.map { ($0["meeting"] as? String) ?? "" }) == [
                    "ccg-2025-lisbon", "ccg-2025-online", "ccg-2025-utrecht", "ccg-2026-milan",
                ]
            )
            let lisbon = try #require(meetings.first { ($0["meeting"] as? String) == "ccg-2025-lisbon" })
            let attendees = (lisbon["attendees"] as? [Any] ?? []).map { attendee in
                (attendee as? String) ?? ((attendee as? [String: Any])?["city"] as? String) ?? "\(attendee)"
            }
            #expect(Set(attendees) == ["leipzig", "tartu"])
            #expect((lisbon["on"] as? String) == "2025-03-10")
            let online = try #require(meetings.first { ($0["meeting"] as? String) == "ccg-2025-online" })
            #expect((online["format"] as? String) == "virtual")
            #expect((online["kind"] as? String) == "advocacy")
        }
    }

    @Test("ccg travel --year keeps the contributions for meetings in that year, with per-city totals")
    func ccgTravel() throws {
        try withDomainStore(seededWith: Self.ccgWorld) { store throws in
            let all = try store.json(["ccg", "travel"])
            #expect((all["contributions"] as? [[String: Any]])?.count == 2)
            let year = try store.json(["ccg", "travel", "--year", "2025"])
            let contributions = try #require(year["contributions"] as? [[String: Any]])
            #expect(contributions.map { ($0["meeting"] as? String) ?? "" } == ["ccg-2025-lisbon"])
            #expect(contributions.map { ($0["amount_eur"] as? Double) ?? 0 } == [300])
            let totals = try #require(year["totals"] as? [[String: Any]])
            #expect(totals.count == 1)
            let leipzig = try #require(totals.first)
            #expect((leipzig["city"] as? String) == "leipzig")
            #expect((leipzig["trips"] as? Int) == 1)
            #expect((leipzig["total_eur"] as? Double) == 300)
            let none = try store.json(["ccg", "travel", "--year", "2024"])
            #expect((none["contributions"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    /// `ccg eligibility` with `--format json`: exit status, eligible, reasons.
    func eligibility(
        _ store: DomainStore,
        _ arguments: [String]
    ) throws -> (status: Int32, eligible: Bool?, reasons: [String]) {
        let result = try store.run(["ccg", "eligibility"] + arguments + ["--format", "json"])
        let object = try jsonObject(result.standardOutput)
        return (result.status, object["eligible"] as? Bool, (object["reasons"] as? [String]) ?? [])
    }

    @Test("ccg eligibility prints {eligible, reasons}, exit 0 when eligible and 1 when not, writing nothing")
    func ccgEligibility() throws {
        try withDomainStore(seededWith: Self.ccgWorld) { store throws in
            let before = try exportBytes(store: store.path)
            let yes = try eligibility(store, ["leipzig", "--meeting", "ccg-2025-utrecht", "--amount", "150"])
            #expect(yes.status == 0)
            #expect(yes.eligible == true)
            #expect(!yes.reasons.isEmpty)
            #expect(try store.run(["ccg", "eligibility", "leipzig", "--meeting", "ccg-2025-utrecht"]).status == 0)

            let notInEndedProject = try eligibility(
                store,
                ["tartu", "--meeting", "ccg-2025-utrecht", "--amount", "150"]
            )
            #expect(notInEndedProject.status == 1)
            #expect(notInEndedProject.eligible == false)
            #expect(notInEndedProject.reasons.contains { $0.contains("tartu") }, "\(notInEndedProject.reasons)")

            let formerMember = try eligibility(store, ["eindhoven", "--meeting", "ccg-2025-utrecht"])
            #expect(formerMember.status == 1)
            #expect(formerMember.eligible == false)

            let virtual = try eligibility(store, ["leipzig", "--meeting", "ccg-2025-online"])
            #expect(virtual.status == 1)
            #expect(virtual.reasons.contains { $0.contains("ccg-2025-online") })

            let table = try store.run(["ccg", "eligibility", "tartu", "--meeting", "ccg-2025-utrecht"])
            #expect(table.status == 1)
            #expect(try exportBytes(store: store.path) == before)
        }
    }

    @Test("ccg eligibility of an unknown city or meeting is a no with that reason")
    func ccgEligibilityUnknown() throws {
        try withDomainStore(seededWith: Self.ccgWorld) { store throws in
            let unknownCity = try eligibility(store, ["oslo", "--meeting", "ccg-2025-utrecht"])
            #expect(unknownCity.status == 1)
            #expect(unknownCity.eligible == false)
            #expect(unknownCity.reasons.contains { $0.contains("oslo") }, "\(unknownCity.reasons)")

            let unknownMeeting = try eligibility(store, ["leipzig", "--meeting", "ccg-2030-oslo"])
            #expect(unknownMeeting.status == 1)
            #expect(unknownMeeting.eligible == false)
            #expect(unknownMeeting.reasons.contains { $0.contains("ccg-2030-oslo") }, "\(unknownMeeting.reasons)")

            let both = try eligibility(store, ["oslo", "--meeting", "ccg-2030-oslo"])
            #expect(both.status == 1)
            #expect(
                both.reasons.contains { $0.contains("'oslo'") }
                    && both.reasons.contains { $0.contains("ccg-2030-oslo") }
            )

            // Without a store at all, it is not a "no" but a missing store (exit 3).
            let missing = try withDomainStore { empty throws in
                try empty.run(["ccg", "eligibility", "oslo", "--meeting", "ccg-2030-oslo"])
            }
            #expect(missing.status == 3)
        }
    }

    // MARK: - Safe printing

    static let hostileName = "Bad\u{1B}[31m\nCity\"X"

    /// Sabadell, named with an ESC, a newline and a double quote, adopted the e-bus from Eindhoven and joined the CCG.
    static let hostileWorld = [
        E.project("triangulum", name: "Triangulum \"SCC1\"\u{7F}"),  // 1
        E.city("sabadell", name: hostileName, country: "ES"),  // 2
        E.city("eindhoven", name: "Eindhoven\u{7}\t\r", country: "NL"),  // 3
        E.join("eindhoven", "triangulum", "lighthouse"),  // 4
        E.join("sabadell", "triangulum", "fellow"),  // 5
        E.solution("e-bus", name: "E-bus \"XL\"\u{1B}]0;pwned\u{7}"),  // 6
        E.demonstration("d-eindhoven-e-bus", solution: "e-bus", city: "eindhoven", project: "triangulum"),  // 7
        E.replicated("e-bus", city: "sabadell", from: "eindhoven"),  // 8
        E.joinedCCG("sabadell"),  // 9
    ]

    /// Bytes below 0x20 other than the line feed, and DEL.
    func rawControlBytes(_ bytes: [UInt8]) -> [UInt8] {
        bytes.filter { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F }
    }

    @Test(
        "names with control characters and quotes print safely in tables, dot and mermaid",
        arguments: [
            ["graph"], ["graph", "--format", "dot"], ["graph", "--format", "mermaid"], ["city", "sabadell"], ["log"],
            ["history", "sabadell"], ["spread"], ["solution", "e-bus"], ["project", "triangulum"], ["ccg", "members"],
            ["cities"],
        ]
    )
    func safeOutput(command: [String]) throws {
        try withDomainStore(seededWith: Self.hostileWorld) { store throws in
            let result = try store.run(command)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(
                rawControlBytes(result.outputBytes).isEmpty,
                "raw control bytes: \(rawControlBytes(result.outputBytes))"
            )
            // The newline in the name must not have started a line of its own.
            #expect(!result.outputLines.contains { $0.hasPrefix("City") }, "\(result.standardOutput)")
        }
    }

    @Test("the JSON profile keeps the name exactly as entered")
    func hostileNameRoundTrips() throws {
        try withDomainStore(seededWith: Self.hostileWorld) { store throws in
            #expect((try store.json(["city", "sabadell"])["name"] as? String) == Self.hostileName)
        }
    }

    /// Whether every line of DOT output closes each string it opens (a quote escaped by a backslash does not count).
    func unbalancedDOTLines(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { line in
            var inString = false
            var escaped = false
            for character in line {
                if escaped {
                    escaped = false
                } else if character == "\\" && inString {
                    escaped = true
                } else if character == "\"" {
                    inString.toggle()
                }
            }
            return inString
        }
    }

    @Test("graph --format dot escapes the quotes of labels, and Graphviz accepts it")
    func dotEscaping() throws {
        try withDomainStore(seededWith: Self.hostileWorld) { store throws in
            let result = try store.run(["graph", "--format", "dot", "--planned"])
            try #require(result.status == 0, "\(result.standardError)")
            #expect(unbalancedDOTLines(result.standardOutput).isEmpty, "\(result.standardOutput)")
            let sabadell = result.outputLines.filter { $0.contains("City") }
            #expect(sabadell.count == 1)
            #expect(sabadell.allSatisfy { $0.contains("City\\\"X") }, "\(sabadell)")

            // Graphviz itself must parse it (skipped where Graphviz is not installed).
            let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            guard let dot = path.map({ "\($0)/dot" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
            else {
                return
            }
            let input = store.folder + "/graph.dot"
            try Data(result.outputBytes).write(to: URL(fileURLWithPath: input))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: dot)
            process.arguments = ["-Tsvg", input, "-o", store.folder + "/graph.svg"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "dot -Tsvg refused:\n\(result.standardOutput)")
        }
    }

    @Test("graph --format mermaid keeps double quotes out of its quoted labels")
    func mermaidEscaping() throws {
        try withDomainStore(seededWith: Self.hostileWorld) { store throws in
            let result = try store.run(["graph", "--format", "mermaid", "--planned"])
            try #require(result.status == 0, "\(result.standardError)")
            for line in result.outputLines where line.contains("[") {
                #expect(line.filter { $0 == "\"" }.count == 2, "\(line)")
            }
            #expect(result.outputLines.contains { $0.contains("sabadell[") })
        }
    }
}
