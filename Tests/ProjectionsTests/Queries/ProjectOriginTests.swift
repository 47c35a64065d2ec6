import Projections
import Testing

/// Plans and replications whose origin is a project's lighthouse cities: the rules, and how the views show them.
@Suite struct ProjectOriginTests {
    typealias W = World

    /// A plan or a replication of the e-bus into `city` from the lighthouse cities of `project`.
    static func fromProject(
        _ type: EventType,
        to city: String,
        _ project: String = "triangulum",
        solution: String = "e-bus",
        at: String? = nil
    ) -> Step {
        Step(type, ["solution=\(solution)", "city=\(city)", "project=\(project)"], at: at)
    }

    @Test("a plan and a replication may take a project's lighthouse cities as their origin")
    func projectOriginAccepted() throws {
        try withRuleStore(seededWith: W.twoLighthouses) { store throws in
            let plan = try store.accept(Self.fromProject(.replicationPlanned, to: "leipzig", at: "2017-01-01"))
            let data = try #require(try printedObject(plan)["data"])
            #expect(data["from"] == nil, "a project origin stores no from: \(data)")
            #expect(data["project"]?.stringValue == "triangulum")
            let graph = try store.base.graph(GraphFilter(includesPlanned: true))
            #expect(graph.edges.count == 1)
            let printedEdge = try #require(try printedObject(graph)["edges"]?.arrayValue?.first)
            #expect(printedEdge["from"] == .null)
            #expect(graph.edges.first?.project?.rawValue == "triangulum")
            #expect(graph.edges.first?.status == .planned)
        }
    }

    @Test(
        "an origin is required: from, or project, or both",
        arguments: [EventType.replicationPlanned, .solutionReplicated]
    )
    func originRequired(type: EventType) throws {
        try withRuleStore(seededWith: W.twoLighthouses) { store throws in
            try store.refuse(Step(type, ["solution=e-bus", "city=leipzig"]), naming: ["from", "project"], as: .input)
        }
    }

    @Test("a project origin needs a registered project with a lighthouse city that has the solution in time")
    func projectOriginRefused() throws {
        try withRuleStore(seededWith: W.twoLighthouses + [W.project("sharing-cities"), W.solution("lamp")]) {
            store throws in
            try store.refuse(
                Self.fromProject(.solutionReplicated, to: "leipzig", "grow-smarter", at: "2017-01-01"),
                naming: ["grow-smarter"]
            )
            try store.refuse(
                Self.fromProject(.solutionReplicated, to: "leipzig", "sharing-cities", at: "2017-01-01"),
                naming: ["sharing-cities"]
            )
            try store.refuse(
                Self.fromProject(.solutionReplicated, to: "leipzig", solution: "lamp", at: "2017-01-01"),
                naming: ["triangulum", "lamp"]
            )
            // Eindhoven demonstrated it on 2016-01-01: a replication dated before is refused.
            try store.refuse(
                Self.fromProject(.solutionReplicated, to: "leipzig", at: "2015-06-01"),
                naming: ["2015-06-01", "triangulum"]
            )
            try store.accept(Self.fromProject(.solutionReplicated, to: "leipzig", at: "2017-01-01"))
            // Leipzig has it now.
            try store.refuse(
                Self.fromProject(.replicationPlanned, to: "leipzig", at: "2018-01-01"),
                naming: ["leipzig", "e-bus"]
            )
        }
    }

    @Test("one open plan per origin: a project and one of its lighthouse cities are two origins")
    func planPerOrigin() throws {
        try withRuleStore(seededWith: W.twoLighthouses) { store throws in
            try store.accept(Self.fromProject(.replicationPlanned, to: "sabadell"))
            try store.refuse(
                Self.fromProject(.replicationPlanned, to: "sabadell"),
                naming: ["sabadell", "triangulum", "position 11"]
            )
            try store.accept(.replicationPlanned, ["solution=e-bus", "city=sabadell", "from=eindhoven"])
            try store.refuse(
                Step(.replicationPlanned, ["solution=e-bus", "city=sabadell", "from=eindhoven", "project=triangulum"]),
                naming: ["eindhoven", "position 12"]
            )
        }
    }

    @Test("a replication fulfils the plan of the same origin and closes the others")
    func fulfilmentByOrigin() throws {
        try withRuleStore(seededWith: W.twoLighthouses) { store throws in
            try store.accept(Self.fromProject(.replicationPlanned, to: "sabadell"))  // 11
            try store.accept(.replicationPlanned, ["solution=e-bus", "city=sabadell", "from=eindhoven"])  // 12
            try store.accept(Self.fromProject(.solutionReplicated, to: "sabadell"))  // 13
            let plans = try store.base.solutionProfile(slug("e-bus")).plans
            let status = Dictionary(uniqueKeysWithValues: plans.map { ($0.position.rawValue, $0.status?.rawValue) })
            #expect(status == [11: "fulfilled", 12: "closed"])
            #expect(plans.allSatisfy { $0.closedBy?.rawValue == 13 })
            #expect(plans.first { $0.position.rawValue == 11 }?.project?.rawValue == "triangulum")
            #expect(try store.edges(planned: true).map(\.status) == [.done])
        }
    }

    @Test("the graph, the spread and the filter by tier treat a project origin as tier lighthouse")
    func projectOriginTier() throws {
        try withRuleStore(seededWith: W.twoLighthouses) { store throws in
            try store.accept(Self.fromProject(.solutionReplicated, to: "leipzig"))
            #expect(try store.edges(GraphFilter(fromTier: .lighthouse)).count == 1)
            #expect(try store.edges(GraphFilter(fromTier: .fellow)).isEmpty)
            #expect(try store.edges(GraphFilter(toTier: .fellow)).count == 1)
            let graph = try store.base.graph(GraphFilter())
            #expect(graph.nodes.map(\.id.rawValue) == ["leipzig"], "nodes are cities only")
            #expect(graph.projectOrigins.first?.project.rawValue == "triangulum")
            #expect(graph.projectOrigins.first?.lighthouseCities.map(\.rawValue) == ["eindhoven", "manchester"])
            let spread = try store.base.spread().solutions
            #expect(spread.first?.lighthouseToFellow == 1)
            #expect(spread.first?.reach == 2)
            let city = try store.base.cityProfile(slug("leipzig"))
            let incoming = try #require(try printedObject(city)["replications_in"]?.arrayValue?.first)
            #expect(incoming["from"] == .null)
            #expect(city.replicationsIn.first?.project?.rawValue == "triangulum")
        }
    }

    @Test("a project-origin replication depends on a lighthouse city's join and holding, unless another serves")
    func projectOriginRetraction() throws {
        let more = [
            W.demonstration("d-manchester-e-bus", solution: "e-bus", city: "manchester", project: "triangulum"),  // 11
            Self.fromProject(.solutionReplicated, to: "leipzig", at: "2018-01-01"),  // 12
        ]
        try withRuleStore(seededWith: W.twoLighthouses + more) { store throws in
            // Manchester can serve instead of Eindhoven.
            try store.accept(W.retraction(of: 9, reason: "duplicate"))  // 13
            try store.refuse(W.retraction(of: 11, reason: "wrong"), naming: ["11", "12"])
            try store.refuse(W.retraction(of: 7, reason: "wrong"), naming: ["7", "12"])
            try store.accept(W.retraction(of: 12, reason: "not done"))
            try store.accept(W.retraction(of: 11, reason: "wrong"))
            let report = try store.base.verify()
            #expect(report.isOK, "\(report.problems)")
        }
    }
}
