import EventStore
import Foundation
import Testing

/// Stores written by earlier builds open with the current one and answer as those builds did:
/// Tests/Fixtures/release-0.1.0 (the first release, before the replication record) and
/// Tests/Fixtures/json-rows-a4e9c9f (read models as JSON rows, format 1), Tests/Fixtures/binary-rows-fe0d12f
/// (binary rows with sums and counts as objects, format 2), Tests/Fixtures/format-3-4b104fe (fixed-layout sums,
/// before locations, holder counts and the Merkle tree), Tests/Fixtures/format-6-b37b369 (format 6: plans
/// without the marks that let cuts be answered from rows) and Tests/Fixtures/format-7-601d27d (format 7: plain log
/// indexes, every node of the Merkle tree stored).
@Suite("Stores of earlier releases and formats")
struct UpgradeTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let fixture = fixtures + "/release-0.1.0"
    static let jsonRows = fixtures + "/json-rows-a4e9c9f"
    static let binaryRows = fixtures + "/binary-rows-fe0d12f"
    static let formatThree = fixtures + "/format-3-4b104fe"
    static let formatSix = fixtures + "/format-6-b37b369"
    static let formatSeven = fixtures + "/format-7-601d27d"

    /// The fixture written in an earlier read-model format: 1 (JSON rows), 2 (binary rows, sums as objects), 3, 6, 7.
    static func fixture(ofFormat format: Int) -> String {
        switch format {
        case 1: jsonRows
        case 2: binaryRows
        case 3: formatThree
        case 6: formatSix
        default: formatSeven
        }
    }

    /// How many of the tables `names` the store at `path` (a folder, or a fixture's compressed data file) holds.
    static func tablesPresent(_ names: [String], in path: String) throws -> Int {
        try withTemporaryDirectory { folder in
            let store = path.hasPrefix(fixtures) ? try copyStore(into: folder, from: path) : path
            return try names.count { name in
                (try? Environment(path: store, tables: [name], creating: false, isReadOnly: true)) != nil
            }
        }
    }

    /// A fresh copy of a fixture's store in `folder`.
    static func copyStore(into folder: String, from fixture: String = fixture) throws -> String {
        let store = folder + "/store"
        try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
        let unzip = Process()
        unzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        unzip.arguments = ["-c", "gzip -dc \"$0\" > \"$1\"", fixture + "/data.mdb.gz", store + "/data.mdb"]
        try unzip.run()
        unzip.waitUntilExit()
        try #require(unzip.terminationStatus == 0, "cannot unpack the fixture store")
        return store
    }

    /// What the fixture's build printed for line `number` of its commands (plain, or compressed as `.out.gz`).
    static func expectedOutput(_ fixture: String, _ number: Int) throws -> Data {
        let plain = fixture + "/expected/\(number).out"
        if FileManager.default.fileExists(atPath: plain) { return try Data(contentsOf: URL(fileURLWithPath: plain)) }
        let unzip = Process()
        let pipe = Pipe()
        unzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        unzip.arguments = ["-c", "gzip -dc \"$0\"", plain + ".gz"]
        unzip.standardOutput = pipe
        try unzip.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        unzip.waitUntilExit()
        try #require(unzip.terminationStatus == 0, "cannot read \(plain).gz")
        return data
    }

    /// Whether `new` says everything `old` says: the same scalars, arrays of the same length whose elements say
    /// the same, and objects holding every key of `old` (keys may be added, never renamed). Returns the path of the
    /// first difference, or nil.
    static func difference(_ old: Any, _ new: Any, at path: String = "") -> String? {
        switch (old, new) {
        case (let old as [String: Any], let new as [String: Any]):
            for (key, value) in old {
                guard let other = new[key] else { return "\(path).\(key) is missing" }
                if let found = difference(value, other, at: "\(path).\(key)") { return found }
            }
            return nil
        case (let old as [Any], let new as [Any]):
            guard old.count == new.count else { return "\(path) has \(new.count) elements, not \(old.count)" }
            for (index, pair) in zip(old, new).enumerated() {
                if let found = difference(pair.0, pair.1, at: "\(path)[\(index)]") { return found }
            }
            return nil
        default:
            let same = (old as? NSObject)?.isEqual(new) ?? false
            return same ? nil : "\(path): \(old) became \(new)"
        }
    }

    /// Checks every line of the fixture's commands against what its build printed; returns the number of lines.
    @discardableResult
    static func checkAnswers(of fixture: String, on store: String, stage: String) throws -> Int {
        let commands = try String(contentsOfFile: fixture + "/commands.txt", encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let statuses = try String(contentsOfFile: fixture + "/expected/status.txt", encoding: .utf8)
            .split(separator: "\n").compactMap { Int32($0) }
        try #require(commands.count == statuses.count && commands.count > 10)
        for (index, arguments) in commands.enumerated() {
            let expected = try expectedOutput(fixture, index + 1)
            let result = try runSCKB(arguments + ["--store", store])
            #expect(result.status == statuses[index], "\(stage) \(arguments): \(result.standardError)")
            if arguments.first == "export" {
                #expect(result.outputBytes == [UInt8](expected), "\(stage): export changed")
                continue
            }
            var old = try JSONSerialization.jsonObject(with: expected)
            var new = try JSONSerialization.jsonObject(with: Data(result.outputBytes))
            if arguments.first == "stats", var oldStats = old as? [String: Any], var newStats = new as? [String: Any] {
                // The data file's size depends on the tables and the row format.
                oldStats["store_bytes"] = nil
                newStats["store_bytes"] = nil
                (old, new) = (oldStats, newStats)
            }
            let found = Self.difference(old, new)
            #expect(found == nil, "\(stage) \(arguments.joined(separator: " ")): \(found ?? "")")
        }
        return commands.count
    }

    @Test("every answer of the previous release still holds on its store, and the chain is untouched")
    func answersHold() throws {
        try withTemporaryDirectory { folder in
            _ = try Self.checkAnswers(of: Self.fixture, on: try Self.copyStore(into: folder), stage: "0.1.0")
        }
    }

    @Test(
        "a store of an earlier read-model format answers as its build did, before its read models are rebuilt and after",
        arguments: [1, 2, 3, 6, 7]
    )
    func earlierFormatAnswersBeforeAndAfterTheRebuild(format: Int) throws {
        let fixture = Self.fixture(ofFormat: format)
        try withTemporaryDirectory { folder in
            let store = try Self.copyStore(into: folder, from: fixture)
            let lines = try Self.checkAnswers(of: fixture, on: store, stage: "format \(format)")
            #expect(lines > 20)
            let replay = try runSCKB(["replay", "--store", store])
            #expect(replay.status == 0, "\(replay.standardError)")
            #expect(replay.errorLines.count == 1, "\(replay.standardError)")
            #expect(replay.standardError.contains("from format \(format) to "), "\(replay.standardError)")
            _ = try Self.checkAnswers(of: fixture, on: store, stage: "format \(format), rebuilt")
            let again = try runSCKB(["replay", "--store", store])
            #expect(again.status == 0 && again.errorLines.isEmpty, "\(again.standardError)")
            if format >= 5 {
                // The plain log indexes that the grouped ones replaced are gone with the rebuild.
                #expect(try Self.tablesPresent(["index.type", "index.entity", "index.sourceless"], in: fixture) == 3)
                #expect(try Self.tablesPresent(["index.type", "index.entity", "index.sourceless"], in: store) == 0)
            }
        }
    }

    @Test(
        "the first write to a store of an earlier read-model format rebuilds its read models once, saying so in one line",
        arguments: [1, 2, 3, 6, 7]
    )
    func firstWriteRebuildsOnce(format: Int) throws {
        try withTemporaryDirectory { folder in
            let store = try Self.copyStore(into: folder, from: Self.fixture(ofFormat: format))
            let before = try jsonObject(try runSCKB(["stats", "--format", "json", "--store", store]).standardOutput)
            let head = try #require(before["head"] as? [String: Any])
            let position = try #require(head["position"] as? Int)
            let hash = try #require(head["hash"] as? String)
            let kpis = try runSCKB(["kpis", "--format", "json", "--store", store]).standardOutput
            let first = try runSCKB([
                "append", "CityRegistered", "city=upgrade-town", "name=Upgrade", "country=DE", "--store", store,
            ])
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.errorLines.count == 1, "\(first.standardError)")
            #expect(first.standardError.contains("rebuilt the read models"), "\(first.standardError)")
            let second = try runSCKB([
                "append", "CityRegistered", "city=upgrade-town-2", "name=Upgrade", "country=DE", "--store", store,
            ])
            #expect(second.status == 0 && second.errorLines.isEmpty, "\(second.standardError)")
            #expect(try runSCKB(["kpis", "--format", "json", "--store", store]).standardOutput == kpis)
            let verify = try runSCKB(["verify", "--expect", "\(position):\(hash)", "--store", store])
            #expect(verify.status == 0, "\(verify.standardOutput)\(verify.standardError)")
        }
    }

    @Test("a read-only server on a store of the previous release says, in one line, which command upgrades it")
    func serveAsksForUpgrade() throws {
        try withTemporaryDirectory { folder in
            let store = try Self.copyStore(into: folder)
            let serve = try runSCKB(["serve", "--port", "0", "--store", store])
            #expect(serve.status == 3)
            #expect(serve.errorLines.count == 1)
            #expect(serve.standardError.contains("sckb stats --store \(store)"), "\(serve.standardError)")
        }
    }

    @Test("the current release writes to a store of the previous one, and the old head still verifies")
    func writesAfterUpgrade() throws {
        try withTemporaryDirectory { folder in
            let store = try Self.copyStore(into: folder)
            let stats = try jsonObject(try runSCKB(["stats", "--format", "json", "--store", store]).standardOutput)
            let head = try #require(stats["head"] as? [String: Any])
            let position = try #require(head["position"] as? Int)
            let hash = try #require(head["hash"] as? String)
            let appended = try runSCKB([
                "append", "ObstacleReported", "obstacle=o-upgrade", "category=technical", "text=Old data.",
                "city=sabadell", "--at", "2025-06-01", "--store", store,
            ])
            #expect(appended.status == 0, "\(appended.standardError)")
            let obstacles = try runSCKB(["obstacles", "--format", "json", "--store", store])
            #expect(obstacles.standardOutput.contains("o-upgrade"))
            let verify = try runSCKB(["verify", "--expect", "\(position):\(hash)", "--store", store])
            #expect(verify.status == 0, "\(verify.standardOutput)\(verify.standardError)")
            let replay = try runSCKB(["replay", "--store", store])
            #expect(replay.status == 0, "\(replay.standardError)")
            #expect(try runSCKB(["verify", "--store", store]).status == 0)
        }
    }
}
