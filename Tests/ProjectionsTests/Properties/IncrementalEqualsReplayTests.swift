import EventStore
import Foundation
import Testing

@testable import Projections

/// Property: whatever sequence of events (valid or not, retractions included) is given to the knowledge base, the
/// read models and indexes it maintains incrementally equal the ones rebuilt from the log.
@Suite struct IncrementalEqualsReplayProperties {
    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6, 7, 8]

    @Test(
        "the incrementally maintained read models equal the log's fold after random valid and invalid events",
        arguments: seeds
    )
    func incrementalModelsEqualTheFold(seed: UInt64) throws {
        try withScratchFolder { folder in
            let base = try KnowledgeBase(path: folder + "/store", creating: true)
            let tally = try RandomHistory.feed(base, seed: seed, count: 300 + Int(seed % 4) * 100)
            tally.requireNonVacuous()
            let report = try base.verify()
            #expect(report.isOK, "seed \(seed): \(report.problems.prefix(5))")
            #expect(report.events == tally.appended)
        }
    }

    @Test("replay leaves a store that verifies and an export byte-identical to the one before", arguments: seeds)
    func replayKeepsTheExport(seed: UInt64) throws {
        try withScratchFolder { folder in
            let base = try KnowledgeBase(path: folder + "/store", creating: true)
            let tally = try RandomHistory.feed(base, seed: seed &+ 1000, count: 300 + Int(seed % 3) * 100)
            tally.requireNonVacuous()
            let before = try exportedBytes(base)
            let headBefore = try base.head()
            let replayed = try base.replay()
            #expect(replayed == tally.appended)
            let report = try base.verify()
            #expect(report.isOK, "seed \(seed): \(report.problems.prefix(5))")
            let after = try exportedBytes(base)
            #expect(!before.isEmpty)
            #expect(before == after, "seed \(seed): export changed by replay")
            #expect(try base.head() == headBefore)
        }
    }

    private func exportedBytes(_ base: KnowledgeBase) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try base.export { line in
            bytes.append(contentsOf: line)
            bytes.append(0x0A)
        }
        return bytes
    }
}

/// Runs `body` with a fresh folder under the temporary directory and removes it afterwards.
func withScratchFolder<T>(_ body: (String) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "sckb-properties-\(UUID().uuidString)",
        isDirectory: true
    )
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder.path)
}

/// What became of the events of one random history.
struct HistoryTally {
    var appended = 0
    var skipped = 0
    var refusedByRule = 0
    var refusedAsInput = 0
    var leafRetractions = 0
    var otherRetractions = 0
    var retractionsRefused = 0
    var acceptedTypes: Set<EventType> = []
    var retractedTypes: Set<EventType> = []

    func requireNonVacuous(sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(appended > 50, "too few events accepted: \(self)", sourceLocation: sourceLocation)
        #expect(refusedByRule > 10, "too few events refused by rules: \(self)", sourceLocation: sourceLocation)
        #expect(refusedAsInput > 0, "no event refused as bad input: \(self)", sourceLocation: sourceLocation)
        #expect(skipped > 0, "no duplicate skipped: \(self)", sourceLocation: sourceLocation)
        #expect(leafRetractions > 0, "no retraction of a leaf event accepted: \(self)", sourceLocation: sourceLocation)
        #expect(
            otherRetractions > 0,
            "no retraction of a non-leaf event accepted: \(self)",
            sourceLocation: sourceLocation
        )
        #expect(acceptedTypes.count >= 12, "too few kinds of events accepted: \(self)", sourceLocation: sourceLocation)
        #expect(retractionsRefused > 0, "no retraction refused: \(self)", sourceLocation: sourceLocation)
    }
}

/// One generated event, and the text it was made from (type name, fields as written, id, `at`), for a model of
/// the rules that reads nothing but that text.
struct GeneratedEvent {
    let event: Event
    let type: String
    let fields: [(name: String, value: String)]
    let id: String?
    let at: String?
    /// The envelope's `source`, if the event gives one.
    var source: String? = nil
}

/// What the knowledge base did with one event.
enum FeedOutcome {
    case appended(StoredEvent)
    case skipped(StoredEvent)
    case refused(String)
}

/// A random history over small pools of ids, so that references hit often, miss sometimes, and duplicates occur.
struct RandomHistory {
    var random: SeededGenerator
    var step = 0
    /// Accepted events: position and type.
    var stored: [(position: Int, type: EventType)] = []
    /// Ids named by accepted registrations, by kind, in order of acceptance (arrays, so that runs reproduce).
    var known: [String: [String]] = [:]
    /// Solutions and the cities that demonstrated or adopted them.
    var held: [(solution: String, city: String)] = []
    /// Cities and the projects they joined.
    var joined: [(city: String, project: String)] = []
    /// Positions of accepted retractions' targets.
    var retracted: [Int] = []
    /// Accepted events that carry an id, to send again unchanged (they must be skipped).
    var withIDs: [GeneratedEvent] = []

    static let cities = (0..<14).map { "city\($0)" }
    static let projects = (0..<8).map { "project\($0)" }
    static let solutions = (0..<10).map { "solution\($0)" }
    static let demonstrations = (0..<30).map { "demo\($0)" }
    static let meetings = (0..<12).map { "meeting\($0)" }
    static let grants = (0..<20).map { "grant\($0)" }
    static let obstacles = (0..<24).map { "obstacle\($0)" }
    static let ids = (0..<25).map { "event-\($0)" }

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed)
    }

    /// Gives `count` random events to `base`; `observe` sees each event that reached it, with what became of it.
    static func feed(
        _ base: KnowledgeBase,
        seed: UInt64,
        count: Int,
        observe: (GeneratedEvent, FeedOutcome) throws -> Void = { _, _ in }
    ) throws -> HistoryTally {
        var history = RandomHistory(seed: seed)
        var tally = HistoryTally()
        for _ in 0..<count {
            let generated: GeneratedEvent
            do {
                generated = try history.nextGenerated()
            } catch is InputError {
                tally.refusedAsInput += 1
                continue
            }
            let event = generated.event
            do {
                let outcome = try base.append(event)
                switch outcome {
                case .appended(let recorded): try observe(generated, .appended(recorded))
                case .skipped(let recorded): try observe(generated, .skipped(recorded))
                }
                switch outcome {
                case .appended(let recorded):
                    tally.appended += 1
                    tally.acceptedTypes.insert(recorded.event.type)
                    history.stored.append((Int(recorded.position.rawValue), recorded.event.type))
                    if event.id != nil { history.withIDs.append(generated) }
                    history.remember(event.payload)
                    if case .eventRetracted(let retraction) = event.payload,
                        let target = history.stored.first(where: { $0.position == Int(retraction.position.rawValue) })
                    {
                        tally.retractedTypes.insert(target.type)
                        if ReadModels.isLeaf(target.type) {
                            tally.leafRetractions += 1
                        } else {
                            tally.otherRetractions += 1
                        }
                    }
                case .skipped:
                    tally.skipped += 1
                }
            } catch let violation as RuleViolation {
                tally.refusedByRule += 1
                if event.type == .eventRetracted { tally.retractionsRefused += 1 }
                try observe(generated, .refused("\(violation)"))
            } catch let error as InputError {
                tally.refusedAsInput += 1
                if event.type == .eventRetracted { tally.retractionsRefused += 1 }
                try observe(generated, .refused("\(error)"))
            }
        }
        #expect(history.stored.map(\.position) == Array(0..<history.stored.count).map { $0 + 1 }, "positions 1...N")
        return tally
    }

    mutating func remember(_ payload: Payload) {
        func note(_ kind: String, _ id: Slug) {
            if !(known[kind] ?? []).contains(id.rawValue) { known[kind, default: []].append(id.rawValue) }
        }
        switch payload {
        case .projectRegistered(let data): note("project", data.project)
        case .cityRegistered(let data): note("city", data.city)
        case .solutionCatalogued(let data): note("solution", data.solution)
        case .demonstrationReported(let data):
            note("demonstration", data.demonstration)
            held.append((data.solution.rawValue, data.city.rawValue))
        case .meetingScheduled(let data):
            note("meeting", data.meeting)
            if data.format == .physical { note("physical", data.meeting) }
        case .cityJoinedCCG(let data): note("member", data.city)
        case .projectEnded(let data): note("ended", data.project)
        case .cityJoinedProject(let data): joined.append((data.city.rawValue, data.project.rawValue))
        case .solutionReplicated(let data): held.append((data.solution.rawValue, data.city.rawValue))
        case .eventRetracted(let data): retracted.append(Int(data.position.rawValue))
        case .obstacleReported(let data): note("obstacle", data.obstacle)
        case .contactRegistered(let data): note("contact", data.contact)
        default: break
        }
    }

    /// A reference: mostly an id already registered, sometimes any id of the pool (maybe unknown).
    mutating func reference(_ kind: String, _ pool: [String]) -> String {
        let candidates = known[kind] ?? []
        if !candidates.isEmpty && chance(85) { return pick(candidates) }
        return pick(pool)
    }

    /// A new id: mostly one not yet registered, sometimes any id of the pool (maybe a duplicate).
    mutating func fresh(_ kind: String, _ pool: [String]) -> String {
        let unused = pool.filter { !(known[kind] ?? []).contains($0) }
        if !unused.isEmpty && chance(85) { return pick(unused) }
        return pick(pool)
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    mutating func pick(_ values: [String]) -> String { values[Int.random(in: 0..<values.count, using: &random)] }

    /// A date that mostly moves forward with the history, sometimes jumps back (a date-order break), and sometimes
    /// is left out (the moment of recording, after every given date).
    mutating func date() -> String? {
        if chance(3) { return nil }
        let jitter = chance(8) ? -Int.random(in: 30...400, using: &random) : Int.random(in: 0...10, using: &random)
        return RandomHistory.day(max(0, step * 6 + jitter))
    }

    static func day(_ offset: Int) -> String {
        let date = Date(timeIntervalSince1970: 1_420_070_400 + Double(offset) * 86_400)  // 2015-01-01 + offset
        let parts = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone(identifier: "UTC") ?? .current,
            from: date
        )
        return String(format: "%04d-%02d-%02d", parts.year ?? 2015, parts.month ?? 1, parts.day ?? 1)
    }

    mutating func nextGenerated() throws -> GeneratedEvent {
        step += 1
        if !withIDs.isEmpty && chance(3) {
            return withIDs[Int.random(in: 0..<withIDs.count, using: &random)]
        }
        let type = nextType()
        var fields: [(name: String, value: String)] = []
        func add(_ name: String, _ value: String) { fields.append((name, value)) }
        switch type {
        case .projectRegistered:
            add("project", fresh("project", Self.projects))
            add("name", "Project \(step)")
        case .projectEnded:
            add("project", reference("project", Self.projects))
        case .cityRegistered:
            add("city", fresh("city", Self.cities))
            add("name", "City \(step)")
            add("country", pick(["DE", "FR", "ES", "IT"]))
        case .cityJoinedProject:
            add("city", reference("city", Self.cities))
            add("project", reference("project", Self.projects))
            add("role", pick(["lighthouse", "fellow"]))
        case .solutionCatalogued:
            add("solution", fresh("solution", Self.solutions))
            add("name", "Solution \(step)")
            add("area", pick(Area.allCases.map(\.rawValue)))
        case .demonstrationReported:
            add("demonstration", fresh("demonstration", Self.demonstrations))
            add("solution", reference("solution", Self.solutions))
            add("city", reference("city", Self.cities))
            if chance(60) { add("project", reference("project", Self.projects)) }
        case .impactReported:
            // Concentrated on a few demonstrations and indicators, so that reports replace earlier ones often.
            let recent = (known["demonstration"] ?? []).suffix(4)
            add(
                "demonstration",
                !recent.isEmpty && chance(50) ? pick(Array(recent)) : reference("demonstration", Self.demonstrations)
            )
            let kpi =
                chance(50)
                ? [KPI.energySavedPercent, .smartMeters][Int.random(in: 0...1, using: &random)]
                : KPI.allCases[Int.random(in: 0..<KPI.allCases.count, using: &random)]
            add("kpi", kpi.rawValue)
            let value = chance(8) ? 150 : Int.random(in: 0...(kpi.isPercentage ? 100 : 5000), using: &random)
            add("value", chance(30) ? "\(value).5" : String(value))
        case .replicationPlanned, .solutionReplicated:
            if !held.isEmpty && chance(80) {
                let source = held[Int.random(in: 0..<held.count, using: &random)]
                add("solution", source.solution)
                add("city", reference("city", Self.cities))
                if chance(30), let frame = joined.first(where: { $0.city == source.city }) {
                    // Origin: the lighthouse cities of a project the holder is in (a lighthouse or not).
                    add("project", frame.project)
                } else {
                    add("from", source.city)
                    if chance(30) { add("project", reference("project", Self.projects)) }
                }
            } else {
                add("solution", reference("solution", Self.solutions))
                add("city", reference("city", Self.cities))
                if chance(85) { add("from", reference("city", Self.cities)) }
                if chance(40) { add("project", reference("project", Self.projects)) }
            }
            if type == .solutionReplicated && chance(50) {
                add("funding", pick(["action-grant", "scale-grant", "project", "own", "other"]))
            }
        case .cityJoinedCCG:
            add("city", reference("city", Self.cities))
        case .cityLeftCCG:
            add("city", reference("member", Self.cities))
        case .meetingScheduled:
            add("meeting", fresh("meeting", Self.meetings))
            add("kind", pick(["networking", "co-creation", "advocacy"]))
            add("format", chance(75) ? "physical" : "virtual")
            add("on", Self.day(step * 6 + Int.random(in: -30...30, using: &random)))
        case .meetingAttended:
            add("meeting", reference("meeting", Self.meetings))
            add("city", reference("member", Self.cities))
        case .travelContributionGranted:
            let ended = known["ended"] ?? []
            let eligible = joined.filter { ended.contains($0.project) && (known["member"] ?? []).contains($0.city) }
            if !eligible.isEmpty && chance(80) {
                add("city", eligible[Int.random(in: 0..<eligible.count, using: &random)].city)
                add("meeting", reference("physical", Self.meetings))
            } else {
                add("city", reference("member", Self.cities))
                add("meeting", reference("meeting", Self.meetings))
            }
            add("amount_eur", String(Int.random(in: 1...500, using: &random)))
        case .grantAwarded:
            add("grant", fresh("grant", Self.grants))
            add("programme", pick(["action-grant", "scale-grant"]))
            add("city", reference("city", Self.cities))
            add("solution", reference("solution", Self.solutions))
            add("amount_eur", String(Int.random(in: 1000...90000, using: &random)))
        case .contactRegistered:
            add("contact", fresh("contact", Self.cities.map { $0 + "-contact" }))
            add("city", reference("member", Self.cities))
            add("commitment", String(repeating: pick(["ab", "0f"]), count: 32))
        case .contactErased:
            add("contact", reference("contact", Self.cities.map { $0 + "-contact" }))
            add("reason", "erasure request \(step)")
        case .eventRetracted:
            add("position", String(retractionTarget()))
            add("reason", "random retraction \(step)")
        case .obstacleReported:
            add("obstacle", fresh("obstacle", Self.obstacles))
            add("category", pick(ObstacleCategory.allCases.map(\.rawValue)))
            add("text", "Obstacle \(step)")
            if chance(60) { add("solution", reference("solution", Self.solutions)) }
            if chance(60) { add("city", reference("city", Self.cities)) }
            if chance(40) { add("project", reference("project", Self.projects)) }
        case .obstacleOvercome:
            add("obstacle", reference("obstacle", Self.obstacles))
            add("how", "Pathway \(step)")
        case .cityLocated:
            add("city", reference("city", Self.cities))
            func degrees(_ limit: Int) -> String {
                let hundredths = Int.random(in: -(limit * 100 + 500)...(limit * 100 + 500), using: &random)
                let sign = hundredths < 0 ? "-" : ""
                let magnitude = abs(hundredths)
                if chance(30) { return magnitude < 100 ? "0" : "\(sign)\(magnitude / 100)" }
                return "\(sign)\(magnitude / 100).\(magnitude % 100 / 10)\(magnitude % 10)"
            }
            add("lat", degrees(90))
            add("lon", degrees(180))
        case .impactPublished:
            let kpi = KPI.allCases[Int.random(in: 0..<KPI.allCases.count, using: &random)]
            add("kpi", kpi.rawValue)
            add("value", String(Int.random(in: 0...(kpi.isPercentage ? 110 : 5000), using: &random)))
            if chance(50) { add("project", reference("project", Self.projects)) }
            if chance(40) { add("city", reference("city", Self.cities)) }
        }
        // Now and then a malformed value: bad input, refused before any rule.
        if chance(2), let index = fields.indices.first {
            fields[index].value = "Not A Slug!"
        }
        var reader = try FieldReader(type: type, text: fields)
        let payload = try Payload(type: type, reading: &reader)
        let time = date()
        // A few ids from a small pool: re-sending an identical event is skipped, other content under it refused.
        let id = chance(10) ? pick(Self.ids) : nil
        // Two events in three name where they come from (a URL or a document reference), without a draw of their
        // own, so that the histories of every seed stay what they were apart from their sources.
        let source: String? =
            switch step % 6 {
            case 0, 4: "https://example.org/reports/\(step)"
            case 1, 3: "Deliverable D\(step).1, p. \(step % 40 + 1)"
            default: nil
            }
        let event = Event(
            payload: payload,
            id: id,
            at: try time.map { text throws(InputError) in try Event.checkedTime(text) },
            source: source
        )
        return GeneratedEvent(event: event, type: type.rawValue, fields: fields, id: id, at: time, source: source)
    }

    /// A retraction target: a leaf or non-leaf event already stored, another retraction, or no event at all.
    mutating func retractionTarget() -> Int {
        let head = stored.count
        guard head > 0 else { return 1 }
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<40:
            let leaves = stored.filter { ReadModels.isLeaf($0.type) && !retracted.contains($0.position) }
            if let chosen = leaves.randomElement(using: &random) { return chosen.position }
        case 40..<85:
            let others = stored.filter {
                !ReadModels.isLeaf($0.type) && $0.type != .eventRetracted && !retracted.contains($0.position)
                    && [
                        .cityRegistered, .solutionReplicated, .cityLeftCCG, .projectEnded, .demonstrationReported,
                        .replicationPlanned, .cityJoinedCCG, .meetingScheduled, .cityJoinedProject,
                        .obstacleReported,
                    ]
                    .contains($0.type)
            }
            if let chosen = others.randomElement(using: &random) { return chosen.position }
        case 85..<93:
            return head + Int.random(in: 1...3, using: &random)
        default:
            break
        }
        return Int.random(in: 1...head, using: &random)
    }

    mutating func nextType() -> EventType {
        // Registrations first, so that later references have something to hit.
        if step <= 24 {
            return [.cityRegistered, .projectRegistered, .solutionCatalogued, .cityRegistered][step % 4]
        }
        let weights: [(EventType, Int)] = [
            (.projectRegistered, 4), (.projectEnded, 2), (.cityRegistered, 8), (.cityJoinedProject, 10),
            (.solutionCatalogued, 5), (.demonstrationReported, 10), (.impactReported, 10),
            (.replicationPlanned, 5), (.solutionReplicated, 7), (.cityJoinedCCG, 6), (.cityLeftCCG, 3),
            (.meetingScheduled, 4), (.meetingAttended, 6), (.travelContributionGranted, 7), (.grantAwarded, 4),
            (.eventRetracted, step < 20 ? 0 : 12), (.obstacleReported, 5), (.obstacleOvercome, 4),
            (.impactPublished, 4), (.contactRegistered, 3), (.contactErased, 2), (.cityLocated, 5),
        ]
        var roll = Int.random(in: 0..<weights.reduce(0) { $0 + $1.1 }, using: &random)
        for (type, weight) in weights {
            if roll < weight { return type }
            roll -= weight
        }
        return .cityRegistered
    }
}
