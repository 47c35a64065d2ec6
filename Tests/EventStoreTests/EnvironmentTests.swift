import Foundation
import Testing

@testable import EventStore

/// Numbers for the properties below, from the shared seeded generator.
extension SeededGenerator {
    /// A number of random magnitude: small, large and everything between are all likely.
    mutating func anyMagnitude() -> UInt64 {
        next() >> UInt64.random(in: 0...63, using: &self)
    }
}

/// A clock the test sets by hand, for `Environment(clock:)`.
final class ManualClock: @unchecked Sendable {
    // @unchecked: every access to `seconds` holds `lock`.
    private let lock = NSLock()
    private var seconds: Int64

    init(_ seconds: Int64) {
        self.seconds = seconds
    }

    func set(_ value: Int64) {
        lock.lock()
        seconds = value
        lock.unlock()
    }

    func now() -> Timestamp {
        lock.lock()
        defer { lock.unlock() }
        return Timestamp(secondsSince1970: seconds)
    }
}

/// Runs `body` with the path of a store folder that does not exist yet, inside a temporary folder deleted afterwards.
func withTemporaryStorePath<T>(_ body: (String) throws -> T) throws -> T {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
        "sckb-eventstore-\(UUID().uuidString)",
        isDirectory: true
    )
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: base) }
    return try body(base.path + "/store")
}

/// All events of the log: position, hash and bytes, copied.
func records(of environment: Environment) throws -> [(position: UInt64, hash: [UInt8], bytes: [UInt8])] {
    try environment.read { transaction in
        var found: [(position: UInt64, hash: [UInt8], bytes: [UInt8])] = []
        try transaction.forEachEvent { position, hash, bytes in
            found.append((position.rawValue, Array(hash), Array(bytes)))
            return true
        }
        return found
    }
}

@Suite struct EnvironmentTests {
    // MARK: - Position keys

    @Test("position keys sort in LMDB's byte order exactly as positions do (5,000 seeded random pairs)")
    func keysPreserveOrder() throws {
        var generator = SeededGenerator(seed: 0x5CB5_2026)
        for _ in 0..<5000 {
            let first = generator.anyMagnitude()
            let second = generator.anyMagnitude()
            let firstKey = Position.key(first)
            let secondKey = Position.key(second)
            #expect(
                firstKey.lexicographicallyPrecedes(secondKey) == (first < second),
                "\(first) vs \(second): keys \(firstKey) and \(secondKey)"
            )
            #expect(firstKey.count == 8)
            // Keys decode back up to the largest position a log can hold (2^53 - 1); past it only damage writes
            // them, and they do not decode.
            let decoded = firstKey.withUnsafeBytes { Position(key: $0) }
            #expect(decoded == (first <= Position.maximum.rawValue ? Position(first) : nil))
            let bounded = first & Position.maximum.rawValue
            #expect(Position.key(bounded).withUnsafeBytes { Position(key: $0) } == Position(bounded))
        }
    }

    @Test(
        "neighbouring positions and the extremes sort as numbers",
        arguments: [
            (UInt64(0), UInt64(1)), (255, 256), (65_535, 65_536), (UInt64(UInt32.max), UInt64(UInt32.max) + 1),
            (UInt64.max - 1, UInt64.max),
        ]
    )
    func boundaryKeysSort(smaller: UInt64, larger: UInt64) {
        #expect(Position.key(smaller).lexicographicallyPrecedes(Position.key(larger)))
        #expect(!Position.key(larger).lexicographicallyPrecedes(Position.key(smaller)))
    }

    // MARK: - Appends and the chain

    @Test("appends get positions 1…N and each hash is SHA-256(previous hash ‖ bytes)")
    func appendsChain() throws {
        try withTemporaryStorePath { path in
            let environment = try Environment(path: path, tables: [], creating: true)
            var heads: [LogHead] = []
            // Some appends in one transaction, the rest one per transaction.
            try environment.write { transaction in
                for index in 1...5 {
                    heads.append(
                        try transaction.append(id: "event-\(index)") { position, _ in
                            Array("event \(position.rawValue) of \(index)".utf8)
                        }
                    )
                }
            }
            for index in 6...12 {
                heads.append(
                    try environment.write { transaction in
                        try transaction.append(id: nil) { position, _ in
                            Array("event \(position.rawValue) of \(index)".utf8)
                        }
                    }
                )
            }
            #expect(heads.map(\.position.rawValue) == Array(1...12))

            let stored = try records(of: environment)
            #expect(stored.map(\.position) == Array(1...12))
            var previous = [UInt8](repeating: 0, count: 32)
            for (record, head) in zip(stored, heads) {
                #expect(record.bytes == Array("event \(record.position) of \(record.position)".utf8))
                let expected = SHA256.hash(previous + record.bytes)
                #expect(record.hash == expected.bytes, "position \(record.position)")
                #expect(head.hash == expected)
                previous = expected.bytes
            }
            let head = try environment.read { try $0.head() }
            #expect(head?.position == Position(12))
            #expect(head?.hash.bytes == previous)
            let indexed = try environment.read { try $0.position(ofID: "event-3") }
            #expect(indexed == Position(3))
        }
    }

    @Test("a write closure that throws leaves nothing written")
    func throwingWriteWritesNothing() throws {
        struct Abandon: Error {}
        try withTemporaryStorePath { path in
            let environment = try Environment(path: path, tables: ["extra"], creating: true)
            try environment.write { transaction in
                _ = try transaction.append(id: "kept") { _, _ in Array("kept".utf8) }
            }
            let before = try environment.read { try $0.head() }
            #expect(throws: Abandon.self) {
                try environment.write { transaction in
                    for index in 0..<3 {
                        _ = try transaction.append(id: "lost-\(index)") { _, _ in Array("lost".utf8) }
                    }
                    try transaction.put([1, 2, 3], forKey: [9], in: environment.table(named: "extra"))
                    throw Abandon()
                }
            }
            let after = try environment.read { try $0.head() }
            #expect(after == before)
            #expect(try records(of: environment).count == 1)
            let leftovers = try environment.read { transaction in
                (
                    try transaction.position(ofID: "lost-0"),
                    try transaction.count(of: environment.table(named: "extra")),
                    try transaction.count(of: transaction.log.recorded)
                )
            }
            #expect(leftovers.0 == nil)
            #expect(leftovers.1 == 0)
            #expect(leftovers.2 == 1)
            // The next append continues at position 2, as if the failed transaction never ran.
            let next = try environment.write { try $0.append(id: nil) { _, _ in [1] } }
            #expect(next.position == Position(2))
        }
    }

    @Test("an append of an indexed id writes nothing and tells the stored position, in its transaction or a later one")
    func appendOfAnIndexedID() throws {
        try withTemporaryStorePath { path in
            let environment = try Environment(path: path, tables: [], creating: true)
            let outcomes = try environment.write { transaction in
                [
                    try transaction.appendUnlessIndexed(id: "a") { _, _ in Array("first".utf8) },
                    try transaction.appendUnlessIndexed(id: "b") { _, _ in Array("second".utf8) },
                    try transaction.appendUnlessIndexed(id: "a") { _, _ in Array("again".utf8) },
                ]
            }
            guard case .appended(let first) = outcomes[0], case .appended(let second) = outcomes[1] else {
                Issue.record("the first two appends were refused: \(outcomes)")
                return
            }
            #expect(first.position == Position(1))
            #expect(second.position == Position(2))
            #expect(outcomes[2] == .alreadyIndexed(Position(1)))
            let later = try environment.write { transaction in
                (
                    try transaction.appendUnlessIndexed(id: "b") { _, _ in Array("later".utf8) },
                    Result { try transaction.append(id: "a") { _, _ in Array("plain".utf8) } }
                )
            }
            #expect(later.0 == .alreadyIndexed(Position(2)))
            #expect(throws: LMDBError.self) { try later.1.get() }
            // Nothing of the refused appends reached the log, its id index or its recorded-time index.
            let stored = try records(of: environment).map { String(decoding: $0.bytes, as: UTF8.self) }
            #expect(stored == ["first", "second"])
            let indexed = try environment.read { transaction in
                (
                    try transaction.position(ofID: "a"),
                    try transaction.position(ofID: "b"),
                    try transaction.count(of: transaction.log.ids),
                    try transaction.count(of: transaction.log.recorded),
                    try transaction.head()?.position
                )
            }
            #expect(indexed.0 == Position(1))
            #expect(indexed.1 == Position(2))
            #expect(indexed.2 == 2)
            #expect(indexed.3 == 2)
            #expect(indexed.4 == Position(2))
        }
    }

    @Test("the map grows from 64 KiB when one transaction writes a few MB")
    func mapGrows() throws {
        try withTemporaryStorePath { path in
            let environment = try Environment(path: path, tables: [], creating: true, initialMapSize: 64 << 10)
            #expect(environment.mapSize <= 64 << 10)
            let count = 400
            var attempts = 0
            try environment.write { transaction in
                attempts += 1
                for index in 0..<count {
                    _ = try transaction.append(id: "event-\(index)") { position, _ in
                        [UInt8](repeating: UInt8(truncatingIfNeeded: position.rawValue), count: 10_000)
                    }
                }
            }
            #expect(attempts > 1, "the transaction never had to be run again")
            #expect(environment.mapSize >= 4_000_000)
            let stored = try records(of: environment)
            #expect(stored.map(\.position) == Array(1...UInt64(count)))
            #expect(
                stored.allSatisfy { record in
                    record.bytes == [UInt8](repeating: UInt8(truncatingIfNeeded: record.position), count: 10_000)
                }
            )
        }
    }

    @Test("a store reopened after growing keeps its events and its map size")
    func grownStoreReopens() throws {
        try withTemporaryStorePath { path in
            do {
                let environment = try Environment(path: path, tables: [], creating: true, initialMapSize: 64 << 10)
                try environment.write { transaction in
                    for _ in 0..<100 {
                        _ = try transaction.append(id: nil) { _, _ in [UInt8](repeating: 7, count: 5_000) }
                    }
                }
            }
            let reopened = try Environment(path: path, tables: [], creating: false)
            #expect(try records(of: reopened).count == 100)
            #expect(reopened.mapSize >= 500_000)
        }
    }

    @Test("opening a missing store without creating throws 'missing' and creates nothing")
    func missingStore() throws {
        try withTemporaryStorePath { path in
            #expect {
                _ = try Environment(path: path, tables: [], creating: false)
            } throws: { error in
                (error as? StoreError)?.kind == .missing
            }
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    // MARK: - Transaction time

    @Test("lastPosition(recordedThrough:) finds the last event recorded at or before an instant")
    func lastPositionRecordedThrough() throws {
        try withTemporaryStorePath { path in
            let clock = ManualClock(1_000)
            let environment = try Environment(path: path, tables: [], creating: true, clock: { clock.now() })
            // Recorded at 1000, 1000, 2000, 3000, then the clock goes back: 3000 again (never earlier).
            var recorded: [Int64] = []
            for seconds: Int64 in [1_000, 1_000, 2_000, 3_000, 2_500] {
                clock.set(seconds)
                let head = try environment.write { try $0.append(id: nil) { _, _ in [0] } }
                recorded.append(head.recorded.secondsSince1970)
            }
            #expect(recorded == [1_000, 1_000, 2_000, 3_000, 3_000])

            let expectations: [(instant: Int64, position: UInt64?)] = [
                (0, nil), (999, nil), (1_000, 2), (1_999, 2), (2_000, 3), (2_999, 3), (3_000, 5), (9_999_999, 5),
            ]
            for (instant, position) in expectations {
                let found = try environment.read {
                    try $0.lastPosition(recordedThrough: Timestamp(secondsSince1970: instant))
                }
                #expect(found?.rawValue == position, "through \(instant)")
            }
        }
    }

    // MARK: - Scans

    /// A table holding keys [10], [20], [20, 5], [30] with values equal to their keys.
    func withScanTable<T>(_ body: (Environment, Table) throws -> T) throws -> T {
        try withTemporaryStorePath { path in
            let environment = try Environment(path: path, tables: ["scan"], creating: true)
            let table = environment.table(named: "scan")
            try environment.write { transaction in
                for key: [UInt8] in [[30], [10], [20, 5], [20]] {
                    try transaction.put(key, forKey: key, in: table)
                }
            }
            return try body(environment, table)
        }
    }

    static let scans: [(start: [UInt8]?, reverse: Bool, visited: [[UInt8]])] = [
        (nil, false, [[10], [20], [20, 5], [30]]),
        (nil, true, [[30], [20, 5], [20], [10]]),
        ([15], false, [[20], [20, 5], [30]]),
        ([25], true, [[20, 5], [20], [10]]),
        ([20, 1], true, [[20], [10]]),
        ([20], true, [[20], [10]]),
        ([20, 5], true, [[20, 5], [20], [10]]),
        ([5], true, []),
        ([5], false, [[10], [20], [20, 5], [30]]),
        ([40], true, [[30], [20, 5], [20], [10]]),
        ([40], false, []),
        ([30], false, [[30]]),
        ([10], true, [[10]]),
    ]

    @Test(
        "scan(_:from:reverse:) starts at the first key at or after start, or in reverse at the last at or before it",
        arguments: scans
    )
    func scanSemantics(start: [UInt8]?, reverse: Bool, visited: [[UInt8]]) throws {
        try withScanTable { environment, table in
            let keys = try environment.read { transaction in
                var keys: [[UInt8]] = []
                try transaction.scan(table, from: start, reverse: reverse) { key, value in
                    #expect(Array(key) == Array(value))
                    keys.append(Array(key))
                    return true
                }
                return keys
            }
            #expect(keys == visited)
        }
    }

    @Test("a scan stops when its body returns false")
    func scanStops() throws {
        try withScanTable { environment, table in
            let keys = try environment.read { transaction in
                var keys: [[UInt8]] = []
                try transaction.scan(table, from: [25], reverse: true) { key, _ in
                    keys.append(Array(key))
                    return keys.count < 2
                }
                return keys
            }
            #expect(keys == [[20, 5], [20]])
        }
    }

    // MARK: - Timestamps and dates

    @Test("Timestamp round-trips through RFC 3339 (5,000 seeded instants from year 1 to 9999)")
    func timestampRoundTrip() throws {
        var generator = SeededGenerator(seed: 1970)
        let earliest = Timestamp(startOf: try #require(CivilDate(year: 1, month: 1, day: 1))).secondsSince1970
        let latest =
            Timestamp(startOf: try #require(CivilDate(year: 9999, month: 12, day: 31))).secondsSince1970
            + 86_399
        for _ in 0..<5000 {
            let seconds = Int64.random(in: earliest...latest, using: &generator)
            let instant = Timestamp(secondsSince1970: seconds)
            let text = instant.rfc3339
            #expect(text.count == 20, "\(seconds): \(text)")
            #expect(Timestamp(rfc3339: text) == instant, "\(seconds): \(text)")
        }
    }

    static let knownInstants: [(seconds: Int64, text: String)] = [
        (0, "1970-01-01T00:00:00Z"),
        (-1, "1969-12-31T23:59:59Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (1_234_567_890, "2009-02-13T23:31:30Z"),
        (1_709_251_199, "2024-02-29T23:59:59Z"),
        (4_107_542_400, "2100-03-01T00:00:00Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"),
    ]

    @Test("known instants print as `date -u` prints them", arguments: knownInstants)
    func knownInstant(seconds: Int64, text: String) {
        #expect(Timestamp(secondsSince1970: seconds).rfc3339 == text)
        #expect(Timestamp(rfc3339: text)?.secondsSince1970 == seconds)
    }

    @Test(
        "Timestamp(rfc3339:) reads only UTC with Z and whole seconds",
        arguments: [
            "2020-01-01T10:00:00+02:00", "2020-01-01T24:00:00Z", "2020-01-01T10:60:00Z", "2020-01-01T10:00:60Z",
            "2020-01-01 10:00:00Z", "2020-01-01T10:00:00.5Z", "2020-02-30T10:00:00Z", "2020-01-01", "",
        ]
    )
    func timestampRejects(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test("CivilDate round-trips through days since 1970 and YYYY-MM-DD (5,000 seeded days)")
    func civilDateRoundTrip() throws {
        var generator = SeededGenerator(seed: 2026)
        let first = try #require(CivilDate(year: 1, month: 1, day: 1)).daysSince1970
        let last = try #require(CivilDate(year: 9999, month: 12, day: 31)).daysSince1970
        for _ in 0..<5000 {
            let days = Int64.random(in: first...last, using: &generator)
            let date = CivilDate(daysSince1970: days)
            #expect(date.daysSince1970 == days)
            #expect(CivilDate(iso: date.description) == date, "\(days): \(date)")
            #expect(CivilDate(year: date.year, month: date.month, day: date.day) == date)
            #expect(CivilDate(daysSince1970: days + 1) > date)
        }
    }

    @Test("consecutive days from 1900 to 2100 are consecutive dates")
    func consecutiveDays() throws {
        var date = try #require(CivilDate(year: 1900, month: 1, day: 1))
        var days = date.daysSince1970
        while date.year < 2101 {
            let next = CivilDate(daysSince1970: days + 1)
            if date.day < CivilDate.daysIn(month: date.month, year: date.year) {
                #expect((next.year, next.month, next.day) == (date.year, date.month, date.day + 1))
            } else if date.month < 12 {
                #expect((next.year, next.month, next.day) == (date.year, date.month + 1, 1))
            } else {
                #expect((next.year, next.month, next.day) == (date.year + 1, 1, 1))
            }
            date = next
            days += 1
        }
    }

    static let februaries: [(year: Int, days: Int)] = [
        (1900, 28), (2000, 29), (2004, 29), (2020, 29), (2021, 28), (2023, 28), (2024, 29), (2100, 28), (2400, 29),
    ]

    @Test("leap years: every 4th, not every 100th, but every 400th", arguments: februaries)
    func leapYears(year: Int, days: Int) {
        #expect(CivilDate.daysIn(month: 2, year: year) == days)
        #expect((CivilDate(year: year, month: 2, day: 29) != nil) == (days == 29))
        #expect((CivilDate(iso: "\(year)-02-29") != nil) == (days == 29))
        #expect(CivilDate(iso: "\(year)-02-30") == nil)
    }

    @Test(
        "CivilDate(iso:) refuses anything but a valid YYYY-MM-DD",
        arguments: [
            "2021-02-30", "2021-04-31", "2021-13-01", "2021-00-10", "2021-01-00", "0000-01-01", "2021-1-01",
            "21-01-01", "2021/01/01", "2021-01-01T00:00:00Z", "", "２０２１-01-01",
        ]
    )
    func civilDateRejects(text: String) {
        #expect(CivilDate(iso: text) == nil)
    }

    @Test("the day before 1970-01-01 and the start of a day")
    func epochNeighbours() throws {
        let before = CivilDate(daysSince1970: -1)
        #expect(before.description == "1969-12-31")
        let date = try #require(CivilDate(iso: "2024-02-29"))
        #expect(Timestamp(startOf: date).rfc3339 == "2024-02-29T00:00:00Z")
        #expect(Timestamp(secondsSince1970: -1).date == before)
        #expect(CivilDate(year: 12, month: 3, day: 4)?.description == "0012-03-04")
    }
}
