import EventStore
import Foundation
import Projections
import Testing

/// One event as `sckb append` takes it: the type, the data as `field=value` texts, and when it happened.
struct Step: Sendable, CustomTestStringConvertible {
    let type: EventType
    let fields: [String]
    let at: String?

    init(_ type: EventType, _ fields: [String], at: String? = nil) {
        self.type = type
        self.fields = fields
        self.at = at
    }

    var testDescription: String { type.rawValue }

    /// The event, read as `sckb append` reads its arguments: the same field reader, payload and time checks.
    func event() throws -> Event {
        let pairs = fields.map { field -> (name: String, value: String) in
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        var reader = try FieldReader(type: type, text: pairs)
        let payload = try Payload(type: type, reading: &reader)
        return Event(payload: payload, at: try at.map(Event.checkedTime))
    }
}

/// How a refused event is refused: by a rule of the catalogue, or as input the catalogue does not allow.
enum Refusal {
    /// A ``RuleViolation`` of the event's type.
    case rule
    /// An ``InputError`` naming the event's type: a value outside a closed list, a malformed field.
    case input
}

/// What a refusal must leave as it was: the head and every exported line.
struct LogSnapshot: Equatable {
    let head: LogHead?
    let lines: [[UInt8]]
}

/// One test's knowledge base, in a temporary folder that `withRuleStore` deletes afterwards.
struct RuleStore {
    let base: KnowledgeBase
    let folder: String

    /// Appends the event and requires that it was appended; returns the stored event.
    @discardableResult
    func accept(_ step: Step, sourceLocation: SourceLocation = #_sourceLocation) throws -> StoredEvent {
        let outcome: KnowledgeBase.Outcome
        do {
            outcome = try base.append(step.event())
        } catch {
            Issue.record("\(step.type.rawValue) \(step.fields) was refused: \(error)", sourceLocation: sourceLocation)
            throw error
        }
        guard case .appended(let stored) = outcome else {
            Issue.record("\(step.type.rawValue) \(step.fields) was skipped", sourceLocation: sourceLocation)
            throw HarnessFailure(description: "skipped instead of appended")
        }
        #expect(stored.event.type == step.type, sourceLocation: sourceLocation)
        return stored
    }

    @discardableResult
    func accept(
        _ type: EventType,
        _ fields: [String],
        at: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> StoredEvent {
        try accept(Step(type, fields, at: at), sourceLocation: sourceLocation)
    }

    /// Expects the event to be refused as `kind` says, with a description naming its type and each of `naming`,
    /// and the log, its head and its hashes unchanged. Returns the description.
    @discardableResult
    func refuse(
        _ step: Step,
        naming: [String],
        as kind: Refusal = .rule,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let before = try snapshot()
        let error: any Error
        do {
            let outcome = try base.append(step.event())
            Issue.record(
                "\(step.type.rawValue) \(step.fields) was not refused: \(outcome)",
                sourceLocation: sourceLocation
            )
            return ""
        } catch let thrown {
            error = thrown
        }
        let description = String(describing: error)
        switch kind {
        case .rule:
            let violation = error as? RuleViolation
            #expect(
                violation?.type == step.type,
                "not a \(step.type.rawValue) rule: \(description)",
                sourceLocation: sourceLocation
            )
        case .input:
            #expect(error is InputError, "not an input error: \(description)", sourceLocation: sourceLocation)
        }
        #expect(
            description.contains(step.type.rawValue),
            "the error does not name \(step.type.rawValue): \(description)",
            sourceLocation: sourceLocation
        )
        for value in naming {
            #expect(
                description.contains(value),
                "the error does not name \(value): \(description)",
                sourceLocation: sourceLocation
            )
        }
        #expect(
            try snapshot() == before,
            "a refused \(step.type.rawValue) changed the log",
            sourceLocation: sourceLocation
        )
        return description
    }

    @discardableResult
    func refuse(
        _ type: EventType,
        _ fields: [String],
        at: String? = nil,
        naming: [String],
        as kind: Refusal = .rule,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        try refuse(Step(type, fields, at: at), naming: naming, as: kind, sourceLocation: sourceLocation)
    }

    /// The head and the exported lines of the log.
    func snapshot() throws -> LogSnapshot {
        var lines: [[UInt8]] = []
        try base.export { lines.append($0) }
        return LogSnapshot(head: try base.head(), lines: lines)
    }

    /// The impact totals by KPI name, as numbers: of everything, or of one project, one city, or both.
    func totals(project: String? = nil, city: String? = nil, at cut: ViewCut = ViewCut()) throws -> [String: Double] {
        figures(try impactTotals(project: project, city: city, at: cut).totals)
    }

    /// The published figures by KPI name, as numbers: of everything, or of one project, one city, or both.
    func published(
        project: String? = nil,
        city: String? = nil,
        at cut: ViewCut = ViewCut()
    ) throws -> [String: Double] {
        figures(try impactTotals(project: project, city: city, at: cut).published)
    }

    /// `impactTotals` with the project and the city given as text.
    func impactTotals(project: String?, city: String?, at cut: ViewCut = ViewCut()) throws -> ImpactTotals {
        try base.impactTotals(project: project.map { try slug($0) }, city: city.map { try slug($0) }, at: cut)
    }

    private func figures(_ byKPI: [KPI: JSONNumber]) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: byKPI.map { ($0.key.rawValue, $0.value.doubleValue) })
    }

    /// The edges of the replication graph, planned ones too when `planned`.
    func edges(planned: Bool = false) throws -> [GraphEdge] {
        try edges(GraphFilter(includesPlanned: planned))
    }

    /// The edges of the replication graph that `filter` keeps, at `cut`.
    func edges(_ filter: GraphFilter, at cut: ViewCut = ViewCut()) throws -> [GraphEdge] {
        try base.graph(filter, at: cut).edges
    }

    /// Whether `city` may receive `amount` EUR for `meeting`.
    func isEligible(_ city: String, _ meeting: String, _ amount: String) throws -> Bool {
        try base.eligibility(city: city, meeting: meeting, amount: JSONNumber(literal: amount)).isEligible
    }
}

/// A failure of the test harness itself, not of the code under test.
struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs `body` with a fresh knowledge base that has accepted `steps`, one append each.
@discardableResult
func withRuleStore<T>(
    seededWith steps: [Step] = [],
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (RuleStore) throws -> T
) throws -> T {
    try withScratchFolder { folder in
        let store = RuleStore(base: try KnowledgeBase(path: folder + "/store", creating: true), folder: folder)
        for step in steps { try store.accept(step, sourceLocation: sourceLocation) }
        return try body(store)
    }
}

/// The worlds the rule tests start from.
enum World {
    /// Triangulum with its lighthouse Eindhoven and fellow Leipzig, Sabadell registered in no project, and the
    /// e-bus demonstrated in Eindhoven (`d-eindhoven-e-bus`, position 8).
    static let triangulum = [
        Step(.projectRegistered, ["project=triangulum", "name=Triangulum"], at: "2015-01-01"),  // 1
        Step(.cityRegistered, ["city=eindhoven", "name=Eindhoven", "country=NL"], at: "2015-01-01"),  // 2
        Step(.cityRegistered, ["city=leipzig", "name=Leipzig", "country=DE"], at: "2015-01-01"),  // 3
        Step(.cityRegistered, ["city=sabadell", "name=Sabadell", "country=ES"], at: "2015-01-01"),  // 4
        join("eindhoven", "triangulum", "lighthouse"),  // 5
        join("leipzig", "triangulum", "fellow"),  // 6
        Step(
            .solutionCatalogued,
            ["solution=e-bus", "name=Electric bus", "area=mobility-logistics"],
            at: "2015-01-01"
        ),  // 7
        Step(
            .demonstrationReported,
            ["demonstration=d-eindhoven-e-bus", "solution=e-bus", "city=eindhoven", "project=triangulum"],
            at: "2016-01-01"
        ),  // 8
    ]

    /// Triangulum ended in 2020; Leipzig (fellow) and Sabadell (fellow of Grow Smarter, not ended) are CCG
    /// members, Eindhoven (lighthouse) is not. Physical meetings in 2025 (three) and 2026, one virtual in 2025.
    static let ccg =
        triangulum + [
            ended("triangulum", at: "2020-01-31"),  // 9
            Step(.projectRegistered, ["project=grow-smarter", "name=Grow Smarter"], at: "2016-01-01"),  // 10
            join("sabadell", "grow-smarter", "fellow", at: "2016-02-01"),  // 11
            joinedCCG("leipzig"),  // 12
            joinedCCG("sabadell"),  // 13
            meeting("ccg-2025-lisbon", on: "2025-03-10"),  // 14
            meeting("ccg-2025-utrecht", on: "2025-06-10"),  // 15
            meeting("ccg-2025-espoo", on: "2025-09-10"),  // 16
            meeting("ccg-2025-online", on: "2025-04-10", format: "virtual"),  // 17
            meeting("ccg-2026-milan", on: "2026-03-10"),  // 18
        ]

    static func join(_ city: String, _ project: String, _ role: String, at: String = "2015-02-01") -> Step {
        Step(.cityJoinedProject, ["city=\(city)", "project=\(project)", "role=\(role)"], at: at)
    }

    static func ended(_ project: String, at: String) -> Step {
        Step(.projectEnded, ["project=\(project)"], at: at)
    }

    static func impact(_ kpi: String, _ value: String, at: String = "2016-06-01") -> Step {
        Step(.impactReported, ["demonstration=d-eindhoven-e-bus", "kpi=\(kpi)", "value=\(value)"], at: at)
    }

    /// A replication (with `from`) or a plan of the e-bus.
    static func replication(
        _ type: EventType = .solutionReplicated,
        to city: String,
        from: String,
        at: String = "2018-01-01"
    ) -> Step {
        Step(type, ["solution=e-bus", "city=\(city)", "from=\(from)"], at: at)
    }

    static func joinedCCG(_ city: String, at: String = "2021-01-01") -> Step {
        Step(.cityJoinedCCG, ["city=\(city)"], at: at)
    }

    static func leftCCG(_ city: String, at: String) -> Step {
        Step(.cityLeftCCG, ["city=\(city)"], at: at)
    }

    static func meeting(
        _ meeting: String,
        on: String,
        format: String = "physical",
        kind: String = "networking"
    ) -> Step {
        Step(
            .meetingScheduled,
            ["meeting=\(meeting)", "kind=\(kind)", "format=\(format)", "on=\(on)"],
            at: "2024-12-01"
        )
    }

    static func travel(_ city: String, _ meeting: String, _ amount: String, at: String) -> Step {
        Step(.travelContributionGranted, ["city=\(city)", "meeting=\(meeting)", "amount_eur=\(amount)"], at: at)
    }
}

/// `text` as a slug, which the test requires it to be.
func slug(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Slug {
    try #require(Slug(rawValue: text), sourceLocation: sourceLocation)
}
