import EventStore
import Foundation
import Synchronization
import Testing

@testable import Projections

/// A store written before the Merkle tree existed: it answers `stats` from its events, gets the tree on its next
/// write with one notice, and `verify` checks the tree from then on.
@Suite struct TreeUpgradeTests {
    static func city(_ id: String) throws -> Event {
        let line = #"{"type":"CityRegistered","data":{"city":"\#(id)","name":"N","country":"DE"}}"#
        return try Event(json: JSONParser.parse(Array(line.utf8)))
    }

    @Test("a store without its tree gets it on the next write, saying so once; verify then checks every node")
    func treeIsBuiltOnTheNextWrite() throws {
        let folder = NSTemporaryDirectory() + "sckb-tree-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let notices = Mutex<[String]>([])
        let options = KnowledgeBase.Options { line in notices.withLock { $0.append(line) } }
        let base = try KnowledgeBase(path: folder, creating: true, options: options)
        for index in 0..<21 { _ = try base.append(try Self.city("city-\(index)")) }
        let before = try base.statistics().tree
        #expect(before.size == 21)
        // As a store of an earlier release: the log without its tree.
        try base.environment.write { transaction in try transaction.removeAll(in: transaction.log.tree) }
        #expect(try base.statistics().tree == before)
        #expect(try base.statistics(until: .position(Position(9))).tree.size == 9)
        #expect(try base.verify().isOK)
        _ = try base.append(try Self.city("city-21"))
        _ = try base.append(try Self.city("city-22"))
        #expect(notices.withLock { $0 }.count == 1)
        #expect(
            notices.withLock { $0 }.first?.contains("built the Merkle tree of \(folder) over its 21 events") == true
        )
        #expect(try base.environment.read { transaction in try transaction.treeSize() } == 16)
        #expect(try base.statistics(until: .position(Position(21))).tree == before)
        #expect(try base.verify().isOK)
        // A damaged node is named by the first position it covers.
        try base.environment.write { transaction in
            var value = try #require(try transaction.value(forKey: Position(16).key, in: transaction.log.tree))
            value[0] ^= 0xFF
            try transaction.put(value, forKey: Position(16).key, in: transaction.log.tree)
        }
        let report = try base.verify()
        #expect(report.problems.map(\.position) == [Position(1)], "\(report.problems)")
    }
}
