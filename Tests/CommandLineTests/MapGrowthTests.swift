import Foundation
import Synchronization
import Testing

/// The map grows by itself: a user never sees MDB_MAP_FULL.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct MapGrowthTests {
    @Test("50,000 events imported in one file into a store that starts with a 64 KiB map all arrive")
    func largeImportGrowsTheMap() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let path = folder + "/cities.jsonl"
            let count = 50_000
            var text = ""
            text.reserveCapacity(count * 130)
            for index in 1...count {
                let number = String(index)
                let padded = String(repeating: "0", count: max(0, 5 - number.count)) + number
                text += cityLine("city-\(padded)", name: "City \(padded)", country: "DE", id: "registration-\(padded)")
                text += "\n"
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))

            let environment = ["SCKB_INITIAL_MAP_SIZE": "65536"]
            let imported = try runSCKB(
                ["import", path, "--store", store, "--format", "json"],
                environment: environment
            )
            #expect(imported.status == 0, "import: \(imported.standardError)")
            #expect(imported.standardError.isEmpty, "import: \(imported.standardError)")
            #expect(
                imported.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
                    == #"{"appended":50000,"skipped":0}"#
            )

            let stats = try runSCKB(["stats", "--store", store, "--format", "json"], environment: environment)
            #expect(stats.status == 0, "stats: \(stats.standardError)")
            let object = try jsonObject(stats.standardOutput)
            #expect(object["events"] as? Int == count)
            #expect((object["head"] as? [String: Any])?["position"] as? Int == count)
            #expect((object["by_type"] as? [String: Int]) == ["CityRegistered": count])
            #expect((object["store_bytes"] as? Int ?? 0) > 65536)

            // Several MB of standard output arrive whole (the runner writes it to a file, not a pipe).
            let export = try runSCKB(["export", "--store", store])
            #expect(export.status == 0, "export: \(export.standardError)")
            let lines = export.outputLines
            #expect(lines.count == count)
            let last = try jsonObject(try #require(lines.last))
            #expect(last["position"] as? Int == count)
            #expect(last["id"] as? String == "registration-50000")
        }
    }

    /// An import that grows a write-mapped store's map many times (from 1 MiB) while other processes open the same
    /// store: each opening must leave the file at least as large as the writer's map. Before the map lock, the third
    /// `stats` or so cut the file back to the last commit's map size and the import died of SIGBUS.
    @Test(
        "a write-mapped import grows its map while sckb stats opens the store again and again: it completes, verified"
    )
    func mapGrowsWhileOthersOpen() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try writeGeneratedLog(events: 50_000, seed: 11, to: folder + "/log.jsonl")
            let environment = ["SCKB_INITIAL_MAP_SIZE": "1048576", "SCKB_WRITEMAP": "1"]
            let finished = Mutex<RunResult?>(nil)
            let importer = Thread {
                let arguments = ["import", folder + "/log.jsonl", "--store", store]
                let result = try? runSCKB(arguments, environment: environment)
                finished.withLock { $0 = result }
            }
            importer.start()
            var opened = 0
            var refused: [String] = []
            while finished.withLock({ $0 == nil }) {
                let stats = try runSCKB(["stats", "--store", store, "--format", "json"], environment: environment)
                // Until the import's first commit the store is not there yet, or has no tables: stats says so.
                let isBeforeFirstCommit =
                    opened == 0
                    && ["no store there", "its tables are missing"].contains { stats.standardError.contains($0) }
                if stats.status == 0 {
                    opened += 1
                } else if !isBeforeFirstCommit {
                    refused.append(stats.standardError)
                }
            }
            let imported = try #require(finished.withLock { $0 })
            #expect(imported.status == 0, "import: \(imported.standardError)")
            #expect(refused.isEmpty, "\(refused)")
            #expect(opened >= 3, "stats opened the store only \(opened) times during the import")
            let verified = try runSCKB(["verify", "--store", store], environment: environment)
            #expect(verified.status == 0, "verify: \(verified.standardOutput)")
            #expect(verified.standardOutput.hasPrefix("ok: 50000 events"), "verify: \(verified.standardOutput)")
        }
    }
}
