import Foundation
import Testing

/// Every rule of SPEC §4 through the CLI: each accepted once and refused once. A refusal exits 1 with one stderr line
/// naming the event type and the offending value, and leaves the export byte-identical (see `DomainStore.refuse`).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct DomainRuleTests {
    typealias E = DomainEvent

    // MARK: - New ids

    struct NewIDCase: Sendable, CustomTestStringConvertible {
        let type: String
        let fields: [String]
        let id: String
        var testDescription: String { type }
    }

    static let newIDCases = [
        NewIDCase(
            type: "ProjectRegistered",
            fields: ["project=sharing-cities", "name=Sharing Cities"],
            id: "sharing-cities"
        ),
        NewIDCase(type: "CityRegistered", fields: ["city=tartu", "name=Tartu", "country=EE"], id: "tartu"),
        NewIDCase(
            type: "SolutionCatalogued",
            fields: ["solution=smart-lamppost", "name=Smart lamppost", "area=urban-data-ict"],
            id: "smart-lamppost"
        ),
        NewIDCase(
            type: "DemonstrationReported",
            fields: ["demonstration=d-leipzig-e-bus", "solution=e-bus", "city=leipzig", "project=triangulum"],
            id: "d-leipzig-e-bus"
        ),
        NewIDCase(
            type: "MeetingScheduled",
            fields: ["meeting=ccg-2025-lisbon", "kind=networking", "format=physical", "on=2025-03-10", "place=Lisbon"],
            id: "ccg-2025-lisbon"
        ),
        NewIDCase(
            type: "GrantAwarded",
            fields: [
                "grant=scale-leipzig-e-bus", "programme=scale-grant", "city=leipzig", "solution=e-bus",
                "amount_eur=50000",
            ],
            id: "scale-leipzig-e-bus"
        ),
    ]

    @Test("an entity's id must be new: the first registration is accepted, the second refused", arguments: newIDCases)
    func newID(_ testCase: NewIDCase) throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.accept(testCase.type, testCase.fields, at: "2024-12-01")
            try store.refuse(testCase.type, testCase.fields, at: "2024-12-02", naming: [testCase.id])
        }
    }

    @Test("an id already used by the fixture is refused for every registering type")
    func fixtureIDsAreTaken() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse("ProjectRegistered", ["project=triangulum", "name=Triangulum 2"], naming: ["triangulum"])
            try store.refuse("CityRegistered", ["city=leipzig", "name=Leipzig", "country=DE"], naming: ["leipzig"])
            try store.refuse(
                "SolutionCatalogued",
                ["solution=e-bus", "name=E-bus", "area=mobility-logistics"],
                naming: ["e-bus"]
            )
            try store.refuse(
                "DemonstrationReported",
                ["demonstration=d-eindhoven-e-bus", "solution=e-bus", "city=eindhoven"],
                naming: ["d-eindhoven-e-bus"]
            )
        }
    }

    @Test("CityRegistered needs an ISO 3166-1 alpha-2 country", arguments: ["DEU", "de", "Germany", "D"])
    func cityCountry(country: String) throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse("CityRegistered", ["city=tartu", "name=Tartu", "country=\(country)"], naming: [country])
            try store.accept("CityRegistered", ["city=tartu", "name=Tartu", "country=EE"])
        }
    }

    // MARK: - Projects

    @Test("ProjectEnded needs a registered project that has not ended")
    func projectEnded() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse("ProjectEnded", ["project=sharing-cities"], at: "2020-01-31", naming: ["sharing-cities"])
            try store.accept("ProjectEnded", ["project=triangulum"], at: "2020-01-31")
            try store.refuse("ProjectEnded", ["project=triangulum"], at: "2020-02-01", naming: ["triangulum"])
        }
    }

    @Test("CityJoinedProject needs both registered, a city not yet in the project, and a project not ended")
    func cityJoinedProject() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "CityJoinedProject",
                ["city=tartu", "project=triangulum", "role=fellow"],
                at: "2016-01-01",
                naming: ["tartu"]
            )
            try store.refuse(
                "CityJoinedProject",
                ["city=sabadell", "project=sharing-cities", "role=fellow"],
                at: "2016-01-01",
                naming: ["sharing-cities"]
            )
            try store.refuse(
                "CityJoinedProject",
                ["city=sabadell", "project=triangulum", "role=follower"],
                at: "2016-01-01",
                naming: ["follower"]
            )
            try store.accept(
                "CityJoinedProject",
                ["city=sabadell", "project=triangulum", "role=fellow"],
                at: "2016-01-01"
            )
            try store.refuse(
                "CityJoinedProject",
                ["city=sabadell", "project=triangulum", "role=fellow"],
                at: "2016-01-02",
                naming: ["sabadell"]
            )
            try store.refuse(
                "CityJoinedProject",
                ["city=leipzig", "project=triangulum", "role=lighthouse"],
                at: "2016-01-02",
                naming: ["leipzig"]
            )
        }
    }

    @Test("CityJoinedProject is refused once the project has ended")
    func joinEndedProject() throws {
        try withDomainStore(seededWith: E.triangulum + [E.ended("triangulum", at: "2020-01-31")]) { store throws in
            try store.refuse(
                "CityJoinedProject",
                ["city=sabadell", "project=triangulum", "role=fellow"],
                at: "2021-01-01",
                naming: ["triangulum"]
            )
        }
    }

    // MARK: - Solutions and demonstrations

    static let areas = ["mobility-logistics", "buildings", "urban-data-ict", "citizen-engagement", "urban-governance"]

    @Test("SolutionCatalogued accepts each of the five areas", arguments: areas)
    func solutionArea(area: String) throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            let event = try store.accept(
                "SolutionCatalogued",
                ["solution=heat-pumps", "name=Heat pumps", "area=\(area)"]
            )
            let data = try #require(event["data"] as? [String: Any])
            #expect(data["area"] as? String == area)
        }
    }

    @Test("SolutionCatalogued refuses an area that is not one of the five", arguments: ["transport", "Buildings", ""])
    func solutionBadArea(area: String) throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "SolutionCatalogued",
                ["solution=heat-pumps", "name=Heat pumps", "area=\(area)"],
                naming: area.isEmpty ? ["area"] : [area]
            )
        }
    }

    @Test("DemonstrationReported with a project needs the city in that project; without one it is accepted")
    func demonstrationProject() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "DemonstrationReported",
                ["demonstration=d-sabadell-e-bus", "solution=e-bus", "city=sabadell", "project=triangulum"],
                at: "2016-03-01",
                naming: ["sabadell"]
            )
            try store.accept(
                "DemonstrationReported",
                ["demonstration=d-sabadell-e-bus", "solution=e-bus", "city=sabadell"],
                at: "2016-03-01"
            )
            try store.accept(
                "DemonstrationReported",
                ["demonstration=d-leipzig-e-bus", "solution=e-bus", "city=leipzig", "project=triangulum"],
                at: "2016-03-01"
            )
        }
    }

    @Test("DemonstrationReported needs a catalogued solution and a registered city")
    func demonstrationEntities() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "DemonstrationReported",
                ["demonstration=d-x", "solution=heat-pumps", "city=leipzig"],
                at: "2016-03-01",
                naming: ["heat-pumps"]
            )
            try store.refuse(
                "DemonstrationReported",
                ["demonstration=d-x", "solution=e-bus", "city=tartu"],
                at: "2016-03-01",
                naming: ["tartu"]
            )
        }
    }

    // MARK: - Impacts

    static let percentageKPIs = ["energy_saved_pct", "co2_reduced_pct"]
    static let countKPIs = ["smart_meters", "floor_area_m2", "e_vehicles", "charging_stations", "citizens_engaged"]

    @Test(
        "ImpactReported accepts 0 and 100 of every KPI and refuses a negative value",
        arguments: percentageKPIs + countKPIs
    )
    func impactValueBounds(kpi: String) throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.accept(
                "ImpactReported",
                ["demonstration=d-eindhoven-e-bus", "kpi=\(kpi)", "value=0"],
                at: "2016-06-01"
            )
            try store.accept(
                "ImpactReported",
                ["demonstration=d-eindhoven-e-bus", "kpi=\(kpi)", "value=100"],
                at: "2016-06-02"
            )
            try store.refuse(
                "ImpactReported",
                ["demonstration=d-eindhoven-e-bus", "kpi=\(kpi)", "value=-1"],
                at: "2016-06-03",
                naming: ["-1"]
            )
        }
    }

    @Test("ImpactReported refuses a percentage above 100", arguments: percentageKPIs)
    func impactPercentageAbove100(kpi: String) throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "ImpactReported",
                ["demonstration=d-eindhoven-e-bus", "kpi=\(kpi)", "value=100.01"],
                at: "2016-06-01",
                naming: ["100.01"]
            )
        }
    }

    @Test("ImpactReported accepts a count above 100", arguments: countKPIs)
    func impactCountAbove100(kpi: String) throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.accept(
                "ImpactReported",
                ["demonstration=d-eindhoven-e-bus", "kpi=\(kpi)", "value=2500"],
                at: "2016-06-01"
            )
            #expect(try store.kpiTotals()[kpi] == 2500)
        }
    }

    @Test("ImpactReported needs a known demonstration and a KPI from the list")
    func impactUnknowns() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "ImpactReported",
                ["demonstration=d-leipzig-e-bus", "kpi=smart_meters", "value=10"],
                at: "2016-06-01",
                naming: ["d-leipzig-e-bus"]
            )
            try store.refuse(
                "ImpactReported",
                ["demonstration=d-eindhoven-e-bus", "kpi=happiness", "value=10"],
                at: "2016-06-01",
                naming: ["happiness"]
            )
        }
    }

    @Test("a later ImpactReported of the same KPI for the same demonstration replaces the earlier in kpis")
    func impactReplaces() throws {
        let lines =
            E.triangulum + [
                E.impact("d-eindhoven-e-bus", "energy_saved_pct", "40"),
                E.impact("d-eindhoven-e-bus", "smart_meters", "100"),
            ]
        try withDomainStore(seededWith: lines) { store throws in
            #expect(try store.kpiTotals() == ["energy_saved_pct": 40, "smart_meters": 100])
            try store.accept(
                "ImpactReported",
                ["demonstration=d-eindhoven-e-bus", "kpi=energy_saved_pct", "value=20"],
                at: "2017-01-01"
            )
            try store.accept(
                "ImpactReported",
                ["demonstration=d-eindhoven-e-bus", "kpi=smart_meters", "value=60"],
                at: "2017-01-01"
            )
            #expect(try store.kpiTotals() == ["energy_saved_pct": 20, "smart_meters": 60])
        }
    }

    // MARK: - Replication plans

    @Test("ReplicationPlanned needs a `from` that demonstrated or adopted the solution")
    func planFromSource() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "ReplicationPlanned",
                ["solution=e-bus", "city=leipzig", "from=sabadell"],
                at: "2017-01-01",
                naming: ["sabadell"]
            )
            try store.accept(
                "ReplicationPlanned",
                ["solution=e-bus", "city=leipzig", "from=eindhoven"],
                at: "2017-01-01"
            )
            try store.accept(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "from=eindhoven"],
                at: "2018-01-01"
            )
            try store.accept(
                "ReplicationPlanned",
                ["solution=e-bus", "city=sabadell", "from=leipzig"],
                at: "2018-02-01"
            )
        }
    }

    @Test("ReplicationPlanned refuses a city planning from itself")
    func planFromItself() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "ReplicationPlanned",
                ["solution=e-bus", "city=eindhoven", "from=eindhoven"],
                at: "2017-01-01",
                naming: ["eindhoven"]
            )
        }
    }

    @Test("ReplicationPlanned refuses a city that already demonstrated or adopted the solution")
    func planCityHasIt() throws {
        try withDomainStore(seededWith: E.triangulum + [E.replicated("e-bus", city: "leipzig", from: "eindhoven")]) {
            store throws in
            try store.refuse(
                "ReplicationPlanned",
                ["solution=e-bus", "city=leipzig", "from=eindhoven"],
                at: "2019-01-01",
                naming: ["leipzig"]
            )
            try store.refuse(
                "ReplicationPlanned",
                ["solution=e-bus", "city=eindhoven", "from=leipzig"],
                at: "2019-01-01",
                naming: ["eindhoven"]
            )
        }
    }

    @Test("ReplicationPlanned refuses a second open plan from the same city, and accepts one from another city")
    func planOpenTwice() throws {
        let lines =
            E.triangulum + [
                E.replicated("e-bus", city: "sabadell", from: "eindhoven"),  // 9
                E.planned("e-bus", city: "leipzig", from: "eindhoven", at: "2018-03-01"),  // 10
            ]
        try withDomainStore(seededWith: lines) { store throws in
            try store.refuse(
                "ReplicationPlanned",
                ["solution=e-bus", "city=leipzig", "from=eindhoven"],
                at: "2018-04-01",
                naming: ["leipzig", "eindhoven"]
            )
            try store.accept(
                "ReplicationPlanned",
                ["solution=e-bus", "city=leipzig", "from=sabadell"],
                at: "2018-04-01"
            )
        }
    }

    // MARK: - Replications

    @Test("SolutionReplicated needs a `from` that demonstrated or adopted, and a city other than `from`")
    func replicationSource() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "from=sabadell"],
                at: "2018-01-01",
                naming: ["sabadell"]
            )
            try store.refuse(
                "SolutionReplicated",
                ["solution=e-bus", "city=eindhoven", "from=eindhoven"],
                at: "2018-01-01",
                naming: ["eindhoven"]
            )
            try store.accept(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "from=eindhoven", "funding=scale-grant"],
                at: "2018-01-01"
            )
        }
    }

    @Test("SolutionReplicated refuses a city that already demonstrated or adopted the solution")
    func replicationCityHasIt() throws {
        try withDomainStore(seededWith: E.triangulum + [E.replicated("e-bus", city: "leipzig", from: "eindhoven")]) {
            store throws in
            try store.refuse(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "from=eindhoven"],
                at: "2019-01-01",
                naming: ["leipzig"]
            )
            try store.refuse(
                "SolutionReplicated",
                ["solution=e-bus", "city=eindhoven", "from=leipzig"],
                at: "2019-01-01",
                naming: ["eindhoven"]
            )
        }
    }

    @Test(
        "SolutionReplicated accepts each funding and refuses any other",
        arguments: ["action-grant", "scale-grant", "project", "own", "other"]
    )
    func replicationFunding(funding: String) throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "from=eindhoven", "funding=\(funding)-loan"],
                at: "2018-01-01",
                naming: ["\(funding)-loan"]
            )
            let event = try store.accept(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "from=eindhoven", "funding=\(funding)"],
                at: "2018-01-01"
            )
            #expect((event["data"] as? [String: Any])?["funding"] as? String == funding)
        }
    }

    @Test("an adoption makes the city a valid `from` for a later replication")
    func adoptionMakesSource() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "SolutionReplicated",
                ["solution=e-bus", "city=sabadell", "from=leipzig"],
                at: "2019-01-01",
                naming: ["leipzig"]
            )
            try store.accept(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "from=eindhoven"],
                at: "2018-01-01"
            )
            try store.accept(
                "SolutionReplicated",
                ["solution=e-bus", "city=sabadell", "from=leipzig"],
                at: "2019-01-01"
            )
            let edges = try store.edges()
            #expect(edges.map { "\($0["from"] ?? "")>\($0["to"] ?? "")" } == ["eindhoven>leipzig", "leipzig>sabadell"])
        }
    }

    @Test("SolutionReplicated closes every open plan of that city for the solution, and only those")
    func replicationClosesPlans() throws {
        let lines =
            E.triangulum + [
                E.city("tartu", country: "EE"),  // 9
                E.demonstration("d-sabadell-e-bus", solution: "e-bus", city: "sabadell"),  // 10
                E.planned("e-bus", city: "leipzig", from: "eindhoven"),  // 11
                E.planned("e-bus", city: "leipzig", from: "sabadell"),  // 12
                E.planned("e-bus", city: "tartu", from: "eindhoven"),  // 13
            ]
        try withDomainStore(seededWith: lines) { store throws in
            let before = try store.edges(["--planned"])
            #expect(before.map { $0["position"] as? Int } == [11, 12, 13])
            #expect(before.allSatisfy { $0["status"] as? String == "planned" })

            try store.accept(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "from=eindhoven"],
                at: "2018-01-01"
            )
            let after = try store.edges(["--planned"])
            #expect(after.map { $0["position"] as? Int } == [13, 14])
            #expect(after.map { $0["status"] as? String } == ["planned", "done"])
            #expect(!after.contains { $0["to"] as? String == "leipzig" && $0["status"] as? String == "planned" })

            let profile = try store.json(["solution", "e-bus"])
            let plans = try #require(profile["plans"] as? [[String: Any]])
            let fulfilled = try #require(plans.first(where: { ($0["position"] as? Int) == 11 }))
            #expect((fulfilled["status"] as? String) == "fulfilled", "\(plans)")
            #expect((fulfilled["closed_by"] as? Int) == 14)
            let open = try #require(plans.first(where: { ($0["position"] as? Int) == 13 }))
            #expect((open["status"] as? String) == "open")
        }
    }

    // MARK: - CCG membership and meetings

    @Test("CityJoinedCCG needs a registered city that is not a member now; a city may rejoin after leaving")
    func joinCCG() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse("CityJoinedCCG", ["city=tartu"], at: "2021-01-01", naming: ["tartu"])
            try store.accept("CityJoinedCCG", ["city=leipzig"], at: "2021-01-01")
            try store.refuse("CityJoinedCCG", ["city=leipzig"], at: "2021-02-01", naming: ["leipzig"])
            try store.accept("CityLeftCCG", ["city=leipzig"], at: "2022-01-01")
            try store.accept("CityJoinedCCG", ["city=leipzig"], at: "2023-01-01")
            let members = try #require(try store.json(["ccg", "members"])["members"] as? [[String: Any]])
            #expect(members.map { ($0["city"] as? String) ?? "" } == ["leipzig"])
        }
    }

    @Test("CityLeftCCG needs a member now")
    func leaveCCG() throws {
        try withDomainStore(seededWith: E.triangulum + [E.joinedCCG("leipzig")]) { store throws in
            try store.refuse("CityLeftCCG", ["city=sabadell"], at: "2022-01-01", naming: ["sabadell"])
            try store.accept("CityLeftCCG", ["city=leipzig"], at: "2022-01-01")
            try store.refuse("CityLeftCCG", ["city=leipzig"], at: "2022-02-01", naming: ["leipzig"])
            let members = try #require(try store.json(["ccg", "members"])["members"] as? [[String: Any]])
            #expect(members.isEmpty)
        }
    }

    @Test("MeetingScheduled refuses a kind or format outside the catalogue")
    func meetingVocabulary() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "MeetingScheduled",
                ["meeting=ccg-2025-lisbon", "kind=party", "format=physical", "on=2025-03-10"],
                at: "2024-12-01",
                naming: ["party"]
            )
            try store.refuse(
                "MeetingScheduled",
                ["meeting=ccg-2025-lisbon", "kind=networking", "format=hybrid", "on=2025-03-10"],
                at: "2024-12-01",
                naming: ["hybrid"]
            )
            for (meeting, kind, format) in [
                ("ccg-2025-lisbon", "networking", "physical"), ("ccg-2025-cocreate", "co-creation", "virtual"),
                ("ccg-2025-brussels", "advocacy", "physical"),
            ] {
                try store.accept(
                    "MeetingScheduled",
                    ["meeting=\(meeting)", "kind=\(kind)", "format=\(format)", "on=2025-03-10"],
                    at: "2024-12-01"
                )
            }
        }
    }

    static let meetingWorld =
        E.triangulum + [
            E.joinedCCG("leipzig"),  // 9
            E.meeting("ccg-2025-lisbon", on: "2025-03-10"),  // 10
        ]

    @Test("MeetingAttended needs a scheduled meeting and a member city, once per city")
    func meetingAttended() throws {
        try withDomainStore(seededWith: Self.meetingWorld) { store throws in
            try store.refuse(
                "MeetingAttended",
                ["meeting=ccg-2025-porto", "city=leipzig"],
                at: "2025-03-10",
                naming: ["ccg-2025-porto"]
            )
            try store.refuse(
                "MeetingAttended",
                ["meeting=ccg-2025-lisbon", "city=sabadell"],
                at: "2025-03-10",
                naming: ["sabadell"]
            )
            try store.accept("MeetingAttended", ["meeting=ccg-2025-lisbon", "city=leipzig"], at: "2025-03-10")
            try store.refuse(
                "MeetingAttended",
                ["meeting=ccg-2025-lisbon", "city=leipzig"],
                at: "2025-03-11",
                naming: ["leipzig", "ccg-2025-lisbon"]
            )
        }
    }

    @Test("MeetingAttended is refused for a city that has left the CCG")
    func meetingAttendedAfterLeaving() throws {
        try withDomainStore(seededWith: Self.meetingWorld + [E.leftCCG("leipzig", at: "2025-01-01")]) { store throws in
            try store.refuse(
                "MeetingAttended",
                ["meeting=ccg-2025-lisbon", "city=leipzig"],
                at: "2025-03-10",
                naming: ["leipzig"]
            )
        }
    }

    // MARK: - CCG travel

    /// Triangulum ended in 2020; Leipzig (fellow) and Sabadell (fellow of Grow Smarter, not ended) are CCG
    /// members, Eindhoven (lighthouse) is not. Physical meetings in 2025 (three) and 2026, one virtual in 2025.
    static let travelWorld =
        E.triangulum + [
            E.ended("triangulum", at: "2020-01-31"),  // 9
            E.project("grow-smarter", at: "2016-01-01"),  // 10
            E.join("sabadell", "grow-smarter", "fellow", at: "2016-02-01"),  // 11
            E.joinedCCG("leipzig"),  // 12
            E.joinedCCG("sabadell"),  // 13
            E.meeting("ccg-2025-lisbon", on: "2025-03-10"),  // 14
            E.meeting("ccg-2025-utrecht", on: "2025-06-10"),  // 15
            E.meeting("ccg-2025-espoo", on: "2025-09-10"),  // 16
            E.meeting("ccg-2025-online", on: "2025-04-10", format: "virtual"),  // 17
            E.meeting("ccg-2026-milan", on: "2026-03-10"),  // 18
        ]

    func grant(_ city: String, _ meeting: String, _ amount: String) -> [String] {
        ["city=\(city)", "meeting=\(meeting)", "amount_eur=\(amount)"]
    }

    /// `ccg eligibility CITY --meeting M --amount A`: its exit status and whether it says eligible.
    func eligibility(_ store: DomainStore, _ city: String, _ meeting: String, _ amount: String) throws -> (Int32, Bool?)
    {
        let result = try store.run([
            "ccg", "eligibility", city, "--meeting", meeting, "--amount=\(amount)", "--format", "json",
        ])
        let object = try? jsonObject(result.standardOutput)
        return (result.status, object?["eligible"] as? Bool)
    }

    @Test("TravelContributionGranted needs a CCG member")
    func travelMember() throws {
        try withDomainStore(seededWith: Self.travelWorld) { store throws in
            try store.refuse(
                "TravelContributionGranted",
                grant("eindhoven", "ccg-2025-lisbon", "300"),
                at: "2025-03-11",
                naming: ["eindhoven"]
            )
            #expect(try eligibility(store, "eindhoven", "ccg-2025-lisbon", "300") == (1, false))
            #expect(try eligibility(store, "leipzig", "ccg-2025-lisbon", "300") == (0, true))
            try store.accept("TravelContributionGranted", grant("leipzig", "ccg-2025-lisbon", "300"), at: "2025-03-11")
        }
    }

    @Test("TravelContributionGranted needs a city of a project that has ended earlier in the log")
    func travelEndedProject() throws {
        try withDomainStore(seededWith: Self.travelWorld) { store throws in
            try store.refuse(
                "TravelContributionGranted",
                grant("sabadell", "ccg-2025-lisbon", "300"),
                at: "2025-03-11",
                naming: ["sabadell"]
            )
            try store.accept("ProjectEnded", ["project=grow-smarter"], at: "2021-06-30")
            try store.accept("TravelContributionGranted", grant("sabadell", "ccg-2025-lisbon", "300"), at: "2025-03-11")
        }
    }

    @Test("TravelContributionGranted needs a scheduled physical meeting")
    func travelPhysicalMeeting() throws {
        try withDomainStore(seededWith: Self.travelWorld) { store throws in
            try store.refuse(
                "TravelContributionGranted",
                grant("leipzig", "ccg-2025-online", "300"),
                at: "2025-04-11",
                naming: ["ccg-2025-online"]
            )
            try store.refuse(
                "TravelContributionGranted",
                grant("leipzig", "ccg-2025-porto", "300"),
                at: "2025-04-11",
                naming: ["ccg-2025-porto"]
            )
        }
    }

    @Test("TravelContributionGranted allows one contribution per city per meeting")
    func travelOncePerMeeting() throws {
        try withDomainStore(seededWith: Self.travelWorld) { store throws in
            try store.accept("TravelContributionGranted", grant("leipzig", "ccg-2025-lisbon", "200"), at: "2025-03-11")
            try store.refuse(
                "TravelContributionGranted",
                grant("leipzig", "ccg-2025-lisbon", "100"),
                at: "2025-03-12",
                naming: ["leipzig", "ccg-2025-lisbon"]
            )
        }
    }

    @Test(
        "TravelContributionGranted refuses an amount of 0 or above 450 EUR",
        arguments: ["0", "450.01", "-5", "1000"]
    )
    func travelBadAmount(amount: String) throws {
        try withDomainStore(seededWith: Self.travelWorld) { store throws in
            try store.refuse(
                "TravelContributionGranted",
                grant("leipzig", "ccg-2025-lisbon", amount),
                at: "2025-03-11",
                naming: [amount]
            )
            #expect(try eligibility(store, "leipzig", "ccg-2025-lisbon", amount) == (1, false))
        }
    }

    @Test("TravelContributionGranted accepts an amount above 0 up to 450 EUR", arguments: ["0.01", "450", "450.00"])
    func travelGoodAmount(amount: String) throws {
        try withDomainStore(seededWith: Self.travelWorld) { store throws in
            #expect(try eligibility(store, "leipzig", "ccg-2025-lisbon", amount) == (0, true))
            try store.accept("TravelContributionGranted", grant("leipzig", "ccg-2025-lisbon", amount), at: "2025-03-11")
        }
    }

    @Test("a third trip in the calendar year of the meeting date is refused; a meeting in another year is fine")
    func travelThirdTrip() throws {
        try withDomainStore(seededWith: Self.travelWorld) { store throws in
            try store.accept("TravelContributionGranted", grant("leipzig", "ccg-2025-lisbon", "100"), at: "2025-03-11")
            try store.accept("TravelContributionGranted", grant("leipzig", "ccg-2025-utrecht", "100"), at: "2025-06-11")
            // Granted in 2026, but the meeting is in 2025: it is the 2025 trips that count.
            try store.refuse(
                "TravelContributionGranted",
                grant("leipzig", "ccg-2025-espoo", "100"),
                at: "2026-01-15",
                naming: ["leipzig", "2025"]
            )
            #expect(try eligibility(store, "leipzig", "ccg-2025-espoo", "100") == (1, false))
            try store.accept("TravelContributionGranted", grant("leipzig", "ccg-2026-milan", "100"), at: "2025-12-20")
        }
    }

    @Test("more than 900 EUR in the calendar year of the meeting date is refused")
    func travelYearlySum() throws {
        // With at most 450 EUR a trip and 2 trips a year, 900 EUR can only be passed by a third trip, so this
        // rule is checked together with the trip count: both must be reported.
        try withDomainStore(seededWith: Self.travelWorld) { store throws in
            try store.accept("TravelContributionGranted", grant("leipzig", "ccg-2025-lisbon", "450"), at: "2025-03-11")
            try store.accept("TravelContributionGranted", grant("leipzig", "ccg-2025-utrecht", "450"), at: "2025-06-11")
            let line = try store.refuse(
                "TravelContributionGranted",
                grant("leipzig", "ccg-2025-espoo", "0.01"),
                at: "2025-09-11",
                naming: ["leipzig", "900"]
            )
            #expect(line.contains("900.01"), "\(line)")
            let result = try store.run([
                "ccg", "eligibility", "leipzig", "--meeting", "ccg-2025-espoo", "--amount", "0.01", "--format", "json",
            ])
            #expect(result.status == 1)
            let reasons = try #require(try jsonObject(result.standardOutput)["reasons"] as? [String])
            #expect(reasons.contains { $0.contains("900") })
            try store.accept("TravelContributionGranted", grant("leipzig", "ccg-2026-milan", "450"), at: "2026-03-11")
        }
    }

    @Test("TravelContributionGranted is refused for a city that has left the CCG")
    func travelFormerMember() throws {
        try withDomainStore(seededWith: Self.travelWorld + [E.leftCCG("leipzig", at: "2024-06-01")]) { store throws in
            try store.refuse(
                "TravelContributionGranted",
                grant("leipzig", "ccg-2025-lisbon", "300"),
                at: "2025-03-11",
                naming: ["leipzig"]
            )
        }
    }

    @Test("a retracted travel contribution no longer counts towards the yearly trips")
    func travelRetractedTrip() throws {
        let lines =
            Self.travelWorld + [
                E.travel("leipzig", meeting: "ccg-2025-lisbon", amount: "450", at: "2025-03-11"),  // 19
                E.travel("leipzig", meeting: "ccg-2025-utrecht", amount: "450", at: "2025-06-11"),  // 20
            ]
        try withDomainStore(seededWith: lines) { store throws in
            try store.refuse(
                "TravelContributionGranted",
                grant("leipzig", "ccg-2025-espoo", "450"),
                at: "2025-09-11",
                naming: ["leipzig"]
            )
            try store.accept("EventRetracted", ["position=20", "reason=trip cancelled"])
            try store.accept("TravelContributionGranted", grant("leipzig", "ccg-2025-espoo", "450"), at: "2025-09-11")
        }
    }

    // MARK: - Grants

    @Test("GrantAwarded needs a solution that was demonstrated somewhere")
    func grantProvenSolution() throws {
        try withDomainStore(seededWith: E.triangulum + [E.solution("heat-pumps", area: "buildings")]) { store throws in
            try store.refuse(
                "GrantAwarded",
                [
                    "grant=action-leipzig-heat", "programme=action-grant", "city=leipzig", "solution=heat-pumps",
                    "amount_eur=20000",
                ],
                at: "2022-01-01",
                naming: ["heat-pumps"]
            )
            try store.refuse(
                "GrantAwarded",
                ["grant=action-leipzig-bus", "programme=loan", "city=leipzig", "solution=e-bus", "amount_eur=20000"],
                at: "2022-01-01",
                naming: ["loan"]
            )
            for programme in ["action-grant", "scale-grant"] {
                try store.accept(
                    "GrantAwarded",
                    [
                        "grant=\(programme)-sabadell-bus", "programme=\(programme)", "city=sabadell", "solution=e-bus",
                        "amount_eur=20000",
                    ],
                    at: "2022-01-01"
                )
            }
        }
    }

    // MARK: - Retractions

    @Test("EventRetracted refuses a position that does not exist", arguments: ["99", "0"])
    func retractMissing(position: String) throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse("EventRetracted", ["position=\(position)", "reason=typo"], naming: [position])
        }
    }

    @Test("EventRetracted refuses a retraction of a retraction and a second retraction of the same event")
    func retractTwice() throws {
        try withDomainStore(seededWith: E.triangulum + [E.impact("d-eindhoven-e-bus", "smart_meters", "100")]) {
            store throws in
            let retraction = try store.accept("EventRetracted", ["position=9", "reason=wrong count"])
            #expect((retraction["position"] as? Int) == 10)
            try store.refuse("EventRetracted", ["position=10", "reason=undo"], naming: ["10"])
            try store.refuse("EventRetracted", ["position=9", "reason=again"], naming: ["9"])
        }
    }

    @Test("retracting a CityRegistered that a later CityJoinedProject needs is refused, naming the dependent")
    func retractNeeded() throws {
        try withDomainStore(seededWith: E.triangulum + [E.join("sabadell", "triangulum", "fellow", at: "2016-01-01")]) {
            store throws in
            let line = try store.refuse("EventRetracted", ["position=4", "reason=duplicate"], naming: ["4", "9"])
            #expect(line.contains("9"), "the error does not name the dependent's position 9: \(line)")
            // Once the dependent is retracted, the registration can be.
            try store.accept("EventRetracted", ["position=9", "reason=never joined"])
            try store.accept("EventRetracted", ["position=4", "reason=duplicate"])
            let city = try store.run(["city", "sabadell"])
            #expect(city.status == 1)
        }
    }

    @Test("a retraction is accepted while another unretracted event can serve the dependent")
    func retractWithSubstitute() throws {
        let lines =
            E.triangulum + [
                E.demonstration("d-eindhoven-e-bus-2", solution: "e-bus", city: "eindhoven", at: "2016-02-01"),  // 9
                E.replicated("e-bus", city: "leipzig", from: "eindhoven"),  // 10
            ]
        try withDomainStore(seededWith: lines) { store throws in
            try store.accept("EventRetracted", ["position=8", "reason=counted twice"])
            try store.refuse("EventRetracted", ["position=9", "reason=counted twice"], naming: ["10"])
        }
    }

    @Test("retracting an ImpactReported is accepted and kpis no longer counts it")
    func retractImpact() throws {
        let lines =
            E.triangulum + [
                E.impact("d-eindhoven-e-bus", "smart_meters", "100"),  // 9
                E.impact("d-eindhoven-e-bus", "energy_saved_pct", "12.5"),  // 10
                E.impact("d-eindhoven-e-bus", "energy_saved_pct", "30", at: "2017-01-01"),  // 11
            ]
        try withDomainStore(seededWith: lines) { store throws in
            #expect(try store.kpiTotals() == ["smart_meters": 100, "energy_saved_pct": 30])
            try store.accept("EventRetracted", ["position=9", "reason=not measured"])
            #expect(try store.kpiTotals() == ["energy_saved_pct": 30])
            // With the replacing report retracted, the earlier one is the current report again.
            try store.accept("EventRetracted", ["position=11", "reason=wrong demonstration"])
            #expect(try store.kpiTotals() == ["energy_saved_pct": 12.5])
        }
    }

    @Test(
        "retracting what a travel contribution relied on is refused, naming the contribution",
        arguments: [6, 9, 12, 14]
    )
    func retractTravelBasis(position: Int) throws {
        let lines =
            Self.travelWorld + [E.travel("leipzig", meeting: "ccg-2025-lisbon", amount: "300", at: "2025-03-11")]
        try withDomainStore(seededWith: lines) { store throws in
            let line = try store.refuse("EventRetracted", ["position=\(position)", "reason=mistake"], naming: ["19"])
            #expect(line.contains("\(position)"), "\(line)")
            try store.accept("EventRetracted", ["position=19", "reason=paid twice"])
            try store.accept("EventRetracted", ["position=\(position)", "reason=mistake"])
        }
    }

    @Test("retracting the replication that closed a plan opens the plan again")
    func retractReplicationReopensPlan() throws {
        let lines =
            E.triangulum + [
                E.planned("e-bus", city: "leipzig", from: "eindhoven"),  // 9
                E.replicated("e-bus", city: "leipzig", from: "eindhoven"),  // 10
                E.replicated("e-bus", city: "sabadell", from: "leipzig", at: "2019-01-01"),  // 11
            ]
        try withDomainStore(seededWith: lines) { store throws in
            #expect(try store.edges(["--planned"]).map { ($0["status"] as? String) ?? "" } == ["done", "done"])
            try store.refuse("EventRetracted", ["position=10", "reason=never happened"], naming: ["11"])
            try store.accept("EventRetracted", ["position=11", "reason=never happened"])
            try store.accept("EventRetracted", ["position=10", "reason=never happened"])
            let edges = try store.edges(["--planned"])
            #expect(edges.map { ($0["position"] as? Int) ?? 0 } == [9])
            #expect(edges.map { ($0["status"] as? String) ?? "" } == ["planned"])
            #expect(try store.edges().isEmpty)
        }
    }

    // MARK: - Rules inside an import

    @Test("a rule broken inside an import refuses the whole file, naming file:line and the rule")
    func importRefusesWholeFile() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            let before = try exportBytes(store: store.path)
            let file = store.folder + "/joins.jsonl"
            try writeJSONLines(
                [
                    E.city("tartu", country: "EE"),
                    E.join("tartu", "triangulum", "fellow"),
                    E.join("leipzig", "triangulum", "lighthouse"),
                ],
                to: file
            )
            let result = try store.run(["import", file])
            #expect(result.status == 1)
            #expect(result.errorLines.count == 1, "\(result.standardError)")
            let line = String(result.errorLines.first ?? "")
            #expect(line.contains("joins.jsonl:3"), "\(line)")
            #expect(line.contains("CityJoinedProject") && line.contains("leipzig"), "\(line)")
            #expect(try exportBytes(store: store.path) == before)
        }
    }

    // MARK: - Date order

    struct DateOrderCase: Sendable, CustomTestStringConvertible {
        let type: String
        let fields: [String]
        /// The `at` of the event referred to (the day before it is refused).
        let earliest: String
        let dayBefore: String
        var testDescription: String { type }
    }

    static let dateOrderCases = [
        DateOrderCase(
            type: "CityJoinedProject",
            fields: ["city=sabadell", "project=triangulum", "role=fellow"],
            earliest: "2015-01-01",
            dayBefore: "2014-12-31"
        ),
        DateOrderCase(
            type: "ProjectEnded",
            fields: ["project=triangulum"],
            earliest: "2015-01-01",
            dayBefore: "2014-12-31"
        ),
        DateOrderCase(
            type: "ImpactReported",
            fields: ["demonstration=d-eindhoven-e-bus", "kpi=smart_meters", "value=10"],
            earliest: "2016-01-01",
            dayBefore: "2015-12-31"
        ),
        DateOrderCase(
            type: "SolutionReplicated",
            fields: ["solution=e-bus", "city=leipzig", "from=eindhoven"],
            earliest: "2016-01-01",
            dayBefore: "2015-12-31"
        ),
        DateOrderCase(
            type: "DemonstrationReported",
            fields: ["demonstration=d-leipzig-e-bus", "solution=e-bus", "city=leipzig", "project=triangulum"],
            earliest: "2015-02-01",
            dayBefore: "2015-01-31"
        ),
    ]

    @Test("an event dated before an event it refers to is refused; the same day is accepted", arguments: dateOrderCases)
    func dateOrder(_ testCase: DateOrderCase) throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(testCase.type, testCase.fields, at: testCase.dayBefore, naming: [testCase.dayBefore])
            try store.accept(testCase.type, testCase.fields, at: testCase.earliest)
        }
    }

    @Test("CityJoinedProject dated 2010 for a city registered in 2015 is refused")
    func dateOrderJoin() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            try store.refuse(
                "CityJoinedProject",
                ["city=sabadell", "project=triangulum", "role=fellow"],
                at: "2010-01-01",
                naming: ["2010-01-01", "sabadell"]
            )
            try store.refuse(
                "CityJoinedProject",
                ["city=sabadell", "project=triangulum", "role=fellow"],
                at: "2014-12-31T23:59:59Z",
                naming: ["sabadell"]
            )
            try store.accept(
                "CityJoinedProject",
                ["city=sabadell", "project=triangulum", "role=fellow"],
                at: "2015-01-01T09:30:00+01:00"
            )
        }
    }

    @Test("CCG events may not be dated before the membership or meeting they rely on")
    func dateOrderCCG() throws {
        try withDomainStore(seededWith: Self.travelWorld) { store throws in
            try store.refuse(
                "MeetingAttended",
                ["meeting=ccg-2025-lisbon", "city=leipzig"],
                at: "2024-11-30",
                naming: ["ccg-2025-lisbon"]
            )
            try store.refuse(
                "TravelContributionGranted",
                grant("leipzig", "ccg-2025-lisbon", "100"),
                at: "2024-11-30",
                naming: ["ccg-2025-lisbon"]
            )
            try store.refuse("CityLeftCCG", ["city=leipzig"], at: "2020-12-31", naming: ["2020-12-31"])
            try store.accept("MeetingAttended", ["meeting=ccg-2025-lisbon", "city=leipzig"], at: "2024-12-01")
        }
    }
}
