import EventStore
import Foundation
import Testing

@testable import Projections

/// Property: the knowledge base agrees with an independent in-memory model of the rules and the fold
/// (IndependentModel.swift, IndependentModelViews.swift), written from the specification and sharing no code with
/// the rules, the read models or the views. For random histories of valid and invalid events, retractions included,
/// both accept and refuse the same events, and every view gives the same JSON: now, at intermediate points, and at
/// cuts in transaction and valid time. A fold that counts wrong disagrees with the model and fails here, where
/// comparing the live read models with a refold through the same code would not.
@Suite struct IndependentModelProperties {
    static let seeds: [UInt64] = [21, 22, 23, 24]

    @Test("the knowledge base accepts, refuses and answers as an independent model of the rules does", arguments: seeds)
    func knowledgeBaseAgreesWithTheModel(seed: UInt64) throws {
        try withScratchFolder { folder in
            let base = try KnowledgeBase(path: folder + "/store", creating: true)
            var model = KnowledgeModel()
            var offered = 0
            var checkpoints: [Int] = []
            var refusedTypes: Set<String> = []
            let tally = try RandomHistory.feed(base, seed: seed, count: 400 + Int(seed % 3) * 100) { event, outcome in
                offered += 1
                try Self.compare(event, outcome, &model, seed: seed, index: offered)
                if case .refused = outcome { refusedTypes.insert(event.type) }
                if offered % 120 == 0 {
                    checkpoints.append(model.log.count)
                    try Self.compareViews(
                        base,
                        model.world,
                        Self.queries(model.world),
                        seed: seed,
                        at: "step \(offered)"
                    )
                }
            }
            tally.requireNonVacuous()
            let world = model.world
            #expect(
                !world.replications.isEmpty && !world.plans.isEmpty && !world.reports.isEmpty
                    && !world.obstacles.isEmpty && !world.published.isEmpty && !world.members.isEmpty,
                "seed \(seed): the views compared are too empty to tell a wrong fold"
            )
            #expect(
                world.replications.contains { $0.source != nil } && world.plans.contains { $0.source != nil }
                    && world.replications.contains { $0.source == nil },
                "seed \(seed): no edge with a source and one without, to tell a source taken from the wrong event"
            )
            #expect(refusedTypes.count >= 12, "seed \(seed): events of too few types refused: \(refusedTypes)")
            try Self.compareViews(base, world, Self.queries(world), seed: seed, at: "the end")
            try Self.compareCuts(base, model, checkpoints: checkpoints, seed: seed)
        }
    }

    @Test("the model's calendar counts days since 1970 and orders a date against an instant of the same day")
    func modelCalendar() throws {
        let epoch = try #require(ModelTime("1970-01-01"))
        let start = try #require(ModelTime("2015-01-01"))
        let leapMarch = try #require(ModelTime("2000-03-01"))
        #expect(epoch.earliest == 0 && epoch.latest == 86_399)
        #expect(start.earliest == 1_420_070_400)
        #expect(leapMarch.earliest == 951_868_800)
        let day = try #require(ModelTime("2024-02-29"))
        let noon = try #require(ModelTime("2024-02-29T12:00:00Z"))
        #expect(!day.isBefore(noon) && !noon.isBefore(day))
        #expect(try #require(ModelTime("2024-02-28")).isBefore(noon))
        #expect(modelHundredths("12.5") == 1250 && modelHundredths("12.05") == 1205 && modelHundredths("7") == 700)
    }

    /// A city in two projects that have ended, one before the contribution's date and one after: the earlier end
    /// serves (SPEC §4, CCG travel rules: "an SCC project that has ended"; a date rule refuses only what no earlier
    /// event could serve), whichever project's id sorts first. The knowledge base checks the date against the first
    /// ended project by id only, and refuses; the known issue below records that until the rule is fixed (then this
    /// test fails with "known issue was not recorded", and the wrapper goes).
    @Test("a travel contribution dated between the ends of two of the city's projects is granted")
    func travelAfterTheEarlierOfTwoProjectEnds() throws {
        let history: [(String, [(name: String, value: String)], String)] = [
            ("CityRegistered", [("city", "leipzig"), ("name", "Leipzig"), ("country", "DE")], "2014-01-01"),
            ("ProjectRegistered", [("project", "alpha"), ("name", "Alpha")], "2014-01-01"),
            ("ProjectRegistered", [("project", "beta"), ("name", "Beta")], "2014-01-01"),
            ("CityJoinedProject", [("city", "leipzig"), ("project", "alpha"), ("role", "fellow")], "2014-02-01"),
            ("CityJoinedProject", [("city", "leipzig"), ("project", "beta"), ("role", "fellow")], "2014-02-01"),
            ("ProjectEnded", [("project", "beta")], "2016-01-01"),
            ("ProjectEnded", [("project", "alpha")], "2020-06-01"),
            ("CityJoinedCCG", [("city", "leipzig")], "2015-01-01"),
            (
                "MeetingScheduled",
                [("meeting", "m1"), ("kind", "networking"), ("format", "physical"), ("on", "2018-05-01")],
                "2017-01-01"
            ),
            (
                "TravelContributionGranted", [("city", "leipzig"), ("meeting", "m1"), ("amount_eur", "300")],
                "2018-05-02"
            ),
        ]
        try withScratchFolder { folder in
            let base = try KnowledgeBase(path: folder + "/store", creating: true)
            var model = KnowledgeModel()
            for (index, (type, fields, at)) in history.enumerated() {
                let eventType = try #require(EventType(rawValue: type))
                var reader = try FieldReader(type: eventType, text: fields)
                let payload = try Payload(type: eventType, reading: &reader)
                let event = Event(payload: payload, at: try Event.checkedTime(at))
                let generated = GeneratedEvent(event: event, type: type, fields: fields, id: nil, at: at)
                let outcome: FeedOutcome
                do {
                    switch try base.append(event) {
                    case .appended(let recorded): outcome = .appended(recorded)
                    case .skipped(let recorded): outcome = .skipped(recorded)
                    }
                } catch {
                    outcome = .refused("\(error)")
                }
                try Self.compare(generated, outcome, &model, seed: 0, index: index + 1)
            }
            #expect(model.log.count == history.count)
        }
    }

    /// Whether the knowledge base and the model did the same with one event; on the first disagreement the run stops,
    /// since every later answer would differ too.
    static func compare(
        _ event: GeneratedEvent,
        _ outcome: FeedOutcome,
        _ model: inout KnowledgeModel,
        seed: UInt64,
        index: Int
    ) throws {
        let clock: String
        if case .appended(let recorded) = outcome {
            clock = recorded.at.text
        } else {
            clock = Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970)).rfc3339
        }
        let decision = model.offer(event, clock: clock)
        let agrees: Bool
        switch (outcome, decision) {
        case (.appended(let recorded), .appended(let position)),
            (.skipped(let recorded), .skipped(let position)):
            agrees = Int(recorded.position.rawValue) == position
        case (.refused, .refused):
            agrees = true
        default:
            agrees = false
        }
        guard agrees else {
            let fields = event.fields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            let said: String
            switch outcome {
            case .appended(let recorded): said = "appended it at position \(recorded.position)"
            case .skipped(let recorded): said = "skipped it as position \(recorded.position)"
            case .refused(let message): said = "refused it: \(message)"
            }
            let message =
                "seed \(seed), event \(index) (\(event.type) \(fields) at \(event.at ?? "-") id \(event.id ?? "-")):"
                + " the knowledge base \(said); the model says \(decision)"
            Issue.record("\(message)")
            throw Disagreement()
        }
    }

    struct Disagreement: Error {}

    /// The queries worth asking of a world: every view, over every entity it holds and a few it does not.
    static func queries(_ world: ModelWorld) -> [ModelQuery] {
        let solutions = world.solutions.keys.sorted()
        let cities = world.cities.keys.sorted()
        let projects = world.projects.keys.sorted()
        var queries: [ModelQuery] = [
            .graph(solution: nil, fromTier: nil, toTier: nil, planned: false),
            .graph(solution: nil, fromTier: nil, toTier: nil, planned: true),
            .graph(solution: nil, fromTier: "lighthouse", toTier: "fellow", planned: true),
            .graph(solution: nil, fromTier: "fellow", toTier: nil, planned: false),
            .graph(solution: nil, fromTier: nil, toTier: "other", planned: true),
            .spread(area: nil), .spread(area: "buildings"), .spread(area: "mobility-logistics"),
            .totals(project: nil, city: nil), .totals(project: "project-unknown", city: nil),
            .obstacles(solution: nil, city: nil, project: nil, category: nil, openOnly: false),
            .obstacles(solution: nil, city: nil, project: nil, category: nil, openOnly: true),
            .obstacles(solution: nil, city: nil, project: nil, category: "technical", openOnly: false),
            .members, .meetings(year: nil), .travel(year: nil), .cities, .projects,
            .city("city-unknown"), .project("project-unknown"), .solution("solution-unknown"),
        ]
        queries += solutions.prefix(3).map { .graph(solution: $0, fromTier: nil, toTier: nil, planned: true) }
        queries += projects.map { .totals(project: $0, city: nil) }
        queries += cities.map { .totals(project: nil, city: $0) }
        let pairs = world.roles.flatMap { project, members in members.keys.map { (project, $0) } }.sorted { $0 < $1 }
        queries += pairs.prefix(8).map { .totals(project: $0.0, city: $0.1) }
        queries += cities.prefix(4).map {
            .obstacles(solution: nil, city: $0, project: nil, category: nil, openOnly: true)
        }
        queries += solutions.prefix(3).map {
            .obstacles(solution: $0, city: nil, project: nil, category: nil, openOnly: false)
        }
        let years = Set(world.meetings.values.map(\.year)).sorted()
        queries += years.prefix(3).flatMap { [ModelQuery.meetings(year: $0), .travel(year: $0)] }
        queries += cities.map { .city($0) } + projects.map { .project($0) } + solutions.map { .solution($0) }
        // Eligibility: members (most likely yes) and a few others, for physical meetings and one virtual one.
        let members = world.members.keys.sorted()
        let askers = members.prefix(6) + cities.filter { world.members[$0] == nil }.prefix(2) + ["city-unknown"]
        let physical = world.meetings.filter { $0.value.format == "physical" }.keys.sorted()
        let virtual = world.meetings.filter { $0.value.format != "physical" }.keys.sorted()
        let asked = physical.prefix(5) + virtual.prefix(1) + ["meeting-unknown"]
        queries += askers.flatMap { city in asked.map { ModelQuery.eligibility(city: city, meeting: $0) } }
        return queries
    }

    /// Asks every query of the knowledge base (at `cut`) and of the model's `world`, and records each difference.
    static func compareViews(
        _ base: KnowledgeBase,
        _ world: ModelWorld,
        _ queries: [ModelQuery],
        cut: ViewCut = ViewCut(),
        seed: UInt64,
        at point: String
    ) throws {
        var differences = 0
        for query in queries {
            let expected = world.answer(query)
            let actual = try answer(base, query, cut)
            guard actual != expected else { continue }
            differences += 1
            if differences > 3 { continue }
            let message =
                "seed \(seed), \(point), \(query): \(difference(actual, expected))\n  knowledge base: "
                + "\(actual.map(display) ?? "not found")\n  model:          \(expected.map(display) ?? "not found")"
            Issue.record("\(message)")
        }
        if differences > 3 { Issue.record("seed \(seed), \(point): \(differences - 3) more views differ") }
        if differences > 0 { throw Disagreement() }
    }

    /// Compares the views at cuts: through each checkpoint (`--until N`), as of two dates (`--as-of`), and both.
    static func compareCuts(_ base: KnowledgeBase, _ model: KnowledgeModel, checkpoints: [Int], seed: UInt64) throws {
        func cutQueries(_ world: ModelWorld) -> [ModelQuery] {
            [
                .graph(solution: nil, fromTier: nil, toTier: nil, planned: true), .spread(area: nil),
                .totals(project: nil, city: nil), .travel(year: nil), .members,
                .obstacles(solution: nil, city: nil, project: nil, category: nil, openOnly: false),
            ] + world.cities.keys.sorted().prefix(2).map { .city($0) }
        }
        let head = model.log.count
        let dated = model.log.map(\.time).filter { $0.text.count == 10 }.sorted { $0.earliest < $1.earliest }
        let dates = [dated.count / 3, dated.count * 2 / 3].compactMap { dated.indices.contains($0) ? dated[$0] : nil }
        for position in checkpoints {
            let world = model.world(through: position)
            let cut = ViewCut(until: .position(Position(UInt64(position))))
            try compareViews(base, world, cutQueries(world), cut: cut, seed: seed, at: "--until \(position)")
        }
        for date in dates {
            guard let time = ValidTime(parsing: date.text) else { continue }
            let world = model.world(through: head, asOf: date)
            let cut = ViewCut(asOf: ValidTimeCut(through: time))
            try compareViews(base, world, cutQueries(world), cut: cut, seed: seed, at: "--as-of \(date.text)")
            if let position = checkpoints.last {
                let both = model.world(through: position, asOf: date)
                let cut = ViewCut(until: .position(Position(UInt64(position))), asOf: ValidTimeCut(through: time))
                try compareViews(
                    base,
                    both,
                    cutQueries(both),
                    cut: cut,
                    seed: seed,
                    at: "--until \(position) --as-of \(date.text)"
                )
            }
        }
    }

    /// The knowledge base's answer to `query`, as the command prints it with `--format json`; nil for an unknown id.
    static func answer(_ base: KnowledgeBase, _ query: ModelQuery, _ cut: ViewCut) throws -> JSONValue? {
        func slug(_ text: String?) -> Slug? { text.flatMap(Slug.init(rawValue:)) }
        do {
            switch query {
            case .graph(let solution, let fromTier, let toTier, let planned):
                let filter = GraphFilter(
                    solution: slug(solution),
                    fromTier: fromTier.flatMap(Tier.init(rawValue:)),
                    toTier: toTier.flatMap(Tier.init(rawValue:)),
                    includesPlanned: planned
                )
                return try base.graph(filter, at: cut).json
            case .spread(let area):
                return try base.spread(area: area.flatMap(Area.init(rawValue:)), at: cut).json
            case .totals(let project, let city):
                return try base.impactTotals(project: slug(project), city: slug(city), at: cut).json
            case .obstacles(let solution, let city, let project, let category, let openOnly):
                let filter = ObstacleFilter(
                    solution: slug(solution),
                    city: slug(city),
                    project: slug(project),
                    category: category.flatMap(ObstacleCategory.init(rawValue:)),
                    openOnly: openOnly
                )
                return try base.obstacles(filter, at: cut).json
            case .members: return try base.ccgMembers(at: cut).json
            case .meetings(let year): return try base.ccgMeetings(year: year, at: cut).json
            case .travel(let year): return try base.ccgTravel(year: year, at: cut).json
            case .city(let id): return try slug(id).map { try base.cityProfile($0, at: cut).json }
            case .project(let id): return try slug(id).map { try base.projectProfile($0, at: cut).json }
            case .solution(let id): return try slug(id).map { try base.solutionProfile($0, at: cut).json }
            case .cities: return try base.cityList(at: cut).json
            case .projects: return try base.projectList(at: cut).json
            case .eligibility(let city, let meeting):
                let answer = try base.eligibility(
                    city: city,
                    meeting: meeting,
                    amount: JSONNumber(integer: 300),
                    at: cut
                )
                return ["eligible": .bool(answer.isEligible)]
            }
        } catch is NotFound {
            return nil
        }
    }

    static func display(_ value: JSONValue) -> String {
        String(decoding: CanonicalJSON.displayBytes(of: value), as: UTF8.self)
    }

    /// Where two answers first differ: a path into the JSON and the two values found there.
    static func difference(_ actual: JSONValue?, _ expected: JSONValue?, path: String = "$") -> String {
        guard let actual, let expected else {
            return "\(path): knowledge base \(actual.map(display) ?? "not found"), model "
                + (expected.map(display) ?? "not found")
        }
        switch (actual, expected) {
        case (.object(let left), .object(let right)):
            for key in Set(left.keys).union(right.keys).sorted() where left[key] != right[key] {
                return difference(left[key] ?? .null, right[key] ?? .null, path: path + "." + key)
            }
        case (.array(let left), .array(let right)):
            for (index, pair) in zip(left, right).enumerated() where pair.0 != pair.1 {
                return difference(pair.0, pair.1, path: path + "[\(index)]")
            }
            if left.count != right.count {
                return "\(path): \(left.count) items in the knowledge base, \(right.count) in the model"
            }
        default:
            break
        }
        return "\(path): knowledge base \(display(actual)), model \(display(expected))"
    }
}
