import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `mirror` as a user runs it: an exact replica of the real `events/` that follows later imports, a forked source
/// refused with exit 3, local writes refused, and kill -9 at random moments of a long follow.
@Suite("mirror", .serialized, .timeLimit(.minutes(5)))
struct MirrorCommandTests {
    /// Writes the export of `store` to `file`.
    static func export(_ store: String, to file: String) throws {
        let exported = try runSCKB(["export", "--store", store])
        try #require(exported.status == 0, "\(exported.standardError)")
        try Data(exported.outputBytes).write(to: URL(fileURLWithPath: file))
    }

    /// A folder with a store of events/ at `source` and the path for a mirror beside it.
    static func withEventsSource(_ body: (_ folder: String, _ source: String, _ mirror: String) throws -> Void) throws {
        try withTemporaryDirectory { folder in
            let source = folder + "/source"
            let imported = try runSCKB(["import", ViewCompatibilityTests.repository + "/events", "--store", source])
            try #require(imported.status == 0, "\(imported.standardError)")
            try body(folder, source, folder + "/mirror")
        }
    }

    @Test("a mirror of events/ follows 3 more imports; export byte-identical, verify ok, stats names the source")
    func mirrorFollowsImports() throws {
        try Self.withEventsSource { folder, source, mirror in
            for round in 0...3 {
                if round > 0 {
                    let city = DiffCommandTests.city("mirror-round-\(round)")
                    try writeJSONLines([city], to: folder + "/more-\(round).jsonl")
                    let more = try runSCKB(["import", folder + "/more-\(round).jsonl", "--store", source])
                    try #require(more.status == 0, "\(more.standardError)")
                }
                // A publish folder: events.jsonl in a folder.
                try FileManager.default.createDirectory(atPath: folder + "/site", withIntermediateDirectories: true)
                try Self.export(source, to: folder + "/site/events.jsonl")
                let followed = try runSCKB(["mirror", folder + "/site", "--store", mirror])
                #expect(followed.status == 0 && followed.errorLines.isEmpty, "\(followed.standardError)")
                #expect(try exportBytes(store: mirror) == exportBytes(store: source), "round \(round)")
                #expect(try runSCKB(["verify", "--store", mirror]).status == 0)
            }
            let stats = try jsonObject(try runSCKB(["stats", "--store", mirror, "--format", "json"]).standardOutput)
            let record = try #require(stats["mirror"] as? [String: Any])
            #expect(record["source"] as? String == folder + "/site" && record["last_sync"] is String)
            #expect(
                try jsonObject(try runSCKB(["stats", "--store", source, "--format", "json"]).standardOutput)["tree"]
                    as? NSDictionary == stats["tree"] as? NSDictionary
            )
            let append = try runSCKB(
                ["append", "CityRegistered", "city=local", "name=L", "country=DE", "--store", mirror]
            )
            #expect(append.status == 1 && append.errorLines.count == 1, "\(append.standardError)")
            #expect(append.standardError.contains("mirror of \(folder)/site"))
            let importing = try runSCKB(["import", folder + "/more-1.jsonl", "--store", mirror])
            #expect(importing.status == 1 && importing.standardError.contains("mirror of"))
            #expect(try exportBytes(store: mirror) == exportBytes(store: source))
        }
    }

    @Test("a forked source (same first 300 events, another 301st) is refused: exit 3, both hashes, mirror unchanged")
    func forkedSourceIsRefused() throws {
        try withTemporaryDirectory { folder in
            let generated = try runSCKB(["generate", "--events", "301", "--seed", "3"])
            try #require(generated.status == 0)
            let lines = generated.outputLines
            try writeJSONLines(lines[0..<300].map(String.init), to: folder + "/first-300.jsonl")
            let base = folder + "/base"
            try #require(try runSCKB(["import", folder + "/first-300.jsonl", "--store", base]).status == 0)
            try DiffCommandTests.copyStore(base, to: folder + "/fork")
            try writeJSONLines([String(lines[300])], to: folder + "/last.jsonl")
            try #require(try runSCKB(["import", folder + "/last.jsonl", "--store", base]).status == 0)
            try writeJSONLines([DiffCommandTests.city("fork-city")], to: folder + "/other.jsonl")
            try #require(try runSCKB(["import", folder + "/other.jsonl", "--store", folder + "/fork"]).status == 0)
            try Self.export(base, to: folder + "/base.jsonl")
            try Self.export(folder + "/fork", to: folder + "/fork.jsonl")

            let mirror = folder + "/mirror"
            try #require(try runSCKB(["mirror", folder + "/base.jsonl", "--store", mirror]).status == 0)
            let before = try exportBytes(store: mirror)
            let hashes = try [base, folder + "/fork"].map { store in
                let line = try #require(try runSCKB(["export", "--store", store]).outputLines.last)
                return try #require(try jsonObject(line)["hash"] as? String)
            }
            let refused = try runSCKB(["mirror", folder + "/fork.jsonl", "--store", mirror])
            #expect(refused.status == 3 && refused.errorLines.count == 1, "\(refused.standardError)")
            #expect(refused.standardError.contains("position 301"))
            #expect(refused.standardError.contains(hashes[0]) && refused.standardError.contains(hashes[1]))
            #expect(try exportBytes(store: mirror) == before)
            let evidence = try FileManager.default.contentsOfDirectory(atPath: mirror + "/forks")
            #expect(evidence.count == 1)
            // A gap in positions is refused with 3, a line that is not an event with 1; nothing written either way.
            let exported = try runSCKB(["export", "--store", base]).outputLines
            try writeJSONLines(exported[0..<5].map(String.init) + [String(exported[6])], to: folder + "/gap.jsonl")
            let gap = try runSCKB(["mirror", folder + "/gap.jsonl", "--store", folder + "/gap-mirror"])
            #expect(gap.status == 3 && gap.errorLines.count == 1, "\(gap.standardError)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/gap-mirror/data.mdb"))
            try writeJSONLines(["{\"position\":1,"], to: folder + "/bad.jsonl")
            let bad = try runSCKB(["mirror", folder + "/bad.jsonl", "--store", folder + "/bad-mirror"])
            #expect(bad.status == 1 && bad.errorLines.count == 1, "\(bad.standardError)")
        }
    }

    @Test("kill -9 at random moments of a 20,000-event follow leaves a store that verifies; the next run completes it")
    func killedMirrorResumes() throws {
        try withTemporaryDirectory { folder in
            try writeGeneratedLog(events: 20000, seed: 11, to: folder + "/generated.jsonl")
            let source = folder + "/source"
            try #require(try runSCKB(["import", folder + "/generated.jsonl", "--store", source]).status == 0)
            try Self.export(source, to: folder + "/source.jsonl")
            let mirror = folder + "/mirror"
            var generator = SystemRandomNumberGenerator()
            // Inside the first batch, after it committed, inside the second batch: each run killed once, then resumed.
            let faults = [
                "put-\(Int.random(in: 1...40_000, using: &generator))=kill", "committed=kill",
                "put-\(Int.random(in: 1...40_000, using: &generator))=kill",
            ]
            var killed = 0
            for fault in faults {
                let run = try runFault(
                    ["mirror", folder + "/source.jsonl", "--store", mirror],
                    folder: folder,
                    environment: faultEnvironment([fault])
                )
                #expect(run.signalled || run.result.status == 0, "\(run.summary([fault]))")
                if run.signalled { killed += 1 }
                if FileManager.default.fileExists(atPath: mirror + "/data.mdb") {
                    let verified = try runSCKB(["verify", "--store", mirror])
                    #expect(verified.status == 0, "\(fault): \(verified.standardError)")
                    let diff = try runSCKB(["diff", folder + "/source.jsonl", "--store", mirror, "--format", "json"])
                    #expect(diff.status == 0, "\(fault): \(diff.standardOutput)")
                }
            }
            #expect(killed >= 1, "no run was killed, so the test checked nothing")
            let finished = try runSCKB(["mirror", folder + "/source.jsonl", "--store", mirror])
            #expect(finished.status == 0, "\(finished.standardError)")
            #expect(try exportBytes(store: mirror) == exportBytes(store: source))
            #expect(try runSCKB(["verify", "--store", mirror]).status == 0)
        }
    }

    @Test("--verifier: the checkpoint's signature, origin and root are checked; the mirror stops at its size")
    func verifiedCheckpoint() throws {
        try withTemporaryDirectory { folder in
            let source = folder + "/source"
            try DiffCommandTests.importCities((0..<8).map { "city-\($0)" }, into: source, folder: folder)
            try DiffCommandTests.copyStore(source, to: folder + "/fork")
            try DiffCommandTests.importCities(["fork"], into: folder + "/fork", folder: folder)
            let made = try runSCKB(["key", "generate", "test.sckb/mirror", "--out", folder + "/key"])
            let other = try runSCKB(["key", "generate", "test.sckb/other", "--out", folder + "/other-key"])
            try #require(made.status == 0 && other.status == 0)
            let verifier = made.standardOutput.trimmingCharacters(in: .newlines)
            let site = folder + "/site"
            try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
            try Self.export(source, to: site + "/events.jsonl")
            func sign(_ store: String, key: String, size: Int) throws {
                let signed = try runSCKB(["checkpoint", "--key", key, "--size", String(size), "--store", store])
                try #require(signed.status == 0, "\(signed.standardError)")
                try Data(signed.outputBytes).write(to: URL(fileURLWithPath: site + "/checkpoint"))
            }
            let mirror = folder + "/mirror"
            // Another origin, and the root of another log under the right key: exit 3, nothing written.
            try sign(source, key: folder + "/other-key", size: 5)
            let origin = try runSCKB(["mirror", site, "--store", mirror, "--verifier", verifier])
            #expect(origin.status == 3 && origin.errorLines.count == 1, "\(origin.standardError)")
            try sign(folder + "/fork", key: folder + "/key", size: 9)
            let root = try runSCKB(["mirror", site, "--store", mirror, "--verifier", verifier])
            #expect(root.status == 3 && root.errorLines.count == 1, "\(root.standardError)")
            #expect(!FileManager.default.fileExists(atPath: mirror + "/data.mdb"))
            // A checkpoint of size 5 takes the mirror to 5 events, no further; one of the head to all 8.
            try sign(source, key: folder + "/key", size: 5)
            let five = try runSCKB(["mirror", site, "--store", mirror, "--verifier", verifier])
            #expect(five.status == 0, "\(five.standardError)")
            let stats = try jsonObject(try runSCKB(["stats", "--store", mirror, "--format", "json"]).standardOutput)
            #expect(stats["events"] as? Int == 5)
            try sign(source, key: folder + "/key", size: 8)
            #expect(try runSCKB(["mirror", site, "--store", mirror, "--verifier", verifier]).status == 0)
            #expect(try exportBytes(store: mirror) == exportBytes(store: source))
            try Self.export(source, to: folder + "/kb.jsonl")
            let export = try runSCKB(["mirror", folder + "/kb.jsonl", "--store", mirror, "--verifier", verifier])
            #expect(export.status == 1 && export.errorLines.count == 1, "\(export.standardError)")
        }
    }

    /// The events `sckb stats` counts in `store`; 0 while there is no store to count.
    static func eventCount(_ store: String) throws -> Int {
        let stats = try runSCKB(["stats", "--store", store, "--format", "json"])
        guard stats.status == 0 else { return 0 }
        return try jsonObject(stats.standardOutput)["events"] as? Int ?? 0
    }

    @Test("mirror --follow of a running sckb serve follows 3 imports as they come; SIGTERM ends it with 0")
    func mirrorFollowsServe() throws {
        try Self.withEventsSource { folder, source, mirror in
            let server = try ServeProcess(store: source, folder: folder)
            defer { server.stop() }
            let url = "http://127.0.0.1:\(server.port)"
            // One process all along: the imports land on the server while this mirror follows it.
            let follower = try BackgroundSCKB(
                ["mirror", url, "--store", mirror, "--follow", "--interval", "0.1"],
                folder: folder,
                name: "follower"
            )
            defer { if follower.isRunning { follower.kill() } }
            for round in 0...3 {
                if round > 0 {
                    try DiffCommandTests.importCities(["served-\(round)"], into: source, folder: folder)
                }
                let target = try Self.eventCount(source)
                let deadline = Date().addingTimeInterval(60)
                while follower.isRunning, try Self.eventCount(mirror) < target, Date() < deadline { usleep(50_000) }
                try #require(follower.isRunning, "round \(round): the follower ended")
                #expect(try exportBytes(store: mirror) == exportBytes(store: source), "round \(round)")
            }
            follower.kill(SIGTERM)
            let deadline = Date().addingTimeInterval(30)
            while follower.isRunning, Date() < deadline { usleep(20_000) }
            if follower.isRunning { follower.kill() }
            let (ended, signalled) = try follower.wait()
            #expect(!signalled && ended.status == 0 && ended.errorLines.isEmpty, "\(ended.standardError)")
            // The first run, then one line for each import.
            #expect(ended.outputLines.count == 4, "\(ended.standardOutput)")
            #expect(try runSCKB(["verify", "--store", mirror]).status == 0)
            server.stop()
            let gone = try runSCKB(["mirror", url, "--store", mirror])
            #expect(gone.status == 1 && gone.errorLines.count == 1, "\(gone.standardError)")
            #expect(try exportBytes(store: mirror) == exportBytes(store: source))
            let interval = try runSCKB(["mirror", url, "--store", mirror, "--interval", "1"])
            #expect(interval.status == 2 && interval.errorLines.count == 1, "\(interval.standardError)")
        }
    }

    @Test("a served checkpoint checked with --verifier: the right key mirrors the feed, another key is exit 3")
    func mirrorVerifiesServedCheckpoint() throws {
        try Self.withEventsSource { folder, source, mirror in
            let made = try runSCKB(["key", "generate", "test.sckb/served", "--out", folder + "/key"])
            let other = try runSCKB(["key", "generate", "test.sckb/other", "--out", folder + "/other-key"])
            try #require(made.status == 0 && other.status == 0)
            let server = try ServeProcess(store: source, folder: folder, arguments: ["--key", folder + "/key"])
            defer { server.stop() }
            let url = "http://127.0.0.1:\(server.port)"
            let wrong = other.standardOutput.trimmingCharacters(in: .newlines)
            let refused = try runSCKB(["mirror", url, "--store", mirror, "--verifier", wrong])
            #expect(refused.status == 3 && refused.errorLines.count == 1, "\(refused.standardError)")
            #expect(!FileManager.default.fileExists(atPath: mirror + "/data.mdb"))
            let right = made.standardOutput.trimmingCharacters(in: .newlines)
            let followed = try runSCKB(["mirror", url, "--store", mirror, "--verifier", right])
            #expect(followed.status == 0, "\(followed.standardError)")
            #expect(try exportBytes(store: mirror) == exportBytes(store: source))
        }
    }
}

/// The long check of kill -9 under `mirror`, run by `make soak` (SCKB_SOAK=1), not by `make test`: a mirror of a
/// running `sckb serve` holding 100,000 events, killed from outside at 20 random moments, each time verified.
@Suite(
    "mirror soak",
    .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["SCKB_SOAK"] == "1", "set SCKB_SOAK=1 (make soak)"),
    .timeLimit(.minutes(20))
)
struct MirrorSoakTests {
    static let events = 100_000
    static let kills = 20
    /// The most events a mirror writes in one transaction (SPEC §10, README).
    static let batch = 10_000

    @Test("kill -9 at 20 random moments of a 100,000-event follow of sckb serve; the next run completes it")
    func killedFollowOfServe() throws {
        try withTemporaryDirectory { folder in
            try writeGeneratedLog(events: Self.events, seed: 11, to: folder + "/generated.jsonl")
            let source = folder + "/source"
            try #require(try runSCKB(["import", folder + "/generated.jsonl", "--store", source]).status == 0)
            let server = try ServeProcess(store: source, folder: folder)
            defer { server.stop() }
            let url = "http://127.0.0.1:\(server.port)"
            let mirror = folder + "/mirror"
            var generator = SystemRandomNumberGenerator()
            // Each run is killed once the mirror holds more than its threshold (a batch committed past it, so the
            // kill lands inside the next batch, at a random point of it), or, when the mirror already holds that
            // many, at a random moment of its start: fetching the feed, checking the head, the first batch. The
            // thresholds stay below the last batch, and the delays below the shortest batch seen, so that no run
            // can end before its kill.
            let last = Self.events - Self.batch
            let thresholds = (0..<Self.kills).map { _ in Int.random(in: 0..<last, using: &generator) }.sorted()
            var batchSeconds = 0.25
            var sizes: [Int] = []
            for (index, threshold) in thresholds.enumerated() {
                let before = try MirrorCommandTests.eventCount(mirror)
                let run = try BackgroundSCKB(["mirror", url, "--store", mirror], folder: folder, name: "run-\(index)")
                let started = Date()
                var delay = Double.random(in: 0...(batchSeconds * 0.8), using: &generator)
                if threshold >= before {
                    var seen = before
                    var changed: Date?
                    while run.isRunning, seen <= threshold {
                        let count = try MirrorCommandTests.eventCount(mirror)
                        if count != seen {
                            // The time between two commits seen here bounds how long a batch takes.
                            if let changed { batchSeconds = min(batchSeconds, Date().timeIntervalSince(changed)) }
                            changed = Date()
                            seen = count
                        }
                        usleep(10_000)
                    }
                    delay = Double.random(in: 0...(batchSeconds / 2), using: &generator)
                }
                usleep(UInt32(delay * 1_000_000))
                run.kill()
                let (result, signalled) = try run.wait()
                try #require(
                    signalled && result.status == SIGKILL,
                    "run \(index) ended with \(result.status) before its kill: \(result.standardOutput)"
                )
                let seconds = Date().timeIntervalSince(started)
                let size = try MirrorCommandTests.eventCount(mirror)
                sizes.append(size)
                let moment = threshold >= before ? "once past \(threshold) events" : "at its start"
                print("mirror soak: kill \(index + 1) \(moment), \(String(format: "%.2f", seconds)) s in: \(size) held")
                if FileManager.default.fileExists(atPath: mirror + "/data.mdb") {
                    let verified = try runSCKB(["verify", "--store", mirror])
                    #expect(verified.status == 0, "after kill \(index) at \(size) events: \(verified.standardError)")
                    let diff = try runSCKB(["diff", source, "--store", mirror])
                    #expect(diff.status == 0, "after kill \(index): \(diff.standardOutput)")
                }
            }
            print("mirror soak: events held after each of the \(Self.kills) kills: \(sizes)")
            #expect(Set(sizes).count > 1, "every kill left the same size: \(sizes)")
            #expect(sizes.last ?? 0 < Self.events)
            let finished = try runSCKB(["mirror", url, "--store", mirror])
            #expect(finished.status == 0, "\(finished.standardError)")
            #expect(try exportBytes(store: mirror) == exportBytes(store: source))
            #expect(try runSCKB(["verify", "--store", mirror]).status == 0)
        }
    }
}
