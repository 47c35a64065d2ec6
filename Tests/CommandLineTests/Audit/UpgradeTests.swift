import Foundation
import Testing

/// A store written by the previous release (Tests/Fixtures/release-0.1.0) opens with the current build and answers
/// as that release did.
@Suite("Stores of the previous release")
struct UpgradeTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/release-0.1.0").path

    /// A fresh copy of the fixture's store in `folder`.
    static func copyStore(into folder: String) throws -> String {
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

    @Test("every answer of the previous release still holds on its store, and the chain is untouched")
    func answersHold() throws {
        let commands = try String(contentsOfFile: Self.fixture + "/commands.txt", encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let statuses = try String(contentsOfFile: Self.fixture + "/expected/status.txt", encoding: .utf8)
            .split(separator: "\n").compactMap { Int32($0) }
        try #require(commands.count == statuses.count && commands.count > 10)
        try withTemporaryDirectory { folder in
            let store = try Self.copyStore(into: folder)
            for (index, arguments) in commands.enumerated() {
                let expected = try Data(contentsOf: URL(fileURLWithPath: Self.fixture + "/expected/\(index + 1).out"))
                let result = try runSCKB(arguments + ["--store", store])
                #expect(result.status == statuses[index], "\(arguments): \(result.standardError)")
                if arguments.first == "export" {
                    #expect(result.outputBytes == [UInt8](expected), "export changed")
                    continue
                }
                var old = try JSONSerialization.jsonObject(with: expected)
                var new = try JSONSerialization.jsonObject(with: Data(result.outputBytes))
                if arguments.first == "stats", var oldStats = old as? [String: Any],
                    var newStats = new as? [String: Any]
                {
                    // The data file grows by the tables the current release adds.
                    oldStats["store_bytes"] = nil
                    newStats["store_bytes"] = nil
                    (old, new) = (oldStats, newStats)
                }
                let found = Self.difference(old, new)
                #expect(found == nil, "\(arguments.joined(separator: " ")): \(found ?? "")")
            }
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
