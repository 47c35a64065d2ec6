/// The check of the stored Merkle tree against the log, one event at a time in log order, as `verify` walks it.
///
/// Each event's leaf and every subtree root it completes are recomputed from the stored bytes and compared with the
/// nodes stored under its position. Memory stays O(log n).
/// ```swift
/// var check = try TreeCheck(in: transaction)
/// // for each event, in order:
/// if let problem = try check.check(position, bytes: bytes, in: transaction) { report(problem) }
/// if let problem = check.finish(events: count) { report(problem) }
/// ```
public struct TreeCheck: Sendable {
    /// A node that differs from what the log gives, or a tree that does not cover the log.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The first position the bad node covers.
        public var position: Position
        /// What is wrong, in one line.
        public var description: String
    }

    /// The last position the stored tree holds nodes for.
    public let storedSize: UInt64
    /// Whether the tree is in the layout before the sparse one: every node under every position.
    private let isDense: Bool
    private var frontier = MerkleFrontier()
    /// False once a position is missing from the log: the leaves after it cannot be numbered.
    private var isInStep = true

    /// Starts a check of the tree that `reader` sees.
    public init(in reader: borrowing some LogReader & ~Copyable) throws {
        storedSize = try reader.treeSize()
        isDense = try reader.isTreeDense()
    }

    /// Folds the event stored at `position` with `bytes` and compares the nodes stored under it; returns the first
    /// that differs, or nil. A store whose tree is not built yet (``storedSize`` 0) has nothing to compare.
    public mutating func check(
        _ position: Position,
        bytes: UnsafeRawBufferPointer,
        in reader: borrowing some LogReader & ~Copyable
    ) throws -> Problem? {
        guard isInStep, position.rawValue == frontier.size + 1 else {
            isInStep = false
            return nil
        }
        var computed: [SHA256Digest] = []
        frontier.append(MerkleHash.leaf(bytes)) { computed.append($0) }
        guard position.rawValue <= storedSize else { return nil }
        let lowest = isDense ? 0 : TreeLayout.lowestStoredHeight
        let expected = Array(computed.dropFirst(lowest))
        let stored = try reader.withValue(forKey: position.key, in: reader.log.tree) { Array($0) }
        guard let stored else {
            if expected.isEmpty { return nil }
            return Problem(position: position, description: "the Merkle tree has no nodes for this position")
        }
        guard stored.count == expected.count * 32 else {
            return Problem(
                position: position,
                description: "the Merkle tree holds \(stored.count) bytes for this position, not \(expected.count * 32)"
            )
        }
        for (offset, node) in expected.enumerated()
        where !stored[(offset * 32)..<(offset * 32 + 32)].elementsEqual(node.bytes) {
            let height = lowest + offset
            let first = Position(position.rawValue - (UInt64(1) << height) + 1)
            let found = SHA256Digest(bytes: Array(stored[(offset * 32)..<(offset * 32 + 32)])) ?? .zero
            let covered =
                height == 0 ? "the leaf of position \(position)" : "the node over positions \(first)…\(position)"
            return Problem(
                position: first,
                description: "the Merkle tree's \(covered) is \(found.hex), the log gives \(node.hex)"
            )
        }
        return nil
    }

    /// What is wrong with the tree's extent once all `events` of the log were checked: nodes past the log, or a tree
    /// that stops before its end (a tree not built at all is not a problem: the store predates it).
    public func finish(events: UInt64) -> Problem? {
        if storedSize > events {
            return Problem(
                position: Position(events + 1),
                description: "the Merkle tree holds nodes up to position \(storedSize), past the log's \(events) events"
            )
        }
        let needed = isDense ? events : events - events % (1 << TreeLayout.lowestStoredHeight)
        if storedSize > 0 && storedSize < needed {
            return Problem(
                position: Position(storedSize + 1),
                description: "the Merkle tree stops at position \(storedSize) of \(events) (replay rebuilds it)"
            )
        }
        return nil
    }
}
