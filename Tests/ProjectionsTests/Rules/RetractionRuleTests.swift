import Projections
import Testing

/// SPEC §4's rules for EventRetracted, and what a retraction takes out of the views, in process.
@Suite struct RetractionRuleTests {
    typealias W = World

    static func retraction(_ position: Int, _ reason: String = "mistake") -> Step {
        Step(.eventRetracted, ["position=\(position)", "reason=\(reason)"])
    }

    @Test("EventRetracted refuses a position that does not exist (0 is not a position at all)", arguments: [99, 0])
    func retractMissing(position: Int) throws {
        try withRuleStore(seededWith: W.triangulum) { store in
            try store.refuse(
                Self.retraction(position, "typo"),
                naming: ["\(position)"],
                as: position == 0 ? .input : .rule
            )
            try store.accept(Self.retraction(8, "typo"))
        }
    }

    @Test("EventRetracted refuses a retraction of a retraction and a second retraction of the same event")
    func retractTwice() throws {
        try withRuleStore(seededWith: W.triangulum + [W.impact("smart_meters", "100")]) { store in
            let retraction = try store.accept(Self.retraction(9, "wrong count"))
            #expect(retraction.position.rawValue == 10)
            try store.refuse(Self.retraction(10, "undo"), naming: ["10"])
            try store.refuse(Self.retraction(9, "again"), naming: ["9"])
        }
    }

    @Test("retracting a CityRegistered that a later CityJoinedProject needs is refused, naming the dependent")
    func retractNeeded() throws {
        try withRuleStore(seededWith: W.triangulum + [W.join("sabadell", "triangulum", "fellow", at: "2016-01-01")]) {
            store in
            try store.refuse(Self.retraction(4, "duplicate"), naming: ["4", "9"])
            // Once the dependent is retracted, the registration can be.
            try store.accept(Self.retraction(9, "never joined"))
            try store.accept(Self.retraction(4, "duplicate"))
            let sabadell = try slug("sabadell")
            #expect(throws: NotFound.self) { try store.base.cityProfile(sabadell) }
        }
    }

    @Test("a retraction is accepted while another unretracted event can serve the dependent")
    func retractWithSubstitute() throws {
        let steps =
            W.triangulum + [
                Step(
                    .demonstrationReported,
                    ["demonstration=d-eindhoven-e-bus-2", "solution=e-bus", "city=eindhoven"],
                    at: "2016-02-01"
                ),  // 9
                W.replication(to: "leipzig", from: "eindhoven"),  // 10
            ]
        try withRuleStore(seededWith: steps) { store in
            try store.accept(Self.retraction(8, "counted twice"))
            try store.refuse(Self.retraction(9, "counted twice"), naming: ["9", "10"])
        }
    }

    @Test("retracting an ImpactReported is accepted and the totals no longer count it")
    func retractImpact() throws {
        let steps =
            W.triangulum + [
                W.impact("smart_meters", "100"),  // 9
                W.impact("energy_saved_pct", "12.5"),  // 10
                W.impact("energy_saved_pct", "30", at: "2017-01-01"),  // 11
            ]
        try withRuleStore(seededWith: steps) { store in
            #expect(try store.totals() == ["smart_meters": 100, "energy_saved_pct": 30])
            try store.accept(Self.retraction(9, "not measured"))
            #expect(try store.totals() == ["energy_saved_pct": 30])
            // With the replacing report retracted, the earlier one is the current report again.
            try store.accept(Self.retraction(11, "wrong demonstration"))
            #expect(try store.totals() == ["energy_saved_pct": 12.5])
        }
    }

    @Test(
        "retracting what a travel contribution relied on is refused, naming the contribution",
        arguments: [6, 9, 12, 14]
    )
    func retractTravelBasis(position: Int) throws {
        try withRuleStore(seededWith: W.ccg + [W.travel("leipzig", "ccg-2025-lisbon", "300", at: "2025-03-11")]) {
            store in
            try store.refuse(Self.retraction(position), naming: ["\(position)", "19"])
            try store.accept(Self.retraction(19, "paid twice"))
            try store.accept(Self.retraction(position))
        }
    }

    @Test("a retracted travel contribution no longer counts towards the yearly trips")
    func travelRetractedTrip() throws {
        let steps =
            W.ccg + [
                W.travel("leipzig", "ccg-2025-lisbon", "450", at: "2025-03-11"),  // 19
                W.travel("leipzig", "ccg-2025-utrecht", "450", at: "2025-06-11"),  // 20
            ]
        try withRuleStore(seededWith: steps) { store in
            try store.refuse(W.travel("leipzig", "ccg-2025-espoo", "450", at: "2025-09-11"), naming: ["leipzig"])
            try store.accept(Self.retraction(20, "trip cancelled"))
            try store.accept(W.travel("leipzig", "ccg-2025-espoo", "450", at: "2025-09-11"))
        }
    }

    @Test("retracting the replication that closed a plan opens the plan again")
    func retractReplicationReopensPlan() throws {
        let steps =
            W.triangulum + [
                W.replication(.replicationPlanned, to: "leipzig", from: "eindhoven", at: "2017-01-01"),  // 9
                W.replication(to: "leipzig", from: "eindhoven"),  // 10
                W.replication(to: "sabadell", from: "leipzig", at: "2019-01-01"),  // 11
            ]
        try withRuleStore(seededWith: steps) { store in
            #expect(try store.edges(planned: true).map(\.status) == [.done, .done])
            try store.refuse(Self.retraction(10, "never happened"), naming: ["10", "11"])
            try store.accept(Self.retraction(11, "never happened"))
            try store.accept(Self.retraction(10, "never happened"))
            let edges = try store.edges(planned: true)
            #expect(edges.map(\.position.rawValue) == [9])
            #expect(edges.map(\.status) == [.planned])
            #expect(try store.edges().isEmpty)
        }
    }
}
