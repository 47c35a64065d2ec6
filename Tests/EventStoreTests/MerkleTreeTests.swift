import Testing

@testable import EventStore

/// RFC 6962 §2.1 written apart from the store's code: the recursive definitions of MTH, PATH and PROOF over a list
/// of leaf contents, straight from the RFC's text.
enum RFC6962Model {
    static func leaf(_ bytes: [UInt8]) -> [UInt8] { SHA256.hash([0] + bytes).bytes }
    static func node(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] { SHA256.hash([1] + left + right).bytes }

    /// The largest power of two smaller than `n`.
    static func split(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    static func root(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        switch leaves.count {
        case 0: return SHA256.hash([UInt8]()).bytes
        case 1: return leaf(leaves[leaves.startIndex])
        default:
            let k = split(leaves.count)
            let middle = leaves.startIndex + k
            return node(root(leaves[..<middle]), root(leaves[middle...]))
        }
    }

    static func path(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        guard leaves.count > 1 else { return [] }
        let k = split(leaves.count)
        let middle = leaves.startIndex + k
        if m < k { return path(m, leaves[..<middle]) + [root(leaves[middle...])] }
        return path(m - k, leaves[middle...]) + [root(leaves[..<middle])]
    }

    static func proof(_ m: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        subproof(m, leaves, true)
    }

    private static func subproof(_ m: Int, _ leaves: ArraySlice<[UInt8]>, _ whole: Bool) -> [[UInt8]] {
        if m == leaves.count { return whole ? [] : [root(leaves)] }
        let k = split(leaves.count)
        let middle = leaves.startIndex + k
        if m <= k { return subproof(m, leaves[..<middle], whole) + [root(leaves[middle...])] }
        return subproof(m - k, leaves[middle...], false) + [root(leaves[..<middle])]
    }
}

@Suite("the RFC 6962 tree kept beside the log")
struct MerkleTreeTests {
    /// A store holding `count` events of random bytes, appended a few per transaction; returns what was appended.
    static func makeLog(_ environment: Environment, count: Int, seed: UInt64) throws -> [[UInt8]] {
        var generator = SeededGenerator(seed: seed)
        var contents: [[UInt8]] = []
        while contents.count < count {
            let batch = Int.random(in: 1...5, using: &generator)
            try environment.write { transaction in
                for _ in 0..<min(batch, count - contents.count) {
                    let length = Int.random(in: 0...90, using: &generator)
                    let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                    _ = try transaction.append(id: nil) { _, _ in bytes }
                    contents.append(bytes)
                }
            }
        }
        return contents
    }

    /// What `verify`'s tree check finds walking the log of `events` events: each event's nodes, then the extent.
    static func treeProblems(in transaction: borrowing ReadTransaction, events: UInt64) throws -> [TreeCheck.Problem] {
        var check = try TreeCheck(in: transaction)
        var problems: [TreeCheck.Problem] = []
        try transaction.forEachEvent { position, _, bytes in
            if let problem = try check.check(position, bytes: bytes, in: transaction) { problems.append(problem) }
            return true
        }
        if let problem = check.finish(events: events) { problems.append(problem) }
        return problems
    }

    @Test("every root, inclusion path and consistency proof of a 45-event log is RFC 6962's")
    func proofsAreRFC6962s() throws {
        try withTemporaryStorePath { path in
            let environment = try Environment(path: path, tables: [], creating: true)
            let contents = try Self.makeLog(environment, count: 45, seed: 21)
            try environment.read { transaction throws in
                #expect(try transaction.treeSize() == 32)
                #expect(try transaction.treeCoverage() == 45)
                for size in 0...45 {
                    let root = try transaction.treeRoot(size: UInt64(size))
                    #expect(root.bytes == RFC6962Model.root(contents[..<size]), "root of \(size)")
                    for index in 0..<size {
                        let path = try transaction.inclusionProof(index: UInt64(index), size: UInt64(size))
                        #expect(path.map(\.bytes) == RFC6962Model.path(index, contents[..<size]), "\(index) in \(size)")
                    }
                    for old in (1..<max(1, size)) {
                        let proof = try transaction.consistencyProof(from: UInt64(old), to: UInt64(size))
                        #expect(proof.map(\.bytes) == RFC6962Model.proof(old, contents[..<size]), "\(old) to \(size)")
                    }
                }
            }
        }
    }

    @Test("a position in 16 stores the roots of 16 leaves or more it completes (its trailing zero bits less 3)")
    func eachPositionStoresTheNodesItCompletes() throws {
        try withTemporaryStorePath { path in
            let environment = try Environment(path: path, tables: [], creating: true)
            let contents = try Self.makeLog(environment, count: 70, seed: 6962)
            try environment.read { transaction throws in
                #expect(try transaction.count(of: transaction.log.tree) == 4)
                for position in 1...70 {
                    let value = try transaction.value(forKey: Position.key(UInt64(position)), in: transaction.log.tree)
                    guard position % 16 == 0 else {
                        #expect(value == nil, "position \(position)")
                        continue
                    }
                    let expected = (4...position.trailingZeroBitCount).flatMap { height in
                        RFC6962Model.root(contents[(position - (1 << height))..<position])
                    }
                    #expect(value == expected, "position \(position)")
                }
            }
        }
    }

    @Test(
        "a tree in the layout of earlier stores (every node under every position) reads as it is; a write lays it out anew"
    )
    func denseTreeIsReadThenLaidOutAnew() throws {
        try withTemporaryStorePath { path in
            let environment = try Environment(path: path, tables: [], creating: true)
            let contents = try Self.makeLog(environment, count: 40, seed: 17)
            // As an earlier build stored it: under each position its leaf and every root it completes.
            try environment.write { transaction in
                try transaction.removeAll(in: transaction.log.tree)
                for position in 1...40 {
                    let value = (0...position.trailingZeroBitCount).flatMap { height in
                        RFC6962Model.root(contents[(position - (1 << height))..<position])
                    }
                    try transaction.put(value, forKey: Position.key(UInt64(position)), in: transaction.log.tree)
                }
            }
            try environment.read { transaction throws in
                #expect(try transaction.count(of: transaction.log.tree) == 40)
                for size in [4, 7, 16, 23, 40] {
                    #expect(try transaction.treeRoot(size: UInt64(size)).bytes == RFC6962Model.root(contents[..<size]))
                    #expect(
                        try transaction.inclusionProof(index: 3, size: UInt64(size)).map(\.bytes)
                            == RFC6962Model.path(3, contents[..<size])
                    )
                }
                let problems = try Self.treeProblems(in: transaction, events: 40)
                #expect(problems.isEmpty, "\(problems)")
            }
            #expect(try environment.write { transaction in try transaction.completeTree() } == 40)
            try environment.read { transaction throws in
                #expect(try transaction.count(of: transaction.log.tree) == 2)
                #expect(try transaction.treeRoot(size: 40).bytes == RFC6962Model.root(contents[...]))
                #expect(try transaction.treeRoot(size: 33).bytes == RFC6962Model.root(contents[..<33]))
            }
            #expect(try environment.write { transaction in try transaction.completeTree() } == 0)
        }
    }

    @Test("a log whose tree is missing answers from its events, and its next write builds the tree once")
    func missingTreeIsBuiltOnTheNextWrite() throws {
        try withTemporaryStorePath { path in
            let environment = try Environment(path: path, tables: [], creating: true)
            var contents = try Self.makeLog(environment, count: 37, seed: 8)
            try environment.write { transaction in try transaction.removeAll(in: transaction.log.tree) }
            try environment.read { transaction throws in
                #expect(try transaction.treeSize() == 0)
                #expect(try transaction.treeRoot(size: 37).bytes == RFC6962Model.root(contents[...]))
                #expect(
                    try transaction.inclusionProof(index: 5, size: 30).map(\.bytes)
                        == RFC6962Model.path(5, contents[..<30])
                )
            }
            let built = try environment.write { transaction in
                let built = try transaction.completeTree()
                _ = try transaction.append(id: nil) { _, _ in [42] }
                return built
            }
            contents.append([42])
            #expect(built == 37)
            #expect(try environment.write { transaction in try transaction.completeTree() } == 0)
            try environment.read { transaction throws in
                #expect(try transaction.treeSize() == 32)
                #expect(try transaction.treeCoverage() == 38)
                #expect(try transaction.treeRoot(size: 38).bytes == RFC6962Model.root(contents[...]))
            }
        }
    }

    @Test("the tree check names the first position a damaged node covers")
    func treeCheckNamesTheFirstCoveredPosition() throws {
        try withTemporaryStorePath { path in
            let environment = try Environment(path: path, tables: [], creating: true)
            _ = try Self.makeLog(environment, count: 70, seed: 3)
            // Position 64 stores the roots over 49…64, 33…64 and 1…64: damage the one over 33…64.
            try environment.write { transaction in
                var value = try #require(try transaction.value(forKey: Position.key(64), in: transaction.log.tree))
                value[1 * 32] ^= 1
                try transaction.put(value, forKey: Position.key(64), in: transaction.log.tree)
            }
            let problems = try environment.read { transaction throws in
                try Self.treeProblems(in: transaction, events: 70)
            }
            #expect(problems.map(\.position) == [Position(33)])
            #expect(problems.first?.description.contains("node over positions 33…64") == true)
        }
    }
}
