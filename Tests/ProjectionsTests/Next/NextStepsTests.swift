import EventStore
import Foundation
import Projections
import Testing

/// `next` (SPEC §9.1) through the Projections API: each reason appears at the cut where its event enters and goes
/// with a retraction; the order; whom to ask first.
@Suite struct NextStepsTests {
    /// Triangulum (Eindhoven lighthouse, Leipzig and Sabadell fellows; Sabadell in ES), Madrid (ES, no project),
    /// Leipzig a CCG member; e-bus demonstrated in Eindhoven at 8.
    static let world: [Step] =
        World.triangulum + [
            World.join("sabadell", "triangulum", "fellow", at: "2015-03-01"),  // 9
            Step(.cityRegistered, ["city=madrid", "name=Madrid", "country=ES"], at: "2015-01-01"),  // 10
            Step(.solutionCatalogued, ["solution=bike", "name=Bike sharing", "area=mobility-logistics"], at: "2015-01-01"),  // 11
            Step(.demonstrationReported, ["demonstration=d-madrid-bike", "solution=bike", "city=madrid"], at: "2016-01-01"),  // 12
            World.joinedCCG("leipzig", at: "2016-06-01"),  // 13
        ]

    static func reasons(_ next: NextSteps, _ solution: String) -> [String] {
        next.candidates.first { $0.solution.rawValue == solution }?.reasons.map(\.reason.rawValue) ?? ["absent"]
    }

    @Test("each reason appears at the cut where its event enters, and a retraction takes it away")
    func reasonsAtCuts() throws {
        try withRuleStore(seededWith: Self.world) { store throws in
            let sabadell = try slug("sabadell")
            // Now: e-bus from the project's lighthouse city; bike from a city of Spain.
            var next = try store.base.nextSteps(for: sabadell)
            #expect(Self.reasons(next, "e-bus") == ["own-project"])
            #expect(Self.reasons(next, "bike") == ["same-country"])
            let ownProject = try #require(next.candidates.first { $0.solution.rawValue == "e-bus" }?.reasons.first)
            #expect(ownProject.cities.map(\.rawValue) == ["eindhoven"] && ownProject.positions.map(\.rawValue) == [8])
            #expect(ownProject.projects.map(\.rawValue) == ["triangulum"])

            let plan = try store.accept(Step(.replicationPlanned, ["solution=e-bus", "city=sabadell", "from=eindhoven"], at: "2017-01-01"))
            let replication = try store.accept(World.replication(to: "leipzig", from: "eindhoven", at: "2018-01-01"))
            next = try store.base.nextSteps(for: sabadell)
            #expect(Self.reasons(next, "e-bus") == ["own-project", "open-plan", "adopted-elsewhere"])
            #expect(next.candidates.first?.solution.rawValue == "e-bus" && next.candidates.first?.rank == 1)
            let candidate = try #require(next.candidates.first)
            #expect(candidate.openPlan == plan.position)
            #expect(candidate.reasons[2].positions == [replication.position])
            // Ask: no holder in Spain; the adopter Leipzig (a CCG member), then the project's lighthouse city.
            #expect(candidate.ask.map(\.rawValue) == ["leipzig", "eindhoven"])

            // Before the plan's position the open-plan reason is not there; before the replication's, nor is the
            // adoption; as of a date before the replication, the same.
            let beforePlan = ViewCut(until: .position(Position(plan.position.rawValue - 1)))
            #expect(Self.reasons(try store.base.nextSteps(for: sabadell, at: beforePlan), "e-bus") == ["own-project"])
            let beforeReplication = ViewCut(until: .position(Position(replication.position.rawValue - 1)))
            #expect(
                Self.reasons(try store.base.nextSteps(for: sabadell, at: beforeReplication), "e-bus")
                    == ["own-project", "open-plan"]
            )
            let asOf = ViewCut(asOf: ValidTimeCut(through: try #require(ValidTime(parsing: "2017-06-30"))))
            #expect(Self.reasons(try store.base.nextSteps(for: sabadell, at: asOf), "e-bus") == ["own-project", "open-plan"])
            // Before Madrid's demonstration, bike is no candidate at all.
            #expect(Self.reasons(try store.base.nextSteps(for: sabadell, at: ViewCut(until: .position(Position(11)))), "bike") == ["absent"])

            // Retracting the replication takes adopted-elsewhere away.
            try store.accept(Step(.eventRetracted, ["position=\(replication.position)", "reason=not done"]))
            #expect(Self.reasons(try store.base.nextSteps(for: sabadell), "e-bus") == ["own-project", "open-plan"])
            // A solution the city holds is no candidate.
            try store.accept(World.replication(to: "sabadell", from: "eindhoven", at: "2019-01-01"))
            #expect(Self.reasons(try store.base.nextSteps(for: sabadell), "e-bus") == ["absent"])
        }
    }

    @Test("an unknown city, or one registered after the cut, is NotFound")
    func unknownCity() throws {
        try withRuleStore(seededWith: Self.world) { store throws in
            #expect(throws: NotFound.self) { try store.base.nextSteps(for: try slug("atlantis")) }
            #expect(throws: NotFound.self) {
                try store.base.nextSteps(for: try slug("madrid"), at: ViewCut(until: .position(Position(9))))
            }
        }
    }
}
