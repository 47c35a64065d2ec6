/// The RFC 6962 Merkle tree the store keeps beside its log, in the table `log.tree`.
///
/// Leaf *i* hashes the bytes stored for position *i* (the bytes the chain hashes). Under position *p* the table
/// holds the leaf's hash followed by the root of every complete subtree whose last leaf *p* is (one more for each
/// trailing zero bit of *p*): each node is stored once, in the write transaction of the event that completes it,
/// under a key larger than every key before it (so LMDB appends it), and a proof or a root reads O(log n) entries.
/// A store written before the tree existed has an empty table until ``WriteTransaction/completeTree()`` builds it;
/// until then the reads below compute what the table lacks from the events themselves.
extension LogReader where Self: ~Copyable {
    /// The number of leading positions the stored tree covers: the last position it holds nodes for (0 for none).
    public func treeSize() throws -> UInt64 {
        var size: UInt64 = 0
        try scan(log.tree, from: nil, reverse: true) { key, _ in
            size = Position(key: key)?.rawValue ?? 0
            return false
        }
        return size
    }

    /// The root of the tree of the first `size` events (RFC 6962's MTH); the caller checks that the log holds them.
    public func treeRoot(size: UInt64) throws -> SHA256Digest {
        try rangeRoot(from: 0, to: size, storedSize: try treeSize())
    }

    /// The RFC 6962 inclusion path of leaf `index` (0-based) in the tree of the first `size` events, from the
    /// leaf's sibling upwards; the caller checks `index < size` and that the log holds `size` events.
    public func inclusionProof(index: UInt64, size: UInt64) throws -> [SHA256Digest] {
        precondition(index < size, "an inclusion proof needs index < size")
        let storedSize = try treeSize()
        var path: [SHA256Digest] = []
        var (leaf, start, count) = (index, UInt64(0), size)
        while count > 1 {
            let split = TreeLayout.split(count)
            if leaf < split {
                path.append(try rangeRoot(from: start + split, to: start + count, storedSize: storedSize))
                count = split
            } else {
                path.append(try rangeRoot(from: start, to: start + split, storedSize: storedSize))
                (leaf, start, count) = (leaf - split, start + split, count - split)
            }
        }
        return path.reversed()
    }

    /// The RFC 6962 consistency proof from the tree of the first `old` events to that of the first `size`; the
    /// caller checks `0 < old < size` and that the log holds `size` events.
    public func consistencyProof(from old: UInt64, to size: UInt64) throws -> [SHA256Digest] {
        precondition(old > 0 && old < size, "a consistency proof needs 0 < old < size")
        let storedSize = try treeSize()
        var path: [SHA256Digest] = []
        var (boundary, start, count, isWhole) = (old, UInt64(0), size, true)
        while boundary != count {
            let split = TreeLayout.split(count)
            if boundary <= split {
                path.append(try rangeRoot(from: start + split, to: start + count, storedSize: storedSize))
                count = split
            } else {
                path.append(try rangeRoot(from: start, to: start + split, storedSize: storedSize))
                (boundary, start, count, isWhole) = (boundary - split, start + split, count - split, false)
            }
        }
        if !isWhole { path.append(try rangeRoot(from: start, to: start + count, storedSize: storedSize)) }
        return path.reversed()
    }

    /// The root of the leaves `start..<end` (0-based, aligned as RFC 6962's recursion aligns them).
    func rangeRoot(from start: UInt64, to end: UInt64, storedSize: UInt64) throws -> SHA256Digest {
        let pieces = TreeLayout.subtrees(from: start, to: end)
        guard let last = pieces.last else { return MerkleHash.emptyRoot }
        var node = try subtreeRoot(height: last.height, end: last.end, storedSize: storedSize)
        for piece in pieces.dropLast().reversed() {
            node = MerkleHash.node(try subtreeRoot(height: piece.height, end: piece.end, storedSize: storedSize), node)
        }
        return node
    }

    /// The root of the complete subtree of 2^`height` leaves whose last leaf is at position `end`: read from the
    /// stored tree where it reaches (`storedSize`), else computed from the events.
    func subtreeRoot(height: Int, end: UInt64, storedSize: UInt64) throws -> SHA256Digest {
        if end <= storedSize {
            let found = try withValue(forKey: Position.key(end), in: log.tree) { value -> SHA256Digest? in
                guard value.count == TreeLayout.nodeCount(at: end) * 32, height < TreeLayout.nodeCount(at: end) else {
                    return nil
                }
                return SHA256Digest(bytes: Array(value[(height * 32)..<(height * 32 + 32)]))
            }
            guard let node = found ?? nil else {
                throw LogDamage(position: Position(end), reason: "the Merkle tree's nodes there are missing or damaged")
            }
            return node
        }
        guard height > 0 else {
            let leaf = try withEvent(at: Position(end)) { _, bytes in MerkleHash.leaf(bytes) }
            guard let leaf else { throw LogDamage(position: Position(end), reason: "no event stored there") }
            return leaf
        }
        let half = UInt64(1) << (height - 1)
        return MerkleHash.node(
            try subtreeRoot(height: height - 1, end: end - half, storedSize: storedSize),
            try subtreeRoot(height: height - 1, end: end, storedSize: storedSize)
        )
    }

    /// The leaf hashes of the events at positions `first...last`, which must all be stored.
    func leafHashes(from first: UInt64, through last: UInt64) throws -> [SHA256Digest] {
        var leaves: [SHA256Digest] = []
        leaves.reserveCapacity(Int(last - first + 1))
        try forEachEvent(from: Position(first), through: Position(last)) { position, _, bytes in
            guard position.rawValue == first + UInt64(leaves.count) else { return false }
            leaves.append(MerkleHash.leaf(bytes))
            return true
        }
        guard leaves.count == Int(last - first + 1) else {
            throw LogDamage(position: Position(first + UInt64(leaves.count)), reason: "position missing")
        }
        return leaves
    }

    /// The frontier of the tree of the first `size` events, read from the stored tree (which must cover them).
    func storedFrontier(size: UInt64) throws -> MerkleFrontier {
        var roots: [SHA256Digest] = []
        for piece in TreeLayout.subtrees(from: 0, to: size) {
            roots.append(try subtreeRoot(height: piece.height, end: piece.end, storedSize: size))
        }
        return MerkleFrontier(size: size, roots: roots)
    }
}

extension WriteTransaction {
    /// Builds the stored tree's nodes for the positions it does not cover yet, in this transaction; returns how many
    /// positions it added (0 when the tree already covered the log).
    ///
    /// A store written before the tree existed gets its whole tree here. Every append calls it first, so the tree
    /// never lags the log in a store this build has written to.
    @discardableResult
    public func completeTree() throws -> UInt64 {
        guard state.frontier == nil else { return 0 }
        let headPosition = try headPositionForTree()
        let stored = try treeSize()
        guard stored <= headPosition else {
            throw LogDamage(position: Position(headPosition + 1), reason: "the Merkle tree holds nodes past the head")
        }
        // Assigned in two steps: `state.frontier = try storedFrontier(…)` crashes the 6.3 optimizer (CopyPropagation).
        let frontier = try storedFrontier(size: stored)
        state.frontier = frontier
        // Leaves are hashed in batches and stored after each batch's walk, so that no put happens while the walk's
        // cursor and bytes are live.
        for first in stride(from: stored + 1, through: headPosition, by: 4096) {
            let leaves = try leafHashes(from: first, through: min(headPosition, first + 4095))
            for leaf in leaves { try appendToTree(leaf) }
        }
        return headPosition - stored
    }

    /// The head's position, from this transaction's own appends when it has made some.
    private func headPositionForTree() throws -> UInt64 {
        if let cached = state.head { return cached?.position.rawValue ?? 0 }
        return try head()?.position.rawValue ?? 0
    }

    /// Clears the stored tree and builds it again from the log; returns how many positions it covered before.
    @discardableResult
    public func rebuildTree() throws -> UInt64 {
        let covered = try treeSize()
        try handle.removeAll(in: log.tree)
        state.frontier = nil
        try completeTree()
        return covered
    }

    /// Appends the leaf `leaf` at the position after the tree's last: stores it with the roots it completes.
    func appendToTree(_ leaf: SHA256Digest) throws {
        guard var frontier = state.frontier else { preconditionFailure("the tree's frontier is loaded first") }
        var value: [UInt8] = []
        value.reserveCapacity(TreeLayout.nodeCount(at: frontier.size + 1) * 32)
        frontier.append(leaf) { value.append(contentsOf: $0.bytes) }
        try handle.put(value, forKey: Position.key(frontier.size), in: log.tree, flags: appendFlag)
        state.frontier = frontier
    }
}
