import EventStore
import Projections
import Testing

/// The answers behind the pages of a demonstration, an obstacle and a replication or plan: what each says, where it
/// stands at a cut and after a retraction, and the events it rests on.
@Suite struct FactDetailTests {
    typealias W = World

    /// Triangulum's world, then: 9 a plan of Leipzig from Eindhoven, 10 a plan of Leipzig from Triangulum's
    /// lighthouse cities, 11 Leipzig's replication from Eindhoven (fulfilling 9, closing 10), 12 Sabadell's plan
    /// from Leipzig (still open).
    static let plans =
        W.triangulum + [
            W.replication(.replicationPlanned, to: "leipzig", from: "eindhoven", at: "2017-01-01"),
            Step(.replicationPlanned, ["solution=e-bus", "city=leipzig", "project=triangulum"], at: "2017-02-01"),
            Step(
                .solutionReplicated,
                ["solution=e-bus", "city=leipzig", "from=eindhoven", "funding=action-grant"],
                at: "2018-01-01"
            ),
            W.replication(.replicationPlanned, to: "sabadell", from: "leipzig", at: "2019-01-01"),
        ]

    @Test("a replication lists the plans it closed, each plan the replication that fulfilled or closed it")
    func replicationsAndPlans() throws {
        try withRuleStore(seededWith: Self.plans) { store in
            let replication = try store.base.replication(at: Position(11))
            #expect(replication.kind == .replication)
            #expect(replication.status == .done)
            #expect(replication.solutionName == "Electric bus" && replication.cityName == "Leipzig")
            #expect(replication.fromName == "Eindhoven" && replication.funding == .actionGrant)
            #expect(replication.closes.map(\.position.rawValue) == [9, 10])
            #expect(replication.closes.map(\.status) == [.fulfilled, .closed])
            #expect(replication.events.map(\.position.rawValue) == [9, 10, 11])

            let fulfilled = try store.base.replication(at: Position(9))
            #expect(fulfilled.kind == .plan && fulfilled.status == .fulfilled && fulfilled.closedBy == Position(11))
            #expect(fulfilled.events.map(\.position.rawValue) == [9, 11])
            let closed = try store.base.replication(at: Position(10))
            #expect(closed.status == .closed && closed.from == nil && closed.project?.rawValue == "triangulum")
            #expect(try store.base.replication(at: Position(12)).status == .open)

            // Before the replication, in transaction time and in valid time, the plans are open.
            let before = try store.base.replication(at: Position(9), at: ViewCut(until: .position(Position(10))))
            #expect(before.status == .open && before.closedBy == nil)
            let earlier = ViewCut(asOf: ValidTimeCut(through: try #require(ValidTime(parsing: "2017-12-31"))))
            #expect(try store.base.replication(at: Position(9), at: earlier).status == .open)
            #expect(throws: NotFound.self) { try store.base.replication(at: Position(11), at: earlier) }
        }
    }

    @Test("a retracted replication says so and reopens its plans; the retraction is among its events")
    func retractedReplication() throws {
        try withRuleStore(seededWith: Self.plans) { store in
            // Sabadell's plan from Leipzig rests on Leipzig's replication: it goes first.
            try store.accept(Step(.eventRetracted, ["position=12", "reason=never planned"]))
            try store.accept(Step(.eventRetracted, ["position=11", "reason=never happened"]))
            let replication = try store.base.replication(at: Position(11))
            #expect(replication.status == .retracted && replication.retractedBy == Position(14))
            #expect(replication.closes.isEmpty)
            #expect(replication.events.map(\.position.rawValue) == [11, 14])
            #expect(replication.events.first?.retractedBy == Position(14))
            #expect(try store.base.replication(at: Position(9)).status == .open)
            let atCut = try store.base.replication(at: Position(11), at: ViewCut(until: .position(Position(13))))
            #expect(atCut.status == .done && atCut.retractedBy == nil)
        }
    }

    @Test("a position outside the log or holding another event is not a replication", arguments: [0, 1, 99])
    func notAReplication(position: UInt64) throws {
        try withRuleStore(seededWith: Self.plans) { store in
            let error = #expect(throws: NotFound.self) { try store.base.replication(at: Position(position)) }
            #expect(error?.description.contains("'\(position)'") == true, "\(String(describing: error))")
        }
    }

    @Test("a demonstration carries its names, its impact reports (a later one replacing an earlier) and its events")
    func demonstration() throws {
        let steps =
            W.triangulum + [
                W.impact(of: "d-eindhoven-e-bus", "e_vehicles", "12"),
                W.impact(of: "d-eindhoven-e-bus", "energy_saved_pct", "20"),
                W.impact(of: "d-eindhoven-e-bus", "e_vehicles", "15", at: "2017-01-01"),
            ]
        try withRuleStore(seededWith: steps) { store in
            let detail = try store.base.demonstration(#require(Slug(rawValue: "d-eindhoven-e-bus")))
            #expect(detail.name == "Electric bus in Eindhoven")
            #expect(detail.projectName == "Triangulum" && detail.position == Position(8))
            let reports = detail.impacts.map { "\($0.kpi.rawValue)=\($0.value.canonicalText):\($0.isCurrent)" }
            #expect(reports == ["e_vehicles=12:false", "e_vehicles=15:true", "energy_saved_pct=20:true"])
            #expect(detail.events.map(\.position.rawValue) == [8, 9, 10, 11])
            let cut = ViewCut(until: .position(Position(9)))
            #expect(
                try store.base.demonstration(#require(Slug(rawValue: "d-eindhoven-e-bus")), at: cut).impacts.count == 1
            )
            #expect(throws: NotFound.self) { try store.base.demonstration(#require(Slug(rawValue: "nowhere"))) }
        }
    }

    @Test("an obstacle carries the names of what it names, how it was overcome, and its events")
    func obstacle() throws {
        let steps =
            W.triangulum + [
                W.obstacle(
                    "obs-tender",
                    text: "The tender rules did not fit.",
                    ["solution": "e-bus", "city": "leipzig"]
                ),
                W.overcome("obs-tender", how: "A joint procurement.", at: "2018-01-01"),
            ]
        try withRuleStore(seededWith: steps) { store in
            let id = try #require(Slug(rawValue: "obs-tender"))
            let detail = try store.base.obstacle(id)
            #expect(detail.entry.solutionName == "Electric bus" && detail.entry.cityName == "Leipzig")
            #expect(detail.entry.overcome?.how == "A joint procurement.")
            #expect(detail.events.map(\.type) == [.obstacleReported, .obstacleOvercome])
            let open = try store.base.obstacle(id, at: ViewCut(until: .position(Position(9))))
            #expect(open.entry.overcome == nil && open.events.count == 1)
        }
    }
}
