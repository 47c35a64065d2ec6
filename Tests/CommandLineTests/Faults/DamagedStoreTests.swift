import EventStore
import Foundation
import Testing

/// A damaged data.mdb never crashes sckb: every command ends with an exit status (3 and one line for damage), and
/// verify reports every damage that changes what a user sees.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct FaultDamagedStoreTests {
    /// The commands run on each damaged copy: verify, export and two queries (one walks a read model, one looks an
    /// entity up by key).
    static func commands(city: String) -> [[String]] {
        [
            ["verify"], ["export"], ["graph", "--planned", "--format", "json"],
            ["city", city, "--format", "json"],
        ]
    }

    /// The commands run on the intact store, each required to end with exit 0 and no signal.
    static func intactRuns(of commands: [[String]], store: String, folder: String) throws -> [FaultRun] {
        let runs = try commands.map { try runFault($0 + ["--store", store], folder: folder) }
        for (command, run) in zip(commands, runs) {
            try #require(run.result.status == 0 && !run.signalled, "intact store: \(run.summary(command))")
        }
        return runs
    }

    /// A generator of the bits to flip: a fixed seed, so that every run damages the same bits;
    /// SCKB_BIT_FLIP_SEED explores others.
    static func flipGenerator(defaultSeed: UInt64) -> SeededGenerator {
        let seed = ProcessInfo.processInfo.environment["SCKB_BIT_FLIP_SEED"].flatMap(UInt64.init)
        return SeededGenerator(seed: seed ?? defaultSeed)
    }

    /// Runs `body` with a store of a generated log of `events` events, the id of a city it registers, and the
    /// bytes of its intact data.mdb.
    private func withGeneratedStore<T>(
        events: Int,
        _ body: (_ folder: String, _ store: String, _ city: String, _ intact: [UInt8]) throws -> T
    ) throws -> T {
        try withTemporaryDirectory { folder in
            let generated = try runSCKB(["generate", "--events", String(events), "--seed", "11"])
            try #require(generated.status == 0, "\(generated.standardError)")
            try Data(generated.outputBytes).write(to: URL(fileURLWithPath: folder + "/log.jsonl"))
            let store = folder + "/store"
            let imported = try runSCKB(["import", folder + "/log.jsonl", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            let city = try generated.outputLines.lazy.map { try jsonObject($0) }
                .first { $0["type"] as? String == "CityRegistered" }
                .flatMap { ($0["data"] as? [String: Any])?["city"] as? String }
            let intact = [UInt8](try Data(contentsOf: URL(fileURLWithPath: store + "/data.mdb")))
            return try body(folder, store, try #require(city), intact)
        }
    }

    /// Puts `bytes` in place of the store's data.mdb and drops its lock file (as after a restore from backup).
    private func replaceDataFile(of store: String, with bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: store + "/data.mdb"))
        try? FileManager.default.removeItem(atPath: store + "/lock.mdb")
    }

    @Test(
        "100 single-bit flips in data.mdb: no process dies by a signal; every flip that changes an output fails verify"
    )
    func singleBitFlips() throws {
        let trials = 100
        try withGeneratedStore(events: 400) { folder, store, city, intact in
            let commands = Self.commands(city: city)
            let baseline = try Self.intactRuns(of: commands, store: store, folder: folder)
            var generator = Self.flipGenerator(defaultSeed: 2)
            var detected = 0
            var unchanged = 0
            var memoryFaults = 0
            for trial in 1...trials {
                let bit = Int.random(in: 0..<(intact.count * 8), using: &generator)
                var damaged = intact
                damaged[bit / 8] ^= UInt8(1 << (bit % 8))
                try replaceDataFile(of: store, with: damaged)
                let runs = try commands.map { try runFault($0 + ["--store", store], folder: folder) }
                let place = "trial \(trial), bit \(bit) (page \(bit / 8 / 4096))"
                for (command, run) in zip(commands, runs) {
                    #expect(!run.signalled, "\(place): \(run.summary(command))")
                    #expect([0, 1, 3].contains(run.result.status), "\(place): \(run.summary(command))")
                    if run.result.status == 3 {
                        #expect(run.result.errorLines.count == 1, "\(place): \(run.result.standardError)")
                    }
                }
                let differs = zip(runs, baseline).dropFirst().contains { run, intactRun in
                    run.result.status != intactRun.result.status
                        || run.result.outputBytes != intactRun.result.outputBytes
                }
                let verify = runs[0].result
                if differs {
                    #expect(
                        verify.status == 3,
                        "\(place): an output differs from the intact store's, yet verify says \(verify.standardOutput)"
                    )
                }
                if verify.status == 3 { detected += 1 } else { unchanged += 1 }
                if runs.contains(where: {
                    $0.result.standardError.contains("(SIGBUS") || $0.result.standardError.contains("(SIGSEGV")
                }) {
                    memoryFaults += 1
                }
            }
            print(
                "bit flips: \(trials) trials, \(detected) reported by verify, \(unchanged) with outputs unchanged, "
                    + "\(memoryFaults) ended by a memory fault turned into exit 3"
            )
            try replaceDataFile(of: store, with: intact)
            #expect(try runSCKB(["verify", "--store", store]).status == 0)
        }
    }

    /// The read-model tables whose values are rows (index tables hold empty values).
    static let rowTables = [
        "rm.projects", "rm.cities", "rm.solutions", "rm.demonstrations", "rm.meetings", "rm.grants", "rm.roles",
        "rm.city-roles", "rm.adoptions", "rm.holder-counts", "rm.country-holders", "rm.replications",
        "rm.replications-by-city", "rm.plans", "rm.plans-by-city", "rm.open-plans", "rm.impacts", "rm.kpi-sums",
        "rm.kpi-maxima", "rm.demonstration-counts", "rm.membership-events", "rm.members", "rm.attendance",
        "rm.travel", "rm.travel-years", "rm.locations",
    ]

    @Test(
        "100 single-bit flips inside read-model rows: no signal deaths; verify reports every flip after which a query or a rule answers otherwise"
    )
    func rowBitFlips() throws {
        try withTemporaryDirectory { folder in
            // The store holds the first 450 events of a generated log; the other 150 (impact reports, CCG
            // memberships, meetings, travel, grants) are imported on each damaged copy, so that rules read its rows.
            let generated = try runSCKB(["generate", "--events", "600", "--seed", "11"])
            try #require(generated.status == 0, "\(generated.standardError)")
            let lines = generated.outputLines.map { String($0) + "\n" }
            try lines.prefix(450).joined().write(toFile: folder + "/log.jsonl", atomically: true, encoding: .utf8)
            try lines.dropFirst(450).joined().write(toFile: folder + "/more.jsonl", atomically: true, encoding: .utf8)
            let store = folder + "/store"
            let imported = try runSCKB(["import", folder + "/log.jsonl", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: store + "/data.mdb")))
            // The pages in use, at the start of the file (the rest is the map's unused length, zeros, which LMDB
            // gives the file back when it opens it): each trial writes this much, not the whole map.
            let used = Array(file.prefix((file.lastIndex { $0 != 0 } ?? 0) + 1))
            let intact = Array(file.prefix((used.count + 65535) / 65536 * 65536))
            // Where each row's value lies in data.mdb: an LMDB leaf node holds its key, then its value, so key ‖ value
            // found exactly once places the value.
            var places: [(table: String, value: Range<Int>)] = []
            let environment = try Environment(path: store, tables: Self.rowTables, creating: false, isReadOnly: true)
            try environment.read { transaction in
                for name in Self.rowTables {
                    try transaction.scan(environment.table(named: name), from: nil, reverse: false) { key, value in
                        guard !value.isEmpty else { return true }
                        let hits = offsets(of: Array(key) + Array(value), in: used)
                        if hits.count == 1 {
                            places.append((name, (hits[0] + key.count)..<(hits[0] + key.count + value.count)))
                        }
                        return true
                    }
                }
            }
            try #require(places.count > 300, "only \(places.count) rows placed")
            // verify first (the import changes the store); a profile, the sums, and the rules of an import.
            let commands = [
                ["verify"], ["city", "city-3", "--format", "json"], ["kpis", "--format", "json"],
                ["import", folder + "/more.jsonl"],
            ]
            func runAll() throws -> [FaultRun] {
                try commands.map { try runFault($0 + ["--store", store], folder: folder) }
            }
            func restore(_ bytes: [UInt8]) throws {
                try Data(bytes).write(to: URL(fileURLWithPath: store + "/data.mdb"))
                try? FileManager.default.removeItem(atPath: store + "/lock.mdb")
            }
            try restore(intact)
            let baseline = try Self.intactRuns(of: commands, store: store, folder: folder)
            var generator = Self.flipGenerator(defaultSeed: 5)
            var reported = 0
            var damageLines = 0
            var tablesHit = Set<String>()
            for trial in 1...100 {
                let place = places[Int.random(in: 0..<places.count, using: &generator)]
                let bit = Int.random(in: (place.value.lowerBound * 8)..<(place.value.upperBound * 8), using: &generator)
                var damaged = intact
                damaged[bit / 8] ^= UInt8(1 << (bit % 8))
                try restore(damaged)
                let runs = try runAll()
                let label = "trial \(trial), a row of \(place.table), bit \(bit)"
                tablesHit.insert(place.table)
                for (command, run) in zip(commands, runs) {
                    #expect(!run.signalled, "\(label): \(run.summary(command))")
                    #expect([0, 1, 3].contains(run.result.status), "\(label): \(run.summary(command))")
                    if run.result.status == 3 {
                        #expect(run.result.errorLines.count == 1, "\(label): \(run.result.standardError)")
                        if command != ["verify"] { damageLines += 1 }
                    }
                }
                let differs = zip(runs, baseline).dropFirst().contains { run, intactRun in
                    run.result.status != intactRun.result.status
                        || run.result.outputBytes != intactRun.result.outputBytes
                }
                // verify ran on the damaged copy before the import changed it.
                let verify = runs[0].result
                if verify.status == 3 { reported += 1 }
                if differs {
                    #expect(verify.status == 3, "\(label): an answer differs, yet verify says \(verify.standardOutput)")
                }
            }
            print(
                "row bit flips: 100 trials over \(places.count) rows of \(tablesHit.count) tables, \(reported) reported "
                    + "by verify, \(damageLines) answers of the other commands that named the damage (exit 3)"
            )
            #expect(reported == 100, "a flipped row that verify does not report")
            try restore(intact)
            #expect(try runSCKB(["verify", "--store", store]).status == 0)
        }
    }

    @Test("a truncated data.mdb (LMDB reads past its end: SIGBUS) ends every command with one line and exit 3")
    func truncatedDataFile() throws {
        try withGeneratedStore(events: 3000) { folder, store, city, intact in
            try #require(intact.count > 1 << 20, "the store is too small to truncate meaningfully")
            try replaceDataFile(of: store, with: Array(intact.prefix(64 << 10)))
            for command in Self.commands(city: city) + [["stats"], ["log", "--limit", "5"]] {
                let run = try runFault(command + ["--store", store], folder: folder)
                #expect(!run.signalled, "\(run.summary(command))")
                #expect(run.result.status == 3, "\(run.summary(command))")
                #expect(run.result.errorLines.count == 1, "\(run.result.standardError)")
                #expect(
                    run.result.standardError.hasPrefix("sckb: the store at \(store) is damaged ("),
                    "\(run.result.standardError)"
                )
                #expect(run.result.standardError.contains("restore it from an export"))
                #expect(!run.result.standardError.contains("Backtrac"), "a crash report was printed")
            }
        }
    }
}
