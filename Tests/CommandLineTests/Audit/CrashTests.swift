import Foundation
import Testing

/// kill -9 at a random moment leaves a store that verifies, with every file wholly in or wholly out.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct AuditCrashTests {
    static let generatedEvents = 20000

    /// Runs `body` with a folder holding `big.jsonl` (a generated log of `events`) and an empty store at `store`.
    private func withBigFile<T>(
        events: Int = generatedEvents,
        _ body: (_ folder: String, _ store: String) throws -> T
    ) throws -> T {
        try withTemporaryDirectory { folder in
            let generated = try runSCKB(["generate", "--events", String(events), "--seed", "3"])
            try #require(generated.status == 0, "\(generated.standardError)")
            try #require(generated.outputLines.count == events)
            try Data(generated.outputBytes).write(to: URL(fileURLWithPath: folder + "/big.jsonl"))
            // Create the store first, so that an early kill leaves an empty store rather than none.
            let store = folder + "/store"
            try writeJSONLines([], to: folder + "/empty.jsonl")
            try #require(try runSCKB(["import", folder + "/empty.jsonl", "--store", store]).status == 0)
            return try body(folder, store)
        }
    }

    /// Requires the store to verify (exit 0, `"ok":true`) and returns its event count.
    private func verifiedCount(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let verify = try runSCKB(["verify", "--store", store, "--format", "json"])
        #expect(verify.status == 0, "\(verify.standardOutput) \(verify.standardError)", sourceLocation: sourceLocation)
        let report = try jsonObject(verify.standardOutput)
        #expect(report["ok"] as? Bool == true, "\(verify.standardOutput)", sourceLocation: sourceLocation)
        let count = try auditEventCount(store: store, sourceLocation: sourceLocation)
        #expect(report["events"] as? Int == count, sourceLocation: sourceLocation)
        return count
    }

    /// Sleeps `milliseconds`: only to choose the moment of the kill, never to wait for something to happen.
    private func pause(milliseconds: Int) {
        Thread.sleep(forTimeInterval: Double(milliseconds) / 1000)
    }

    @Test(
        "kill -9 during an import leaves a store that verifies, with the file wholly in or wholly out",
        arguments: [50, 180, 450, 1100, 2000]
    )
    func killedImport(delay: Int) throws {
        try withBigFile { folder, store in
            // A little random jitter on top of the chosen delay, so the kill lands at different points of the work.
            var generator = SystemRandomNumberGenerator()
            let jitter = Int.random(in: 0...(delay / 5), using: &generator)
            let importer = try BackgroundSCKB(
                ["import", folder + "/big.jsonl", "--store", store],
                folder: folder,
                name: "import"
            )
            pause(milliseconds: delay + jitter)
            importer.kill()
            let (result, killed) = try importer.wait()
            let count = try verifiedCount(store)
            #expect(count == 0 || count == Self.generatedEvents, "part of the file is in: \(count) events")
            if !killed {
                #expect(result.status == 0, "\(result.standardError)")
                #expect(count == Self.generatedEvents)
            }
        }
    }

    @Test("after a kill -9 during an import, importing the file again completes and verifies")
    func importAgainAfterKill() throws {
        try withBigFile { folder, store in
            let importer = try BackgroundSCKB(
                ["import", folder + "/big.jsonl", "--store", store],
                folder: folder,
                name: "import"
            )
            pause(milliseconds: 600)
            importer.kill()
            _ = try importer.wait()
            let before = try verifiedCount(store)
            #expect(before == 0 || before == Self.generatedEvents)
            let again = try runSCKB(["import", folder + "/big.jsonl", "--store", store, "--format", "json"])
            #expect(again.status == 0, "\(again.standardError)")
            let counts = try jsonObject(again.standardOutput)
            #expect(counts["appended"] as? Int == Self.generatedEvents - before)
            #expect(counts["skipped"] as? Int == before)
            #expect(try verifiedCount(store) == Self.generatedEvents)
        }
    }

    @Test(
        "kill -9 during a replay leaves the store as it was: it verifies and holds every event",
        arguments: [100, 700]
    )
    func killedReplay(delay: Int) throws {
        let events = 5000
        try withBigFile(events: events) { folder, store in
            let imported = try runSCKB(["import", folder + "/big.jsonl", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            let exportBefore = try exportBytes(store: store)
            let replay = try BackgroundSCKB(["replay", "--store", store], folder: folder, name: "replay")
            pause(milliseconds: delay)
            replay.kill()
            _ = try replay.wait()
            #expect(try verifiedCount(store) == events)
            #expect(try exportBytes(store: store) == exportBefore)
        }
    }
}
