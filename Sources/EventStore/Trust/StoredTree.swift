/// The RFC 6962 Merkle tree the store keeps beside its log, in the table `log.tree`.
///
/// Leaf *i* hashes the bytes stored for position *i* (the bytes the chain hashes). Under position *p* the table
/// holds the root of every complete subtree of 16 leaves or more whose last leaf *p* is (one for each trailing zero
/// bit of *p* from the fourth on), so one position in 16 has an entry: each node is stored once, in the write
/// transaction of the event that completes it, under a key larger than every key before it (so LMDB appends it). A
/// proof or a root reads O(log n) entries and hashes at most 8 events for each subtree below 16 leaves. Stores
/// written before this layout hold every node from the leaf up under every position (an entry's size tells which);
/// they are read as they are, and laid out anew by their next write. A store written before the tree existed has an
/// empty table until ``WriteTransaction/completeTree()`` builds it; until then the reads below compute what the
/// table lacks from the events themselves.
extension LogReader where Self: ~Copyable {
    /// The last position the stored tree holds nodes for (0 for none).
    public func treeSize() throws -> UInt64 {
        var size: UInt64 = 0
        try scan(log.tree, from: nil, reverse: true) { key, _ in
            size = Position(key: key)?.rawValue ?? 0
            return false
        }
        return size
    }

    /// The number of leading positions the stored tree covers: up to its last entry, and on to the head when fewer
    /// than 16 positions follow that entry (they need none).
    public func treeCoverage() throws -> UInt64 {
        let stored = try treeSize()
        let head = try head()?.position.rawValue ?? 0
        return head > stored && head - stored < 1 << TreeLayout.lowestStoredHeight ? head : stored
    }

    /// Whether the stored tree is in the layout of stores written before the sparse one: every node under every
    /// position (its last entry tells).
    func isTreeDense() throws -> Bool {
        var isDense = false
        try scan(log.tree, from: nil, reverse: true) { key, value in
            if let position = Position(key: key)?.rawValue {
                isDense = TreeLayout.firstStoredHeight(at: position, byteCount: value.count) == 0
            }
            return false
        }
        return isDense
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
            let found = try withValue(forKey: Position.key(end), in: log.tree) { value -> StoredNode in
                guard let first = TreeLayout.firstStoredHeight(at: end, byteCount: value.count),
                    height < TreeLayout.nodeCount(at: end)
                else { return .damaged }
                guard height >= first else { return .below }
                let offset = (height - first) * 32
                return SHA256Digest(bytes: Array(value[offset..<(offset + 32)])).map(StoredNode.node) ?? .damaged
            }
            switch found {
            case .node(let node): return node
            case .below: break
            case nil where end.trailingZeroBitCount < TreeLayout.lowestStoredHeight:
                break  // no entry is stored there
            case .damaged, nil:
                throw LogDamage(position: Position(end), reason: "the Merkle tree's nodes there are missing or damaged")
            }
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
    /// A store written before the tree existed gets its whole tree here, and one written before the sparse layout
    /// its tree laid out anew (all its positions count as added). Every append calls it first, so the tree never lags
    /// the log in a store this build has written to.
    @discardableResult
    public func completeTree() throws -> UInt64 {
        guard state.frontier == nil else { return 0 }
        let headPosition = try headPositionForTree()
        var covered = try treeCoverage()
        if try isTreeDense() {
            try handle.removeAll(in: log.tree)
            covered = 0
        }
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
        return headPosition - min(covered, headPosition)
    }

    /// The head's position, from this transaction's own appends when it has made some.
    private func headPositionForTree() throws -> UInt64 {
        if let cached = state.head { return cached?.position.rawValue ?? 0 }
        return try head()?.position.rawValue ?? 0
    }

    /// Clears the stored tree and builds it again from the log; returns how many positions it covered before.
    @discardableResult
    public func rebuildTree() throws -> UInt64 {
        let covered = try treeCoverage()
        try handle.removeAll(in: log.tree)
        state.frontier = nil
        try completeTree()
        return covered
    }

    /// Appends the leaf `leaf` at the position after the tree's last: stores the roots of 16 leaves or more it
    /// completes, if any.
    func appendToTree(_ leaf: SHA256Digest) throws {
        guard var frontier = state.frontier else { preconditionFailure("the tree's frontier is loaded first") }
        var value: [UInt8] = []
        var height = 0
        frontier.append(leaf) { node in
            if height >= TreeLayout.lowestStoredHeight { value.append(contentsOf: node.bytes) }
            height += 1
        }
        if !value.isEmpty {
            try handle.put(value, forKey: Position.key(frontier.size), in: log.tree, flags: appendFlag)
        }
        state.frontier = frontier
    }
}

/// What an entry of the stored tree holds for one node: the node, nothing at that height (below the lowest stored
/// one), or bytes that fit no layout.
private enum StoredNode {
    case node(SHA256Digest)
    case below
    case damaged
}
