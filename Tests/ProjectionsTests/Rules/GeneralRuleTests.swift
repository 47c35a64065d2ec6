import Foundation
import Projections
import Testing

/// SPEC §4's general rules, in process: no event dated before an event it refers to, and a rule broken inside an
/// import refuses the whole file.
@Suite struct GeneralRuleTests {
    typealias W = World

    /// An event of each type with a reference, and the `at` of what it refers to (the day before is refused).
    struct DateOrderCase: Sendable, CustomTestStringConvertible {
        let step: Step
        let earliest: String
        let dayBefore: String
        var testDescription: String { step.type.rawValue }
    }

    static let dateOrderCases = [
        DateOrderCase(
            step: W.join("sabadell", "triangulum", "fellow"),
            earliest: "2015-01-01",
            dayBefore: "2014-12-31"
        ),
        DateOrderCase(
            step: Step(.projectEnded, ["project=triangulum"]),
            earliest: "2015-01-01",
            dayBefore: "2014-12-31"
        ),
        DateOrderCase(step: W.impact("smart_meters", "10"), earliest: "2016-01-01", dayBefore: "2015-12-31"),
        DateOrderCase(
            step: W.replication(to: "leipzig", from: "eindhoven"),
            earliest: "2016-01-01",
            dayBefore: "2015-12-31"
        ),
        DateOrderCase(
            step: Step(
                .demonstrationReported,
                ["demonstration=d-leipzig-e-bus", "solution=e-bus", "city=leipzig", "project=triangulum"]
            ),
            earliest: "2015-02-01",
            dayBefore: "2015-01-31"
        ),
    ]

    @Test("an event dated before an event it refers to is refused; the same day is accepted", arguments: dateOrderCases)
    func dateOrder(_ testCase: DateOrderCase) throws {
        let step = testCase.step
        try withRuleStore(seededWith: W.triangulum) { store in
            try store.refuse(Step(step.type, step.fields, at: testCase.dayBefore), naming: [testCase.dayBefore])
            try store.accept(Step(step.type, step.fields, at: testCase.earliest))
        }
    }

    @Test("CityJoinedProject dated 2010 for a city registered in 2015 is refused; a date-time is compared in UTC")
    func dateOrderJoin() throws {
        try withRuleStore(seededWith: W.triangulum) { store in
            try store.refuse(
                W.join("sabadell", "triangulum", "fellow", at: "2010-01-01"),
                naming: ["2010-01-01", "sabadell"]
            )
            try store.refuse(
                W.join("sabadell", "triangulum", "fellow", at: "2014-12-31T23:59:59Z"),
                naming: ["sabadell"]
            )
            try store.accept(W.join("sabadell", "triangulum", "fellow", at: "2015-01-01T09:30:00+01:00"))
        }
    }

    @Test("CCG events may not be dated before the membership or meeting they rely on")
    func dateOrderCCG() throws {
        try withRuleStore(seededWith: W.ccg) { store in
            try store.refuse(
                Step(.meetingAttended, ["meeting=ccg-2025-lisbon", "city=leipzig"], at: "2024-11-30"),
                naming: ["ccg-2025-lisbon"]
            )
            try store.refuse(
                W.travel("leipzig", "ccg-2025-lisbon", "100", at: "2024-11-30"),
                naming: ["ccg-2025-lisbon"]
            )
            try store.refuse(W.leftCCG("leipzig", at: "2020-12-31"), naming: ["2020-12-31"])
            try store.accept(Step(.meetingAttended, ["meeting=ccg-2025-lisbon", "city=leipzig"], at: "2024-12-01"))
        }
    }

    @Test("a rule broken inside an import refuses the whole file, naming file:line and the rule")
    func importRefusesWholeFile() throws {
        try withRuleStore(seededWith: W.triangulum) { store in
            let before = try store.snapshot()
            let file = store.folder + "/joins.jsonl"
            let lines = [
                #"{"type":"CityRegistered","at":"2015-01-01","data":{"city":"tartu","name":"Tartu","country":"EE"}}"#,
                #"{"type":"CityJoinedProject","at":"2015-02-01","data":{"city":"tartu","project":"triangulum","role":"fellow"}}"#,
                #"{"type":"CityJoinedProject","at":"2015-02-01","data":{"city":"leipzig","project":"triangulum","role":"lighthouse"}}"#,
            ]
            try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: file))
            let violation = #expect(throws: RuleViolation.self) {
                try store.base.importFile(at: file, named: "joins.jsonl")
            }
            #expect(violation?.type == .cityJoinedProject)
            #expect(violation?.location == "joins.jsonl:3")
            #expect(violation?.message.contains("leipzig") == true, "\(String(describing: violation))")
            #expect(try store.snapshot() == before)
        }
    }
}
