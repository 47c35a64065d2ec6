import EventStore
import Foundation
import Testing

@testable import Projections

/// `mirror` from an export file: an exact replica, incremental, in bounded batches; forks and broken chains refused.
@Suite struct MirrorTests {
    static func city(_ id: String) throws -> Event { try LogComparisonTests.city(id) }

    static func exportBytes(_ base: KnowledgeBase) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try base.export { line in bytes += line + [0x0A] }
        return bytes
    }

    static func withFolder(_ body: (String) throws -> Void) throws {
        let folder = NSTemporaryDirectory() + "sckb-mirror-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body(folder)
    }

    /// A folder with a store `source` of `count` cities, its export at `folder/export`, and an empty store beside.
    static func withSource(
        cities count: Int,
        _ body: (_ folder: String, _ source: KnowledgeBase, _ mirror: KnowledgeBase) throws -> Void
    ) throws {
        try withFolder { folder in
            let source = try KnowledgeBase(path: folder + "/source", creating: true)
            for index in 0..<count { _ = try source.append(try city("city-\(index)")) }
            try Data(try exportBytes(source)).write(to: URL(fileURLWithPath: folder + "/export"))
            try body(folder, source, try KnowledgeBase(path: folder + "/mirror", creating: true))
        }
    }

    @Test("a mirror of an export is byte-identical, verifies, follows later events and refuses local writes")
    func exactIncrementalReplica() throws {
        try Self.withSource(cities: 23) { folder, source, mirror in
            try FileManager.default.moveItem(atPath: folder + "/export", toPath: folder + "/one.jsonl")
            let first = try mirror.mirror(exportAt: folder + "/one.jsonl", source: "one.jsonl", batchSize: 5)
            #expect(first == MirrorOutcome(appended: 23, events: 23, sourceEvents: 23))
            #expect(try Self.exportBytes(mirror) == Self.exportBytes(source))
            #expect(try mirror.verify().isOK)
            #expect(try mirror.statistics().tree == source.statistics().tree)
            #expect(try mirror.statistics().mirror?.source == "one.jsonl")
            #expect(try mirror.statistics().mirror?.lastSync != nil)
            #expect(throws: InputError.self) { try mirror.append(try Self.city("local")) }

            for index in 23..<26 { _ = try source.append(try Self.city("city-\(index)")) }
            try Data(try Self.exportBytes(source)).write(to: URL(fileURLWithPath: folder + "/two.jsonl"))
            let second = try mirror.mirror(exportAt: folder + "/two.jsonl", source: "two.jsonl", batchSize: 5)
            #expect(second == MirrorOutcome(appended: 3, events: 26, sourceEvents: 26))
            #expect(try Self.exportBytes(mirror) == Self.exportBytes(source))
            #expect(try mirror.verify().isOK)
            // A source behind the mirror that agrees with it: nothing written.
            let behind = try mirror.mirror(exportAt: folder + "/one.jsonl", source: "one.jsonl")
            #expect(behind == MirrorOutcome(appended: 0, events: 26, sourceEvents: 23))
        }
    }

    @Test("a mirror asked to stop ends after a committed batch, last_sync unchanged; the next run goes on")
    func stoppingEndsAfterABatch() throws {
        try Self.withSource(cities: 12) { folder, source, mirror in
            var asked = 0
            let stopped = try mirror.mirror(
                exportAt: folder + "/export",
                source: "kb",
                batchSize: 5,
                stopping: {
                    asked += 1
                    return asked == 2
                }
            )
            #expect(stopped == MirrorOutcome(appended: 10, events: 10, sourceEvents: 10))
            #expect(try mirror.verify().isOK)
            #expect(try mirror.mirrorRecord() == MirrorRecord(source: "kb", lastSync: nil))
            let rest = try mirror.mirror(exportAt: folder + "/export", source: "kb", batchSize: 5)
            #expect(rest == MirrorOutcome(appended: 2, events: 12, sourceEvents: 12))
            #expect(try Self.exportBytes(mirror) == Self.exportBytes(source))
        }
    }

    @Test("a forked source is refused at its first other position, with both hashes; the mirror is unchanged")
    func forkIsRefused() throws {
        try LogComparisonTests.withTwinStores(events: 3) { first, second, folder in
            _ = try first.append(try Self.city("here"))
            _ = try second.append(try Self.city("there"))
            _ = try second.append(try Self.city("more"))
            try Data(try Self.exportBytes(first)).write(to: URL(fileURLWithPath: folder + "/first.jsonl"))
            try Data(try Self.exportBytes(second)).write(to: URL(fileURLWithPath: folder + "/second.jsonl"))
            let mirror = try KnowledgeBase(path: folder + "/mirror", creating: true)
            _ = try mirror.mirror(exportAt: folder + "/first.jsonl", source: "first")
            let before = try Self.exportBytes(mirror)
            let refusal = #expect(throws: ForkRefusal.self) {
                try mirror.mirror(exportAt: folder + "/second.jsonl", source: "second")
            }
            #expect(refusal?.position == Position(4))
            let (ours, theirs) = try LogComparisonTests.hashes(at: Position(4), first, second)
            #expect(refusal?.hash == ours && refusal?.sourceHash == theirs)
            #expect(try Self.exportBytes(mirror) == before)
            #expect(try mirror.mirrorRecord()?.source == "first")
            let evidence = try #require(refusal?.evidence)
            let lines = try String(contentsOfFile: folder + "/second.jsonl", encoding: .utf8).split(separator: "\n")
            #expect(try String(contentsOfFile: evidence, encoding: .utf8) == lines[3] + "\n")
        }
    }

    @Test("a gap or a broken link stops the mirror at the batch before it; every event held verifies")
    func brokenChainIsRefused() throws {
        try Self.withFolder { folder in
            let source = try KnowledgeBase(path: folder + "/source", creating: true)
            for index in 0..<6 { _ = try source.append(try Self.city("city-\(index)")) }
            let lines = String(decoding: try Self.exportBytes(source), as: UTF8.self).split(separator: "\n")
            let gap = lines[0..<3].joined(separator: "\n") + "\n" + lines[4] + "\n"
            let changed = lines[3].replacingOccurrences(of: "city-3", with: "city-x")
            let altered = lines[0..<3].joined(separator: "\n") + "\n" + changed + "\n"
            for (name, text) in [("gap", gap), ("altered", altered)] {
                try text.write(toFile: folder + "/\(name).jsonl", atomically: true, encoding: .utf8)
                let mirror = try KnowledgeBase(path: folder + "/\(name)", creating: true)
                #expect(throws: MirrorRefusal.self, "\(name)") {
                    try mirror.mirror(exportAt: folder + "/\(name).jsonl", source: name, batchSize: 2)
                }
                #expect(try mirror.head()?.position == Position(2), "\(name)")
                #expect(try mirror.verify().isOK)
            }
        }
    }
}
