import Projections
import Testing

/// SPEC §4's rules for replication plans and replications, in process.
@Suite struct ReplicationRuleTests {
    typealias W = World

    // MARK: - Replication plans

    @Test("ReplicationPlanned needs a `from` that demonstrated or adopted the solution")
    func planFromSource() throws {
        try withRuleStore(seededWith: W.triangulum) { store in
            try store.refuse(W.replication(.replicationPlanned, to: "leipzig", from: "sabadell"), naming: ["sabadell"])
            try store.accept(W.replication(.replicationPlanned, to: "leipzig", from: "eindhoven", at: "2017-01-01"))
            try store.accept(W.replication(to: "leipzig", from: "eindhoven", at: "2018-01-01"))
            try store.accept(W.replication(.replicationPlanned, to: "sabadell", from: "leipzig", at: "2018-02-01"))
        }
    }

    @Test("ReplicationPlanned refuses a city planning from itself")
    func planFromItself() throws {
        try withRuleStore(seededWith: W.triangulum) { store in
            try store.refuse(
                W.replication(.replicationPlanned, to: "eindhoven", from: "eindhoven"),
                naming: ["eindhoven"]
            )
        }
    }

    @Test(
        "a plan or a replication into a city that already demonstrated or adopted the solution is refused",
        arguments: [EventType.replicationPlanned, .solutionReplicated]
    )
    func targetHasIt(type: EventType) throws {
        try withRuleStore(seededWith: W.triangulum + [W.replication(to: "leipzig", from: "eindhoven")]) { store in
            let adopted = try store.refuse(
                W.replication(type, to: "leipzig", from: "eindhoven", at: "2019-01-01"),
                naming: ["leipzig", "already adopted", "position 9"]
            )
            #expect(!adopted.contains("neither"), "\(adopted)")
            try store.refuse(
                W.replication(type, to: "eindhoven", from: "leipzig", at: "2019-01-01"),
                naming: ["eindhoven", "already demonstrated", "position 8"]
            )
            try store.accept(W.replication(type, to: "sabadell", from: "leipzig", at: "2019-01-01"))
        }
    }

    @Test(
        "a project-origin replication into its only lighthouse city holding the solution says the city already has it",
        arguments: [EventType.replicationPlanned, .solutionReplicated]
    )
    func projectOriginIntoAHolder(type: EventType) throws {
        try withRuleStore(seededWith: W.triangulum) { store in
            let line = try store.refuse(
                Step(type, ["solution=e-bus", "city=eindhoven", "project=triangulum"], at: "2019-01-01"),
                naming: ["eindhoven", "already demonstrated", "e-bus", "position 8"]
            )
            #expect(!line.contains("no lighthouse city"), "\(line)")
            try store.accept(Step(type, ["solution=e-bus", "city=sabadell", "project=triangulum"], at: "2019-01-01"))
        }
    }

    @Test("ReplicationPlanned refuses a second open plan from the same city, and accepts one from another city")
    func planOpenTwice() throws {
        let steps =
            W.triangulum + [
                W.replication(to: "sabadell", from: "eindhoven"),  // 9
                W.replication(.replicationPlanned, to: "leipzig", from: "eindhoven", at: "2018-03-01"),  // 10
            ]
        try withRuleStore(seededWith: steps) { store in
            try store.refuse(
                W.replication(.replicationPlanned, to: "leipzig", from: "eindhoven", at: "2018-04-01"),
                naming: ["leipzig", "eindhoven", "position 10"]
            )
            try store.accept(W.replication(.replicationPlanned, to: "leipzig", from: "sabadell", at: "2018-04-01"))
        }
    }

    // MARK: - Replications

    @Test("SolutionReplicated needs a `from` that demonstrated or adopted, and a city other than `from`")
    func replicationSource() throws {
        try withRuleStore(seededWith: W.triangulum) { store in
            try store.refuse(W.replication(to: "leipzig", from: "sabadell"), naming: ["sabadell"])
            try store.refuse(W.replication(to: "eindhoven", from: "eindhoven"), naming: ["eindhoven"])
            try store.accept(
                .solutionReplicated,
                ["solution=e-bus", "city=leipzig", "from=eindhoven", "funding=scale-grant"],
                at: "2018-01-01"
            )
        }
    }

    @Test(
        "SolutionReplicated accepts each funding and refuses any other",
        arguments: ["action-grant", "scale-grant", "project", "own", "other"]
    )
    func replicationFunding(funding: String) throws {
        try withRuleStore(seededWith: W.triangulum) { store in
            let fields = ["solution=e-bus", "city=leipzig", "from=eindhoven"]
            try store.refuse(
                Step(.solutionReplicated, fields + ["funding=\(funding)-loan"], at: "2018-01-01"),
                naming: ["\(funding)-loan"],
                as: .input
            )
            let stored = try store.accept(Step(.solutionReplicated, fields + ["funding=\(funding)"], at: "2018-01-01"))
            #expect(stored.event.payload.fields.first { $0.name == "funding" }?.text == funding)
        }
    }

    @Test("an adoption makes the city a valid `from` for a later replication")
    func adoptionMakesSource() throws {
        try withRuleStore(seededWith: W.triangulum) { store in
            try store.refuse(W.replication(to: "sabadell", from: "leipzig", at: "2019-01-01"), naming: ["leipzig"])
            try store.accept(W.replication(to: "leipzig", from: "eindhoven", at: "2018-01-01"))
            try store.accept(W.replication(to: "sabadell", from: "leipzig", at: "2019-01-01"))
            let edges = try store.edges().map { "\($0.from?.rawValue ?? "")>\($0.to.rawValue)" }
            #expect(edges == ["eindhoven>leipzig", "leipzig>sabadell"])
        }
    }

    @Test("SolutionReplicated closes every open plan of that city for the solution, and only those")
    func replicationClosesPlans() throws {
        let steps =
            W.triangulum + [
                Step(.cityRegistered, ["city=tartu", "name=Tartu", "country=EE"], at: "2015-01-01"),  // 9
                Step(
                    .demonstrationReported,
                    ["demonstration=d-sabadell-e-bus", "solution=e-bus", "city=sabadell"],
                    at: "2016-01-01"
                ),  // 10
                W.replication(.replicationPlanned, to: "leipzig", from: "eindhoven", at: "2017-01-01"),  // 11
                W.replication(.replicationPlanned, to: "leipzig", from: "sabadell", at: "2017-01-01"),  // 12
                W.replication(.replicationPlanned, to: "tartu", from: "eindhoven", at: "2017-01-01"),  // 13
            ]
        try withRuleStore(seededWith: steps) { store in
            let before = try store.edges(planned: true)
            #expect(before.map(\.position.rawValue) == [11, 12, 13])
            #expect(before.allSatisfy { $0.status == .planned })

            try store.accept(W.replication(to: "leipzig", from: "eindhoven", at: "2018-01-01"))
            let after = try store.edges(planned: true)
            #expect(after.map(\.position.rawValue) == [13, 14])
            #expect(after.map(\.status) == [.planned, .done])

            let plans = try store.base.solutionProfile(slug("e-bus")).plans
            let byPosition = Dictionary(uniqueKeysWithValues: plans.map { ($0.position.rawValue, $0) })
            #expect(byPosition[11]?.status == .fulfilled, "\(plans)")
            #expect(byPosition[11]?.closedBy?.rawValue == 14)
            #expect(byPosition[12]?.status == .closed, "\(plans)")
            #expect(byPosition[13]?.status == .open, "\(plans)")
        }
    }
}
