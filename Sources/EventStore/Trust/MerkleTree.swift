/// The hashes of an RFC 6962 (§2.1) Merkle tree over SHA-256.
///
/// A leaf is SHA-256(0x00 ‖ bytes), an interior node SHA-256(0x01 ‖ left ‖ right), and the tree of no leaves has
/// the hash of the empty string:
/// ```swift
/// let root = MerkleHash.node(MerkleHash.leaf(first), MerkleHash.leaf(second))
/// ```
public enum MerkleHash {
    /// The root of the tree of no leaves: SHA-256 of the empty string.
    public static let emptyRoot = SHA256.hash([UInt8]())

    /// The hash of the leaf holding `bytes`.
    public static func leaf(_ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(leafPrefix)
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The hash of the leaf holding `bytes`.
    public static func leaf(_ bytes: [UInt8]) -> SHA256Digest {
        bytes.withUnsafeBytes { leaf($0) }
    }

    /// The hash of the interior node whose children hash to `left` and `right`.
    public static func node(_ left: SHA256Digest, _ right: SHA256Digest) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update(nodePrefix)
        hasher.update(left.bytes)
        hasher.update(right.bytes)
        return hasher.finalize()
    }

    private static let leafPrefix: [UInt8] = [0]
    private static let nodePrefix: [UInt8] = [1]
}

/// The right edge of a Merkle tree: the roots of the complete subtrees its leaves make, largest (leftmost) first,
/// one for each bit set in its size. Enough to append leaves and to compute the root.
public struct MerkleFrontier: Sendable, Equatable {
    /// The number of leaves.
    public private(set) var size: UInt64
    /// The roots of the complete subtrees, largest first.
    private var roots: [SHA256Digest]

    /// The frontier of the tree of no leaves.
    public init() {
        size = 0
        roots = []
    }

    init(size: UInt64, roots: [SHA256Digest]) {
        self.size = size
        self.roots = roots
    }

    /// Appends the leaf hashed as `leaf`, calling `completed` with the leaf and then with the root of every
    /// subtree the leaf completes, in order of height.
    public mutating func append(_ leaf: SHA256Digest, completed: (SHA256Digest) -> Void = { _ in }) {
        var node = leaf
        completed(node)
        var remaining = size
        while remaining & 1 == 1, let left = roots.popLast() {
            node = MerkleHash.node(left, node)
            completed(node)
            remaining >>= 1
        }
        roots.append(node)
        size += 1
    }

    /// The root of the tree (RFC 6962's MTH): the subtree roots folded from the right.
    public var root: SHA256Digest {
        guard var node = roots.last else { return MerkleHash.emptyRoot }
        for left in roots.dropLast().reversed() { node = MerkleHash.node(left, node) }
        return node
    }
}

/// Leaf counts and indexes of RFC 6962 trees, as the stored tree lays them out.
enum TreeLayout {
    /// The number of nodes a leaf at `position` (1-based) completes, itself included: 1 + its trailing zero bits.
    static func nodeCount(at position: UInt64) -> Int {
        1 + position.trailingZeroBitCount
    }

    /// The lowest height the stored tree keeps: a subtree below it (at most 8 leaves) is hashed from its events when
    /// a proof needs it, so that only one position in 16 holds an entry.
    static let lowestStoredHeight = 4

    /// The number of nodes stored under `position`: the roots of height ``lowestStoredHeight`` or more that it
    /// completes (0 for fifteen positions in sixteen).
    static func storedNodeCount(at position: UInt64) -> Int {
        max(0, nodeCount(at: position) - lowestStoredHeight)
    }

    /// How an entry of `byteCount` bytes under `position` lays out its nodes: the height of its first node, or nil
    /// when the size fits no layout. Stores written before the sparse layout hold every node from the leaf up.
    static func firstStoredHeight(at position: UInt64, byteCount: Int) -> Int? {
        let sparse = storedNodeCount(at: position)
        if sparse > 0 && byteCount == sparse * 32 { return lowestStoredHeight }
        if byteCount == nodeCount(at: position) * 32 { return 0 }
        return nil
    }

    /// The largest power of two below `count` (at least 2).
    static func split(_ count: UInt64) -> UInt64 {
        UInt64(1) << (63 - (count - 1).leadingZeroBitCount)
    }

    /// The complete subtrees that make up the leaves `start..<end` (0-based) when `start` is aligned as RFC 6962's
    /// recursion aligns it: (height, position of the last leaf) pairs, leftmost first.
    static func subtrees(from start: UInt64, to end: UInt64) -> [(height: Int, end: UInt64)] {
        var pieces: [(height: Int, end: UInt64)] = []
        var first = start
        while first < end {
            let fitting = 63 - (end - first).leadingZeroBitCount
            let height = first == 0 ? fitting : min(first.trailingZeroBitCount, fitting)
            first += UInt64(1) << height
            pieces.append((height, first))
        }
        return pieces
    }
}
