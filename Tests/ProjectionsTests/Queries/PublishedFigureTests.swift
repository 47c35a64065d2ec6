import Projections
import Testing

/// Published figures beside the reported totals, and totals too large for a double, in process.
@Suite struct PublishedFigureTests {
    typealias W = World

    @Test("ImpactPublished: community, project, city and city-in-project figures; each rule refused")
    func publishedRules() throws {
        try withRuleStore(seededWith: W.twoLighthouses) { store throws in
            try store.accept(.impactPublished, ["kpi=smart_meters", "value=17500"], at: "2024-01-01")
            try store.accept(.impactPublished, ["kpi=smart_meters", "value=300", "project=triangulum"])
            try store.accept(.impactPublished, ["kpi=smart_meters", "value=40", "city=leipzig"])
            try store.accept(
                .impactPublished,
                ["kpi=co2_reduced_pct", "value=12.5", "city=leipzig", "project=triangulum"]
            )
            try store.refuse(.impactPublished, ["kpi=co2_reduced_pct", "value=100.5"], naming: ["100.5"])
            try store.refuse(.impactPublished, ["kpi=smart_meters", "value=-1"], naming: ["-1"])
            try store.refuse(.impactPublished, ["kpi=trees", "value=1"], naming: ["kpi"], as: .input)
            try store.refuse(
                .impactPublished,
                ["kpi=smart_meters", "value=1", "project=ruggedised"],
                naming: ["ruggedised"]
            )
            try store.refuse(
                .impactPublished,
                ["kpi=smart_meters", "value=1", "city=sabadell", "project=triangulum"],
                naming: ["sabadell", "triangulum"]
            )
            try store.refuse(
                .impactPublished,
                ["kpi=smart_meters", "value=1", "project=triangulum"],
                at: "2014-01-01",
                naming: ["2014-01-01"]
            )
            #expect(try store.published() == ["smart_meters": 17500])
            #expect(try store.published(project: "triangulum") == ["smart_meters": 300])
            #expect(try store.published(city: "leipzig") == ["smart_meters": 40])
            #expect(try store.published(project: "triangulum", city: "leipzig") == ["co2_reduced_pct": 12.5])
            #expect(try store.published(city: "eindhoven").isEmpty)
        }
    }

    @Test("a later published figure replaces the earlier; retracting it brings the earlier back")
    func publishedReplacement() throws {
        try withRuleStore(seededWith: W.twoLighthouses) { store throws in
            try store.accept(.impactPublished, ["kpi=e_vehicles", "value=190"])  // 11
            try store.accept(.impactPublished, ["kpi=e_vehicles", "value=5270"])  // 12
            #expect(try store.published() == ["e_vehicles": 5270])
            try store.accept(W.retraction(of: 12, reason: "a target, not a result"))
            #expect(try store.published() == ["e_vehicles": 190])
            let report = try store.base.verify()
            #expect(report.isOK, "\(report.problems)")
        }
    }

    @Test("a summed total past 2^53 is accepted and printed exactly")
    func exactTotals() throws {
        var steps = W.twoLighthouses
        for index in 1...3 {
            steps.append(W.demonstration("d-\(index)", solution: "e-bus", city: "eindhoven", project: "triangulum"))
            steps.append(W.impact(of: "d-\(index)", "citizens_engaged", "9007199254740991"))
        }
        steps.append(W.impact(of: "d-eindhoven-e-bus", "citizens_engaged", "0.25"))
        try withRuleStore(seededWith: steps) { store throws in
            func printed(project: String? = nil) throws -> String {
                String(decoding: try store.impactTotals(project: project, city: nil).jsonLine, as: UTF8.self)
            }
            // 3 × (2^53 − 1) + 0.25, every digit.
            let before = try printed()
            #expect(before.contains(#""citizens_engaged":27021597764222973.25"#), "\(before)")
            #expect(try printed(project: "triangulum").contains("27021597764222973.25"))
            try store.accept(W.retraction(of: 12, reason: "double count"))
            let after = try printed()
            #expect(after.contains(#""citizens_engaged":18014398509481982.25"#), "\(after)")
            let report = try store.base.verify()
            #expect(report.isOK, "\(report.problems)")
        }
    }
}
