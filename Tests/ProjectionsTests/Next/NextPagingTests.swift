import EventStore
import Foundation
import Projections
import Testing

/// `next` pages and caps (README, "What next for a city"): every candidate is ranked, a page details some of them,
/// and each candidate lists at most so many holders, keeping the cities to ask and citing only listed holders.
@Suite struct NextPagingTests {
    /// Sabadell (ES) in Triangulum with the lighthouse Eindhoven; six Spanish cities demonstrate `bike`, three of them
    /// also `tram`; Leipzig (a CCG member) adopts the e-bus from Eindhoven; Madrid plans nothing.
    static let world: [Step] = {
        var steps =
            World.triangulum + [
                World.join("sabadell", "triangulum", "fellow", at: "2015-03-01"),
                Step(
                    .solutionCatalogued,
                    ["solution=bike", "name=Bike sharing", "area=mobility-logistics"],
                    at: "2015-01-01"
                ),
                Step(.solutionCatalogued, ["solution=tram", "name=Tram", "area=mobility-logistics"], at: "2015-01-01"),
                World.joinedCCG("leipzig", at: "2016-06-01"),
                World.replication(to: "leipzig", from: "eindhoven", at: "2018-01-01"),
            ]
        for index in 1...6 {
            steps.append(
                Step(.cityRegistered, ["city=es-\(index)", "name=Ciudad \(index)", "country=ES"], at: "2015-01-01")
            )
            steps.append(
                Step(
                    .demonstrationReported,
                    ["demonstration=d-bike-\(index)", "solution=bike", "city=es-\(index)"],
                    at: "2016-01-0\(index)"
                )
            )
            if index <= 3 {
                steps.append(
                    Step(
                        .demonstrationReported,
                        ["demonstration=d-tram-\(index)", "solution=tram", "city=es-\(index)"],
                        at: "2016-02-0\(index)"
                    )
                )
            }
        }
        return steps
    }()

    @Test("pages of one candidate each, put together, are the whole answer, with its total")
    func pagesMakeTheWhole() throws {
        try withRuleStore(seededWith: Self.world) { store throws in
            let sabadell = try slug("sabadell")
            let whole = try store.base.nextSteps(for: sabadell, page: .everything)
            #expect(whole.total == 3 && whole.candidates.map(\.solution.rawValue) == ["e-bus", "bike", "tram"])
            var pieces: [NextSteps.Candidate] = []
            for offset in 0..<(whole.total + 1) {
                let page = try store.base.nextSteps(
                    for: sabadell,
                    page: NextPage(offset: offset, limit: 1, holders: nil)
                )
                #expect(page.total == whole.total)
                pieces += page.candidates
            }
            #expect(pieces == whole.candidates)
            // The default page holds them all here, as on the real record.
            #expect(try store.base.nextSteps(for: sabadell) == whole)
            let none = try store.base.nextSteps(for: sabadell, page: NextPage(limit: 0))
            #expect(none.candidates.isEmpty && none.total == 3)
        }
    }

    @Test("capped holders keep the cities to ask first; every reason cites only listed holders, with totals")
    func cappedHolders() throws {
        try withRuleStore(seededWith: Self.world) { store throws in
            let sabadell = try slug("sabadell")
            let whole = try #require(
                try store.base.nextSteps(for: sabadell, page: .everything).candidates.first {
                    $0.solution.rawValue == "bike"
                }
            )
            #expect(whole.holders.count == 6 && whole.holdersTotal == 6)
            let capped = try #require(
                try store.base.nextSteps(for: sabadell, page: NextPage(holders: 4)).candidates.first {
                    $0.solution.rawValue == "bike"
                }
            )
            #expect(capped.holders.count == 4 && capped.holdersTotal == 6)
            #expect(capped.ask == whole.ask && Set(capped.ask).isSubset(of: Set(capped.holders.map(\.city))))
            #expect(capped.holders.map(\.position) == capped.holders.map(\.position).sorted())
            let reason = try #require(capped.reasons.first { $0.reason == .sameCountry })
            #expect(reason.citiesTotal == 6 && reason.positionsTotal == 6)
            #expect(reason.cities.count == 4 && Set(reason.cities).isSubset(of: Set(capped.holders.map(\.city))))
            #expect(
                reason.positions == capped.holders.filter { reason.cities.contains($0.city) }.map(\.position).sorted()
            )
            // A cap below 3 is raised to 3, so that whom to ask is always listed.
            #expect(NextPage(holders: 1).holders == 3)
        }
    }

    @Test("adoptions and reach, kept as events arrive, are spread's, now, at a cut, and after a retraction")
    func countsAgreeWithSpread() throws {
        try withRuleStore(seededWith: Self.world) { store throws in
            let sabadell = try slug("sabadell")
            func check(_ cut: ViewCut, sourceLocation: SourceLocation = #_sourceLocation) throws {
                let spread = try store.base.spread(at: cut)
                for candidate in try store.base.nextSteps(for: sabadell, at: cut, page: .everything).candidates {
                    let solution = try #require(spread.solutions.first { $0.solution == candidate.solution })
                    #expect(candidate.reach == solution.reach, sourceLocation: sourceLocation)
                    #expect(candidate.adoptions == solution.adoptedBy.count, sourceLocation: sourceLocation)
                }
            }
            try check(ViewCut())
            let replication = try store.accept(World.replication(to: "es-1", from: "eindhoven", at: "2019-01-01"))
            // es-1 demonstrated a bike and now adopts the e-bus: one more adopter and one more holder of the e-bus.
            let ebus = try #require(try store.base.nextSteps(for: sabadell).candidates.first)
            #expect(ebus.solution.rawValue == "e-bus" && ebus.adoptions == 2 && ebus.reach == 3)
            #expect(ebus.reasons.map(\.reason) == [.ownProject, .adoptedElsewhere, .sameCountry])
            try check(ViewCut())
            try check(ViewCut(until: .position(Position(replication.position.rawValue - 1))))
            try store.accept(Step(.eventRetracted, ["position=\(replication.position)", "reason=not done"]))
            try check(ViewCut())
            let after = try #require(try store.base.nextSteps(for: sabadell).candidates.first)
            #expect(after.adoptions == 1 && after.reach == 2)
        }
    }
}
