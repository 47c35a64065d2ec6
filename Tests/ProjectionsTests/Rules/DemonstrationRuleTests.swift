import Projections
import Testing

/// SPEC §4's rules for solutions, demonstrations, their impacts and grants, in process.
@Suite struct DemonstrationRuleTests {
    static let areas = ["mobility-logistics", "buildings", "urban-data-ict", "citizen-engagement", "urban-governance"]

    @Test("SolutionCatalogued accepts each of the five areas", arguments: areas)
    func solutionArea(area: String) throws {
        try withRuleStore(seededWith: World.triangulum) { store in
            let stored = try store.accept(
                .solutionCatalogued,
                ["solution=heat-pumps", "name=Heat pumps", "area=\(area)"]
            )
            #expect(stored.event.payload.fields.first { $0.name == "area" }?.text == area)
        }
    }

    @Test("SolutionCatalogued refuses an area that is not one of the five", arguments: ["transport", "Buildings", ""])
    func solutionBadArea(area: String) throws {
        try withRuleStore(seededWith: World.triangulum) { store in
            try store.refuse(
                .solutionCatalogued,
                ["solution=heat-pumps", "name=Heat pumps", "area=\(area)"],
                naming: area.isEmpty ? ["area"] : [area],
                as: .input
            )
        }
    }

    @Test("DemonstrationReported with a project needs the city in that project; without one it is accepted")
    func demonstrationProject() throws {
        try withRuleStore(seededWith: World.triangulum) { store in
            try store.refuse(
                .demonstrationReported,
                ["demonstration=d-sabadell-e-bus", "solution=e-bus", "city=sabadell", "project=triangulum"],
                at: "2016-03-01",
                naming: ["sabadell"]
            )
            try store.accept(
                .demonstrationReported,
                ["demonstration=d-sabadell-e-bus", "solution=e-bus", "city=sabadell"],
                at: "2016-03-01"
            )
            try store.accept(
                .demonstrationReported,
                ["demonstration=d-leipzig-e-bus", "solution=e-bus", "city=leipzig", "project=triangulum"],
                at: "2016-03-01"
            )
        }
    }

    @Test("DemonstrationReported needs a catalogued solution and a registered city")
    func demonstrationEntities() throws {
        try withRuleStore(seededWith: World.triangulum) { store in
            try store.refuse(
                .demonstrationReported,
                ["demonstration=d-x", "solution=heat-pumps", "city=leipzig"],
                at: "2016-03-01",
                naming: ["heat-pumps"]
            )
            try store.refuse(
                .demonstrationReported,
                ["demonstration=d-x", "solution=e-bus", "city=tartu"],
                at: "2016-03-01",
                naming: ["tartu"]
            )
            try store.accept(
                .demonstrationReported,
                ["demonstration=d-x", "solution=e-bus", "city=leipzig"],
                at: "2016-03-01"
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
        try withRuleStore(seededWith: World.triangulum) { store in
            try store.accept(World.impact(kpi, "0", at: "2016-06-01"))
            try store.accept(World.impact(kpi, "100", at: "2016-06-02"))
            try store.refuse(World.impact(kpi, "-1", at: "2016-06-03"), naming: ["-1"])
        }
    }

    @Test("ImpactReported refuses a percentage above 100", arguments: percentageKPIs)
    func impactPercentageAbove100(kpi: String) throws {
        try withRuleStore(seededWith: World.triangulum) { store in
            try store.refuse(World.impact(kpi, "100.01"), naming: ["100.01"])
        }
    }

    @Test("ImpactReported accepts a count above 100", arguments: countKPIs)
    func impactCountAbove100(kpi: String) throws {
        try withRuleStore(seededWith: World.triangulum) { store in
            try store.accept(World.impact(kpi, "2500"))
            #expect(try store.totals()[kpi] == 2500)
        }
    }

    @Test("ImpactReported needs a known demonstration and a KPI from the list")
    func impactUnknowns() throws {
        try withRuleStore(seededWith: World.triangulum) { store in
            try store.refuse(
                .impactReported,
                ["demonstration=d-leipzig-e-bus", "kpi=smart_meters", "value=10"],
                at: "2016-06-01",
                naming: ["d-leipzig-e-bus"]
            )
            try store.refuse(World.impact("happiness", "10"), naming: ["happiness"], as: .input)
            try store.accept(World.impact("smart_meters", "10"))
        }
    }

    @Test("a later ImpactReported of the same KPI for the same demonstration replaces the earlier in the totals")
    func impactReplaces() throws {
        let steps = World.triangulum + [World.impact("energy_saved_pct", "40"), World.impact("smart_meters", "100")]
        try withRuleStore(seededWith: steps) { store in
            #expect(try store.totals() == ["energy_saved_pct": 40, "smart_meters": 100])
            try store.accept(World.impact("energy_saved_pct", "20", at: "2017-01-01"))
            try store.accept(World.impact("smart_meters", "60", at: "2017-01-01"))
            #expect(try store.totals() == ["energy_saved_pct": 20, "smart_meters": 60])
        }
    }

    // MARK: - Grants

    @Test("GrantAwarded needs a solution that was demonstrated somewhere and a programme from the list")
    func grantProvenSolution() throws {
        let heatPumps = Step(.solutionCatalogued, ["solution=heat-pumps", "name=Heat pumps", "area=buildings"])
        try withRuleStore(seededWith: World.triangulum + [heatPumps]) { store in
            try store.refuse(
                .grantAwarded,
                [
                    "grant=action-leipzig-heat", "programme=action-grant", "city=leipzig", "solution=heat-pumps",
                    "amount_eur=20000",
                ],
                at: "2022-01-01",
                naming: ["heat-pumps"]
            )
            try store.refuse(
                .grantAwarded,
                ["grant=action-leipzig-bus", "programme=loan", "city=leipzig", "solution=e-bus", "amount_eur=20000"],
                at: "2022-01-01",
                naming: ["loan"],
                as: .input
            )
            for programme in ["action-grant", "scale-grant"] {
                try store.accept(
                    .grantAwarded,
                    [
                        "grant=\(programme)-sabadell-bus", "programme=\(programme)", "city=sabadell", "solution=e-bus",
                        "amount_eur=20000",
                    ],
                    at: "2022-01-01"
                )
            }
        }
    }
}
