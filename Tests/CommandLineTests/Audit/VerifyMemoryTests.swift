import EventStore
import Foundation
import Testing

/// `verify` folds the log into its scratch store in batches, each its own scratch transaction: a store of several
/// batches verifies the same whether the scratch map has to grow inside batches or not, and damage found in a later
/// batch is named where it is.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct VerifyBatchTests {
    /// 10,000 events: more than two of verify's batches of 4,096 (`SCKB_VERIFY_BATCH`).
    static let count = 10_000
    static let batches = ["SCKB_VERIFY_BATCH": "4096"]

    private func withGeneratedStore<T>(_ body: (_ store: String) throws -> T) throws -> T {
        try withTemporaryDirectory { folder in
            try writeGeneratedLog(events: Self.count, seed: 11, to: folder + "/log.jsonl")
            let store = folder + "/kb"
            let imported = try runSCKB(["import", folder + "/log.jsonl", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            return try body(store)
        }
    }

    @Test("a store of three batches verifies ok, with the same report whether the 64 KiB scratch map grows or not")
    func severalBatchesWithTinyScratchMap() throws {
        try withGeneratedStore { store in
            let roomy = try runSCKB(["verify", "--format", "json", "--store", store], environment: Self.batches)
            let tiny = try runSCKB(
                ["verify", "--format", "json", "--store", store],
                environment: Self.batches.merging(["SCKB_SCRATCH_MAP_SIZE": "65536"]) { $1 }
            )
            #expect(roomy.status == 0, "\(roomy.standardOutput.prefix(500))")
            #expect(tiny.status == 0, "\(tiny.standardOutput.prefix(500))")
            #expect(roomy.outputBytes == tiny.outputBytes)
            let report = try jsonObject(tiny.standardOutput)
            #expect(report["events"] as? Int == Self.count)
            let stats = try jsonObject(try runSCKB(["stats", "--format", "json", "--store", store]).standardOutput)
            #expect(report["head"] as? String == (stats["head"] as? [String: Any])?["hash"] as? String)
        }
    }

    @Test("a row missing from index.by-type in the third batch is named at its position, with either scratch map")
    func damageInALaterBatch() throws {
        try withGeneratedStore { store in
            let target = 9_000
            do {
                let environment = try Environment(
                    path: store,
                    tables: ["index.by-type"],
                    layouts: groupedTableLayouts,
                    creating: false
                )
                let index = environment.table(named: "index.by-type")
                try environment.write { transaction in
                    var victim: [UInt8]?
                    try transaction.scan(index, from: nil, reverse: false) { key, _ in
                        if Position(key: UnsafeRawBufferPointer(rebasing: key[1...]))?.rawValue == UInt64(target) {
                            victim = Array(key)
                            return false
                        }
                        return true
                    }
                    let key = try #require(victim)
                    #expect(try transaction.removeValue(forKey: key, in: index))
                }
            }
            for scratch in [[:], ["SCKB_SCRATCH_MAP_SIZE": "65536"]] {
                let environment = Self.batches.merging(scratch) { $1 }
                let result = try runSCKB(["verify", "--format", "json", "--store", store], environment: environment)
                #expect(result.status == 3, "\(result.standardError)")
                let report = try jsonObject(result.standardOutput)
                #expect(report["events"] as? Int == Self.count)
                let problems = try #require(report["problems"] as? [[String: Any]])
                #expect(problems.count == 1, "\(problems)")
                #expect(problems.first?["position"] as? Int == target, "\(problems)")
                #expect((problems.first?["problem"] as? String)?.contains("index.by-type") == true, "\(problems)")
            }
        }
    }
}
