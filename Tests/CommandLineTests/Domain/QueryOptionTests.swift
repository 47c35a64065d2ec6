import Foundation
import Projections
import Testing

/// What only a process shows of the options of the read commands: each reaches its query, so `--format json` prints
/// the bytes the query answers in process. The answers themselves are tested in Tests/ProjectionsTests/Queries.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct QueryOptionTests {
    typealias E = DomainEvent

    /// A world in which every option below changes the answer: a replication from a lighthouse to a fellow, one from
    /// a city in no project, an open plan, impacts in and out of a project (one retracted), an obstacle overcome and
    /// one open, and travel in two years.
    static let world =
        E.triangulum + [
            E.solution("heat-pumps", name: "Heat pumps", area: "buildings"),  // 9
            E.demonstration("d-sabadell-heat", solution: "heat-pumps", city: "sabadell"),  // 10
            E.replicated("e-bus", city: "leipzig", from: "eindhoven"),  // 11
            E.replicated("heat-pumps", city: "leipzig", from: "sabadell", at: "2019-01-01"),  // 12
            E.planned("heat-pumps", city: "eindhoven", from: "sabadell"),  // 13
            E.impact("d-eindhoven-e-bus", "smart_meters", "100"),  // 14
            E.impact("d-sabadell-heat", "smart_meters", "50", at: "2018-06-01"),  // 15
            E.impact("d-sabadell-heat", "energy_saved_pct", "20", at: "2018-06-01"),  // 16
            eventLine("EventRetracted", ["position": 16, "reason": "counted twice"], at: "2018-07-01"),  // 17
            eventLine(
                "ObstacleReported",
                [
                    "obstacle": "o-a", "category": "procurement", "text": "The tender rules did not fit.",
                    "solution": "e-bus", "city": "leipzig", "project": "triangulum",
                ],
                at: "2017-01-01"
            ),  // 18
            eventLine(
                "ObstacleReported",
                ["obstacle": "o-b", "category": "financial", "text": "No budget.", "city": "sabadell"],
                at: "2017-01-01"
            ),  // 19
            eventLine("ObstacleOvercome", ["obstacle": "o-a", "how": "A joint tender."], at: "2019-01-01"),  // 20
            E.ended("triangulum", at: "2020-01-31"),  // 21
            E.joinedCCG("leipzig"),  // 22
            E.meeting("ccg-2025-lisbon", on: "2025-03-10"),  // 23
            E.meeting("ccg-2025-utrecht", on: "2025-06-10"),  // 24
            E.meeting("ccg-2026-milan", on: "2026-03-10"),  // 25
            E.attended("ccg-2025-utrecht", city: "leipzig", at: "2025-06-10"),  // 26
            E.travel("leipzig", meeting: "ccg-2025-utrecht", amount: "300", at: "2025-06-11"),  // 27
            E.travel("leipzig", meeting: "ccg-2026-milan", amount: "200", at: "2026-03-11"),  // 28
        ]

    /// A command, its options, and what the query it names answers in process.
    typealias Case = (command: [String], options: [String], answer: any JSONView)

    /// The cases, each answered by `base`; those without options are what the options are compared with. The cuts of
    /// graph, spread, kpis and ccg members are checked in TimeTravelTests, and log and stats in FoundationTests.
    static func cases(_ base: KnowledgeBase) throws -> [Case] {
        func id(_ text: String) throws -> Slug { try #require(Slug(rawValue: text)) }
        func until(_ text: String) throws -> ViewCut {
            let cut: TransactionCut = try #require(TransactionCut(parsing: text))
            return ViewCut(until: cut)
        }
        func asOf(_ text: String) throws -> ViewCut {
            ViewCut(asOf: ValidTimeCut(through: try #require(ValidTime(parsing: text))))
        }
        let graph = ["graph"]
        let spread = ["spread"]
        let kpis = ["kpis"]
        let travel = ["ccg", "travel"]
        let obstacles = ["obstacles"]
        return [
            (graph, [], try base.graph(GraphFilter())),
            (graph, ["--planned"], try base.graph(GraphFilter(includesPlanned: true))),
            (
                graph, ["--from-tier", "lighthouse", "--to-tier", "fellow"],
                try base.graph(GraphFilter(fromTier: .lighthouse, toTier: .fellow))
            ),
            (graph, ["--solution", "heat-pumps"], try base.graph(GraphFilter(solution: id("heat-pumps")))),
            (spread, [], try base.spread()),
            (spread, ["--area", "buildings"], try base.spread(area: .buildings)),
            (kpis, [], try base.impactTotals()),
            (kpis, ["--project", "triangulum"], try base.impactTotals(project: id("triangulum"))),
            (kpis, ["--city", "sabadell"], try base.impactTotals(city: id("sabadell"))),
            (
                kpis, ["--city", "sabadell", "--project", "triangulum"],
                try base.impactTotals(project: id("triangulum"), city: id("sabadell"))
            ),
            (["city", "leipzig"], [], try base.cityProfile(id("leipzig"))),
            (["project", "triangulum"], [], try base.projectProfile(id("triangulum"))),
            (["solution", "e-bus"], [], try base.solutionProfile(id("e-bus"))),
            (["ccg", "meetings"], [], try base.ccgMeetings()),
            (travel, [], try base.ccgTravel()),
            (travel, ["--year", "2025"], try base.ccgTravel(year: 2025)),
            (
                ["ccg", "eligibility", "leipzig", "--meeting", "ccg-2025-lisbon", "--amount", "150"], [],
                try base.eligibility(city: "leipzig", meeting: "ccg-2025-lisbon", amount: JSONNumber(literal: "150"))
            ),
            (obstacles, [], try base.obstacles()),
            (obstacles, ["--open"], try base.obstacles(ObstacleFilter(openOnly: true))),
            (obstacles, ["--category", "financial"], try base.obstacles(ObstacleFilter(category: .financial))),
            (obstacles, ["--solution", "e-bus"], try base.obstacles(ObstacleFilter(solution: id("e-bus")))),
            (obstacles, ["--city", "sabadell"], try base.obstacles(ObstacleFilter(city: id("sabadell")))),
            (obstacles, ["--project", "triangulum"], try base.obstacles(ObstacleFilter(project: id("triangulum")))),
            (obstacles, ["--as-of", "2018-06-30"], try base.obstacles(at: asOf("2018-06-30"))),
            (obstacles, ["--until", "19"], try base.obstacles(at: until("19"))),
            (["history", "d-sabadell-heat"], [], EventListing(try base.history(of: id("d-sabadell-heat")))),
        ]
    }

    @Test("each option of the read commands reaches its query: --format json prints the bytes the query answers")
    func optionsReachTheirQueries() throws {
        try withDomainStore(seededWith: Self.world) { store throws in
            let cases = try Self.cases(try KnowledgeBase(path: store.path, creating: false, readingOnly: true))
            func text(_ view: any JSONView) -> String { String(decoding: view.jsonLine, as: UTF8.self) }
            let plain = Dictionary(
                cases.filter(\.options.isEmpty).map { ($0.command, text($0.answer)) },
                uniquingKeysWith: { first, _ in first }
            )
            for (command, options, answer) in cases {
                let line = (command + options).joined(separator: " ")
                let result = try store.run(command + options + ["--format", "json"])
                #expect(result.status == 0, "sckb \(line): \(result.standardError)")
                #expect(result.standardOutput == text(answer), "sckb \(line)")
                if !options.isEmpty {
                    #expect(text(answer) != plain[command], "\(options) change nothing in this world")
                }
            }
        }
    }
}
