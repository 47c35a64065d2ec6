import Projections
import Testing

/// SPEC §4's rules for registering entities, projects and joining them, in process: each accepted once and refused
/// once. A refusal names the event type and the offending value and leaves the log unchanged (`RuleStore.refuse`).
@Suite struct RegistrationRuleTests {
    static let newIDCases = [
        Step(.projectRegistered, ["project=sharing-cities", "name=Sharing Cities"]),
        Step(.cityRegistered, ["city=tartu", "name=Tartu", "country=EE"]),
        Step(.solutionCatalogued, ["solution=smart-lamppost", "name=Smart lamppost", "area=urban-data-ict"]),
        Step(
            .demonstrationReported,
            ["demonstration=d-leipzig-e-bus", "solution=e-bus", "city=leipzig", "project=triangulum"]
        ),
        Step(
            .meetingScheduled,
            ["meeting=ccg-2025-lisbon", "kind=networking", "format=physical", "on=2025-03-10", "place=Lisbon"]
        ),
        Step(
            .grantAwarded,
            [
                "grant=scale-leipzig-e-bus", "programme=scale-grant", "city=leipzig", "solution=e-bus",
                "amount_eur=50000",
            ]
        ),
    ]

    @Test("an entity's id must be new: the first registration is accepted, the second refused", arguments: newIDCases)
    func newID(_ step: Step) throws {
        let id = try #require(step.fields.first?.split(separator: "=").last).description
        try withRuleStore(seededWith: World.triangulum) { store in
            try store.accept(Step(step.type, step.fields, at: "2024-12-01"))
            try store.refuse(Step(step.type, step.fields, at: "2024-12-02"), naming: [id])
        }
    }

    @Test("an id already used by the fixture is refused for every registering type")
    func fixtureIDsAreTaken() throws {
        try withRuleStore(seededWith: World.triangulum) { store in
            try store.refuse(.projectRegistered, ["project=triangulum", "name=Triangulum 2"], naming: ["triangulum"])
            try store.refuse(.cityRegistered, ["city=leipzig", "name=Leipzig", "country=DE"], naming: ["leipzig"])
            try store.refuse(
                .solutionCatalogued,
                ["solution=e-bus", "name=E-bus", "area=mobility-logistics"],
                naming: ["e-bus"]
            )
            try store.refuse(
                .demonstrationReported,
                ["demonstration=d-eindhoven-e-bus", "solution=e-bus", "city=eindhoven"],
                naming: ["d-eindhoven-e-bus"]
            )
        }
    }

    @Test("CityRegistered needs an ISO 3166-1 alpha-2 country", arguments: ["DEU", "de", "Germany", "D"])
    func cityCountry(country: String) throws {
        try withRuleStore(seededWith: World.triangulum) { store in
            try store.refuse(
                .cityRegistered,
                ["city=tartu", "name=Tartu", "country=\(country)"],
                naming: [country],
                as: .input
            )
            try store.accept(.cityRegistered, ["city=tartu", "name=Tartu", "country=EE"])
        }
    }

    // MARK: - Projects

    @Test("ProjectEnded needs a registered project that has not ended")
    func projectEnded() throws {
        try withRuleStore(seededWith: World.triangulum) { store in
            try store.refuse(.projectEnded, ["project=sharing-cities"], at: "2020-01-31", naming: ["sharing-cities"])
            try store.accept(.projectEnded, ["project=triangulum"], at: "2020-01-31")
            try store.refuse(.projectEnded, ["project=triangulum"], at: "2020-02-01", naming: ["triangulum"])
        }
    }

    @Test("CityJoinedProject needs both registered, a city not yet in the project, and a project not ended")
    func cityJoinedProject() throws {
        try withRuleStore(seededWith: World.triangulum) { store in
            try store.refuse(World.join("tartu", "triangulum", "fellow", at: "2016-01-01"), naming: ["tartu"])
            try store.refuse(
                World.join("sabadell", "sharing-cities", "fellow", at: "2016-01-01"),
                naming: ["sharing-cities"]
            )
            try store.refuse(
                World.join("sabadell", "triangulum", "follower", at: "2016-01-01"),
                naming: ["follower"],
                as: .input
            )
            try store.accept(World.join("sabadell", "triangulum", "fellow", at: "2016-01-01"))
            try store.refuse(World.join("sabadell", "triangulum", "fellow", at: "2016-01-02"), naming: ["sabadell"])
            try store.refuse(World.join("leipzig", "triangulum", "lighthouse", at: "2016-01-02"), naming: ["leipzig"])
        }
    }

    @Test("CityJoinedProject is refused once the project has ended")
    func joinEndedProject() throws {
        try withRuleStore(seededWith: World.triangulum + [World.ended("triangulum", at: "2020-01-31")]) { store in
            try store.refuse(World.join("sabadell", "triangulum", "fellow", at: "2021-01-01"), naming: ["triangulum"])
        }
    }
}
