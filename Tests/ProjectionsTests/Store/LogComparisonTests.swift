import EventStore
import Foundation
import Testing

@testable import Projections

/// `diff`'s answer: two logs compared position by position and hash by hash.
@Suite struct LogComparisonTests {
    static func city(_ id: String) throws -> Event {
        let line = #"{"type":"CityRegistered","data":{"city":"\#(id)","name":"N","country":"DE"}}"#
        return try Event(json: JSONParser.parse(Array(line.utf8)))
    }

    /// A folder removed afterwards, with a store of `events` cities in `first` and a byte copy of it in `second`.
    static func withTwinStores(
        events: Int,
        _ body: (_ first: KnowledgeBase, _ second: KnowledgeBase, _ folder: String) throws -> Void
    ) throws {
        let folder = NSTemporaryDirectory() + "sckb-diff-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try KnowledgeBase(path: folder + "/first", creating: true)
        for index in 0..<events { _ = try first.append(try city("city-\(index)")) }
        try FileManager.default.createDirectory(atPath: folder + "/second", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder + "/first/data.mdb", toPath: folder + "/second/data.mdb")
        let second = try KnowledgeBase(path: folder + "/second", creating: false)
        try body(first, second, folder)
    }

    static func export(_ base: KnowledgeBase, to path: String) throws {
        var bytes: [UInt8] = []
        try base.export { line in bytes += line + [0x0A] }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test("a byte copy is identical, from either side, as a store and as an export")
    func copyIsIdentical() throws {
        try Self.withTwinStores(events: 5) { first, second, folder in
            let expected = LogComparison(relation: .identical, events: 5, otherEvents: 5)
            #expect(try first.compare(with: .store(second.path)) == expected)
            #expect(try second.compare(with: .store(first.path)) == expected)
            try Self.export(second, to: folder + "/second.jsonl")
            #expect(try first.compare(with: OtherLog.at(folder + "/second.jsonl")) == expected)
            #expect(try first.compare(with: .store(first.path)) == expected)
        }
    }

    @Test("a shorter copy is a prefix, with both counts, from either side")
    func longerLogHasPrefix() throws {
        try Self.withTwinStores(events: 4) { first, second, folder in
            for index in 4..<7 { _ = try first.append(try Self.city("city-\(index)")) }
            #expect(try first.compare(with: .store(second.path)) == .init(relation: .prefix, events: 7, otherEvents: 4))
            #expect(try second.compare(with: .store(first.path)) == .init(relation: .prefix, events: 4, otherEvents: 7))
            // A publish folder: a folder holding events.jsonl.
            try FileManager.default.createDirectory(atPath: folder + "/site", withIntermediateDirectories: true)
            try Self.export(first, to: folder + "/site/events.jsonl")
            #expect(try OtherLog.at(folder + "/site") == .exportFile(folder + "/site/events.jsonl"))
            #expect(
                try second.compare(with: OtherLog.at(folder + "/site"))
                    == .init(relation: .prefix, events: 4, otherEvents: 7)
            )
        }
    }

    @Test("logs that part name the first position and both hashes, and still count every event")
    func forkIsDiverged() throws {
        try Self.withTwinStores(events: 3) { first, second, folder in
            _ = try first.append(try Self.city("here"))
            _ = try first.append(try Self.city("also-here"))
            _ = try second.append(try Self.city("there"))
            let (mine, theirs) = try Self.hashes(at: Position(4), first, second)
            let expected = LogComparison(
                relation: .diverged,
                events: 5,
                otherEvents: 4,
                position: Position(4),
                hash: mine,
                otherHash: theirs
            )
            #expect(try first.compare(with: .store(second.path)) == expected)
            try Self.export(second, to: folder + "/second.jsonl")
            #expect(try first.compare(with: .exportFile(folder + "/second.jsonl")) == expected)
            #expect(
                String(decoding: expected.jsonLine, as: UTF8.self)
                    == #"{"events":5,"hash":"\#(mine.hex)","other_events":4,"other_hash":"\#(theirs.hex)","#
                    + #""position":4,"relation":"diverged"}"# + "\n"
            )
        }
    }

    @Test("an export with a gap, without hashes or not JSON, and a path that is not there, are bad input")
    func badOtherIsInputError() throws {
        try Self.withTwinStores(events: 3) { first, _, folder in
            try Self.export(first, to: folder + "/good.jsonl")
            let lines = try String(contentsOfFile: folder + "/good.jsonl", encoding: .utf8).split(separator: "\n")
            let cases: [(String, String)] = [
                ("gap", lines[0] + "\n" + lines[2] + "\n"),
                ("nohash", #"{"type":"CityRegistered","position":1}"# + "\n"),
                ("notjson", "{\n"),
            ]
            for (name, text) in cases {
                let path = folder + "/\(name).jsonl"
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                #expect(throws: InputError.self, "\(name)") { try first.compare(with: OtherLog.at(path)) }
            }
            #expect(throws: InputError.self) { try OtherLog.at(folder + "/missing") }
            try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)
            #expect(throws: InputError.self) { try OtherLog.at(folder + "/empty") }
        }
    }
}

extension LogComparisonTests {
    /// The chain hashes of `first` and `second` at `position`.
    static func hashes(
        at position: Position,
        _ first: KnowledgeBase,
        _ second: KnowledgeBase
    ) throws -> (SHA256Digest, SHA256Digest) {
        func hash(_ base: KnowledgeBase) throws -> SHA256Digest {
            try base.environment.read { reader in
                try #require(try reader.withEvent(at: position) { hash, _ in SHA256Digest(bytes: Array(hash)) } ?? nil)
            }
        }
        return (try hash(first), try hash(second))
    }
}
