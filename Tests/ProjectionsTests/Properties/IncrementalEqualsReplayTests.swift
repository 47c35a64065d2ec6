import EventStore
import Foundation
import Testing

@testable import Projections

/// Property: whatever sequence of events (valid or not, retractions included) is given to the knowledge base, the
/// read models and indexes it maintains incrementally equal the ones rebuilt from the log.
@Suite struct IncrementalEqualsReplayTests {
    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6, 7, 8]

    @Test("the incrementally maintained read models equal the log's fold after random valid and invalid events",
          arguments: seeds)
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
private func withScratchFolder<T>(_ body: (String) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
        "sckb-properties-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder.path)
}

/// SplitMix64: a small, seeded, reproducible generator.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What became of the events of one random history.
private struct HistoryTally {
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
        #expect(otherRetractions > 0, "no retraction of a non-leaf event accepted: \(self)", sourceLocation: sourceLocation)
        #expect(retractionsRefused > 0, "no retraction refused: \(self)", sourceLocation: sourceLocation)
    }
}

/// A random history over small pools of ids, so that references hit often, miss sometimes, and duplicates occur.
private struct RandomHistory {
    var random: SplitMix64
    var step = 0
    /// Accepted events: position and type.
    var stored: [(position: Int, type: EventType)] = []

    static let cities = (0..<8).map { "city\($0)" }
    static let projects = (0..<3).map { "project\($0)" }
    static let solutions = (0..<5).map { "solution\($0)" }
    static let demonstrations = (0..<12).map { "demo\($0)" }
    static let meetings = (0..<5).map { "meeting\($0)" }
    static let grants = (0..<8).map { "grant\($0)" }
    static let ids = (0..<25).map { "event-\($0)" }

    init(seed: UInt64) {
        random = SplitMix64(state: seed)
    }

    static func feed(_ base: KnowledgeBase, seed: UInt64, count: Int) throws -> HistoryTally {
        var history = RandomHistory(seed: seed)
        var tally = HistoryTally()
        for _ in 0..<count {
            let event: Event
            do {
                event = try history.nextEvent()
            } catch is InputError {
                tally.refusedAsInput += 1
                continue
            }
            do {
                switch try base.append(event) {
                case .appended(let recorded):
                    tally.appended += 1
                    tally.acceptedTypes.insert(recorded.event.type)
                    history.stored.append((Int(recorded.position.rawValue), recorded.event.type))
                    if case .eventRetracted(let retraction) = event.payload,
                        let target = history.stored.first(where: { $0.position == Int(retraction.position.rawValue) })
                    {
                        tally.retractedTypes.insert(target.type)
                        if ReadModels.isLeaf(target.type) { tally.leafRetractions += 1 } else { tally.otherRetractions += 1 }
                    }
                case .skipped:
                    tally.skipped += 1
                }
            } catch is RuleViolation {
                tally.refusedByRule += 1
                if event.type == .eventRetracted { tally.retractionsRefused += 1 }
            } catch is InputError {
                tally.refusedAsInput += 1
                if event.type == .eventRetracted { tally.retractionsRefused += 1 }
            }
        }
        #expect(history.stored.map(\.position) == Array(0..<history.stored.count).map { $0 + 1 }, "positions 1...N")
        return tally
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    mutating func pick(_ values: [String]) -> String { values[Int.random(in: 0..<values.count, using: &random)] }

    /// A date that mostly moves forward with the history, sometimes jumps back (a date-order break), and sometimes
    /// is left out (the moment of recording, after every given date).
    mutating func date() -> String? {
        if chance(12) { return nil }
        let jitter = chance(15) ? -Int.random(in: 30...400, using: &random) : Int.random(in: 0...10, using: &random)
        return RandomHistory.day(max(0, step * 6 + jitter))
    }

    static func day(_ offset: Int) -> String {
        let date = Date(timeIntervalSince1970: 1_420_070_400 + Double(offset) * 86_400)  // 2015-01-01 + offset
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC") ?? .current, from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 2015, parts.month ?? 1, parts.day ?? 1)
    }

    mutating func nextEvent() throws -> Event {
        step += 1
        let type = nextType()
        var fields: [(name: String, value: String)] = []
        func add(_ name: String, _ value: String) { fields.append((name, value)) }
        switch type {
        case .projectRegistered:
            add("project", pick(Self.projects))
            add("name", "Project \(step)")
        case .projectEnded:
            add("project", pick(Self.projects))
        case .cityRegistered:
            add("city", pick(Self.cities))
            add("name", "City \(step)")
            add("country", pick(["DE", "FR", "ES", "IT"]))
        case .cityJoinedProject:
            add("city", pick(Self.cities))
            add("project", pick(Self.projects))
            add("role", pick(["lighthouse", "fellow"]))
        case .solutionCatalogued:
            add("solution", pick(Self.solutions))
            add("name", "Solution \(step)")
            add("area", pick(Area.allCases.map(\.rawValue)))
        case .demonstrationReported:
            add("demonstration", pick(Self.demonstrations))
            add("solution", pick(Self.solutions))
            add("city", pick(Self.cities))
            if chance(60) { add("project", pick(Self.projects)) }
        case .impactReported:
            add("demonstration", pick(Self.demonstrations))
            let kpi = KPI.allCases[Int.random(in: 0..<KPI.allCases.count, using: &random)]
            add("kpi", kpi.rawValue)
            let value = chance(8) ? 150 : Int.random(in: 0...(kpi.isPercentage ? 100 : 5000), using: &random)
            add("value", chance(30) ? "\(value).5" : String(value))
        case .replicationPlanned, .solutionReplicated:
            add("solution", pick(Self.solutions))
            add("city", pick(Self.cities))
            add("from", pick(Self.cities))
            if chance(30) { add("project", pick(Self.projects)) }
            if type == .solutionReplicated && chance(50) {
                add("funding", pick(["action-grant", "scale-grant", "project", "own", "other"]))
            }
        case .cityJoinedCCG, .cityLeftCCG:
            add("city", pick(Self.cities))
        case .meetingScheduled:
            add("meeting", pick(Self.meetings))
            add("kind", pick(["networking", "co-creation", "advocacy"]))
            add("format", chance(75) ? "physical" : "virtual")
            add("on", Self.day(step * 6 + Int.random(in: -30...30, using: &random)))
        case .meetingAttended:
            add("meeting", pick(Self.meetings))
            add("city", pick(Self.cities))
        case .travelContributionGranted:
            add("city", pick(Self.cities))
            add("meeting", pick(Self.meetings))
            add("amount_eur", String(Int.random(in: 1...500, using: &random)))
        case .grantAwarded:
            add("grant", pick(Self.grants))
            add("programme", pick(["action-grant", "scale-grant"]))
            add("city", pick(Self.cities))
            add("solution", pick(Self.solutions))
            add("amount_eur", String(Int.random(in: 1000...90000, using: &random)))
        case .eventRetracted:
            add("position", String(retractionTarget()))
            add("reason", "random retraction \(step)")
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
        return Event(payload: payload, id: id, at: try time.map { text throws(InputError) in try Event.checkedTime(text) })
    }

    /// A retraction target: a leaf or non-leaf event already stored, another retraction, or no event at all.
    mutating func retractionTarget() -> Int {
        let head = stored.count
        guard head > 0 else { return 1 }
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<40:
            let leaves = stored.filter { ReadModels.isLeaf($0.type) }
            if let chosen = leaves.randomElement(using: &random) { return chosen.position }
        case 40..<85:
            let others = stored.filter {
                !ReadModels.isLeaf($0.type) && $0.type != .eventRetracted
                    && [.cityRegistered, .solutionReplicated, .cityLeftCCG, .projectEnded, .demonstrationReported,
                        .replicationPlanned, .cityJoinedCCG, .meetingScheduled, .cityJoinedProject]
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
        let weights: [(EventType, Int)] = [
            (.projectRegistered, 5), (.projectEnded, 3), (.cityRegistered, 8), (.cityJoinedProject, 10),
            (.solutionCatalogued, 5), (.demonstrationReported, 10), (.impactReported, 10),
            (.replicationPlanned, 5), (.solutionReplicated, 7), (.cityJoinedCCG, 6), (.cityLeftCCG, 3),
            (.meetingScheduled, 4), (.meetingAttended, 6), (.travelContributionGranted, 7), (.grantAwarded, 4),
            (.eventRetracted, step < 20 ? 0 : 12),
        ]
        var roll = Int.random(in: 0..<weights.reduce(0) { $0 + $1.1 }, using: &random)
        for (type, weight) in weights {
            if roll < weight { return type }
            roll -= weight
        }
        return .cityRegistered
    }
}
