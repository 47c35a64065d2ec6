import Foundation
import Testing

/// The map grows by itself: a user never sees MDB_MAP_FULL.
@Suite(.serialized)
struct MapGrowthTests {
    @Test(
        "50,000 events imported in one file into a store that starts with a 64 KiB map all arrive",
        .timeLimit(.minutes(5))
    )
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
}
