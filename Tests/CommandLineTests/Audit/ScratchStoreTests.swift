import Foundation
import Testing

/// A view cut in time folds the log in memory: it writes nothing to `$TMPDIR` and needs no such folder.
@Suite("Scratch stores of cut views")
struct ScratchStoreTests {
    @Test("a cut view writes nothing to $TMPDIR and works without one")
    func scratchInTemporaryFolder() throws {
        try withDomainStore(seededWith: DomainEvent.triangulum) { store throws in
            let scratch = store.folder + "/tmp"
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let cut = try runSCKB(
                ["graph", "--until", "6", "--format", "json", "--store", store.path],
                environment: ["TMPDIR": scratch]
            )
            #expect(cut.status == 0, "\(cut.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
            let missing = store.folder + "/no-such-folder"
            let withoutFolder = try runSCKB(
                ["graph", "--until", "6", "--format", "json", "--store", store.path],
                environment: ["TMPDIR": missing]
            )
            #expect(withoutFolder.status == 0, "\(withoutFolder.standardError)")
            #expect(withoutFolder.outputBytes == cut.outputBytes)
            #expect(!FileManager.default.fileExists(atPath: missing))
        }
    }
}

/// `verify` folds the log into a scratch store; with a tiny initial map it must grow that map many times.
@Suite("Scratch stores that grow")
struct ScratchGrowthTests {
    @Test(
        "verify with a 64 KiB scratch map gives the same report on an intact store of 3,000 events as with the default"
    )
    func verifyWithTinyScratchMap() throws {
        try withTemporaryDirectory { folder in
            try writeGeneratedLog(events: 3000, seed: 7, to: folder + "/log.jsonl")
            let store = folder + "/kb"
            try #require(try runSCKB(["import", folder + "/log.jsonl", "--store", store]).status == 0)
            let arguments = ["verify", "--format", "json", "--store", store]
            let roomy = try runSCKB(arguments)
            let grown = try runSCKB(arguments, environment: ["SCKB_SCRATCH_MAP_SIZE": "65536"])
            #expect(grown.status == 0, "\(grown.standardOutput.prefix(500)) \(grown.standardError)")
            let report = try jsonObject(grown.standardOutput)
            #expect(report["events"] as? Int == 3000)
            #expect(grown.outputBytes == roomy.outputBytes)
        }
    }
}
