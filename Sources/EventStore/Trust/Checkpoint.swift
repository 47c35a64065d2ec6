/// A transparency log's checkpoint (c2sp.org/tlog-checkpoint): its origin, its size and the RFC 6962 root of its
/// tree, as the text a signed note signs: `ORIGIN\nSIZE\nBASE64 ROOT\n`.
public struct Checkpoint: Sendable, Equatable {
    /// The log's origin: the name of the key that signs it.
    public var origin: String
    /// The number of entries.
    public var size: UInt64
    /// The root of the tree of the first `size` entries.
    public var root: SHA256Digest

    /// The checkpoint of the log `origin` at `size` entries with the root `root`.
    public init(origin: String, size: UInt64, root: SHA256Digest) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// Reads the text of a checkpoint note; lines after the root (extensions) are allowed and ignored.
    public init(parsing text: [UInt8]) throws {
        let lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard lines.count >= 4, text.last == UInt8(ascii: "\n"), !lines[0].isEmpty else {
            throw NoteFormatError("a checkpoint is an origin, a size and a root hash, one a line")
        }
        guard let size = ProofText.number(lines[1]) else {
            throw NoteFormatError("the checkpoint's size is not a decimal number")
        }
        guard let root = ProofText.hash(lines[2]) else {
            throw NoteFormatError("the checkpoint's root is not a base64 SHA-256 hash")
        }
        self.init(origin: String(decoding: lines[0], as: UTF8.self), size: size, root: root)
    }

    /// The text a note signs.
    public var text: [UInt8] {
        Array("\(origin)\n\(size)\n\(Base64.encode(root.bytes))\n".utf8)
    }

    /// The signed note of this checkpoint, signed by `signer` (whose name must be the origin).
    public func signed(by signer: NoteSigner) throws -> [UInt8] {
        precondition(signer.name == origin, "a checkpoint is signed by the key named as its origin")
        return try signer.sign(text)
    }

    /// The checkpoint that the signed note `note` holds, once its signature by `verifier` and its origin (the
    /// verifier's name) are checked.
    ///
    /// - Throws: ``NoteFormatError`` for a note or checkpoint that does not parse; ``ProofRejection`` when the
    ///   signature or the origin does not hold.
    public static func verified(_ note: [UInt8], by verifier: NoteVerifier) throws -> Checkpoint {
        let text = try verifier.open(note)
        let checkpoint = try Checkpoint(parsing: text)
        guard checkpoint.origin == verifier.name else {
            throw ProofRejection(
                "the checkpoint's origin is '\(checkpoint.origin)', not the key's name '\(verifier.name)'"
            )
        }
        return checkpoint
    }
}

/// An inclusion proof in the C2SP tlog-proof format (c2sp.org/tlog-proof): the entry's index, its RFC 6962 path
/// and the signed checkpoint the path leads to.
public struct InclusionProof: Sendable, Equatable {
    /// The first line of every such proof.
    public static let header = "c2sp.org/tlog-proof@v1"
    /// The entry's index (0-based: position − 1).
    public var index: UInt64
    /// The path from the leaf's sibling upwards.
    public var path: [SHA256Digest]
    /// The signed checkpoint note.
    public var checkpoint: [UInt8]
    /// Opaque application data, when the proof carries an `extra` line.
    public var extra: [UInt8]?

    /// A proof of entry `index` with `path`, leading to the signed `checkpoint`.
    public init(index: UInt64, path: [SHA256Digest], checkpoint: [UInt8], extra: [UInt8]? = nil) {
        self.index = index
        self.path = path
        self.checkpoint = checkpoint
        self.extra = extra
    }

    /// Reads a proof's text; throws ``NoteFormatError`` naming the line that does not parse.
    public init(parsing text: [UInt8]) throws {
        var lines = ProofText.Lines(text)
        guard let first = lines.next(), first.elementsEqual(InclusionProof.header.utf8) else {
            throw NoteFormatError("line 1: not '\(InclusionProof.header)'")
        }
        var line = lines.next()
        if let extraLine = line, extraLine.starts(with: Array("extra ".utf8)) {
            guard let data = Base64.decode(String(decoding: extraLine.dropFirst(6), as: UTF8.self)) else {
                throw NoteFormatError("line \(lines.number): the extra data is not base64")
            }
            extra = data
            line = lines.next()
        }
        guard let indexLine = line, indexLine.starts(with: Array("index ".utf8)),
            let index = ProofText.number(indexLine.dropFirst(6))
        else { throw NoteFormatError("line \(lines.number): not 'index N'") }
        self.index = index
        path = try lines.hashes()
        checkpoint = lines.rest
    }

    /// The proof's text.
    public var text: [UInt8] {
        var text = Array("\(InclusionProof.header)\n".utf8)
        if let extra { text += Array("extra \(Base64.encode(extra))\n".utf8) }
        text += Array("index \(index)\n".utf8)
        return text + ProofText.lines(path) + [0x0A] + checkpoint
    }

    /// The checkpoint the proof leads to, once its signature and origin (by `verifier`) and the path from
    /// `leaf` (the leaf's hash) to its root hold.
    public func verified(leaf: SHA256Digest, by verifier: NoteVerifier) throws -> Checkpoint {
        let checkpoint = try Checkpoint.verified(self.checkpoint, by: verifier)
        guard index < checkpoint.size else {
            throw ProofRejection("the index \(index) is not inside the checkpoint's \(checkpoint.size) entries")
        }
        guard let root = MerkleProofs.root(ofLeaf: leaf, at: index, size: checkpoint.size, path: path) else {
            throw ProofRejection(
                "the path has \(path.count) hashes, not the number an entry at \(index) of \(checkpoint.size) needs"
            )
        }
        guard root == checkpoint.root else {
            throw ProofRejection("the path leads to the root \(root.hex), not the checkpoint's \(checkpoint.root.hex)")
        }
        return checkpoint
    }
}

/// A consistency proof as the body of a C2SP tlog-witness add-checkpoint request: `old N`, the RFC 6962
/// consistency path from size N to the checkpoint's size, a blank line and the signed checkpoint.
public struct ConsistencyProof: Sendable, Equatable {
    /// The size of the earlier tree.
    public var old: UInt64
    /// The consistency path.
    public var path: [SHA256Digest]
    /// The signed checkpoint note of the later tree.
    public var checkpoint: [UInt8]

    /// A proof from the tree of `old` entries to the one `checkpoint` signs.
    public init(old: UInt64, path: [SHA256Digest], checkpoint: [UInt8]) {
        self.old = old
        self.path = path
        self.checkpoint = checkpoint
    }

    /// Reads a proof's text; throws ``NoteFormatError`` naming the line that does not parse.
    public init(parsing text: [UInt8]) throws {
        var lines = ProofText.Lines(text)
        guard let line = lines.next(), line.starts(with: Array("old ".utf8)),
            let old = ProofText.number(line.dropFirst(4))
        else { throw NoteFormatError("line 1: not 'old N'") }
        self.old = old
        path = try lines.hashes()
        checkpoint = lines.rest
    }

    /// The proof's text.
    public var text: [UInt8] {
        Array("old \(old)\n".utf8) + ProofText.lines(path) + [0x0A] + checkpoint
    }
}

/// RFC 9162's verification of inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs.
public enum MerkleProofs {
    /// The root that `path` leads to from the leaf hashed `leaf` at `index` of a tree of `size` leaves; nil when the
    /// path has the wrong length for them.
    public static func root(
        ofLeaf leaf: SHA256Digest,
        at index: UInt64,
        size: UInt64,
        path: [SHA256Digest]
    )
        -> SHA256Digest?
    {
        guard index < size else { return nil }
        var hash = leaf
        let isWhole = climb(path[...], node: index, last: size - 1) { sibling, isLeft in
            hash = isLeft ? MerkleHash.node(sibling, hash) : MerkleHash.node(hash, sibling)
        }
        return isWhole ? hash : nil
    }

    /// Whether `path` proves that the tree of `size` leaves with root `root` extends the tree of `old` leaves with
    /// root `oldRoot` (0 < `old` ≤ `size`).
    public static func isConsistent(
        old: UInt64,
        oldRoot: SHA256Digest,
        size: UInt64,
        root: SHA256Digest,
        path: [SHA256Digest]
    ) -> Bool {
        guard old > 0, old <= size else { return false }
        if old == size { return path.isEmpty && oldRoot == root }
        guard !path.isEmpty else { return false }
        let proof = old & (old - 1) == 0 ? [oldRoot] + path : path
        var (node, last) = (old - 1, size - 1)
        while node & 1 == 1 {
            node >>= 1
            last >>= 1
        }
        var (oldHash, newHash) = (proof[0], proof[0])
        let isWhole = climb(proof.dropFirst(), node: node, last: last) { sibling, isLeft in
            if isLeft { oldHash = MerkleHash.node(sibling, oldHash) }
            newHash = isLeft ? MerkleHash.node(sibling, newHash) : MerkleHash.node(newHash, sibling)
        }
        return isWhole && oldHash == oldRoot && newHash == root
    }

    /// RFC 9162's walk up a path from the node `node` of a tree whose last node is `last`: `step` gets each sibling
    /// and whether it stands on the left. Returns whether the path ends exactly at the root.
    private static func climb(
        _ path: ArraySlice<SHA256Digest>,
        node start: UInt64,
        last end: UInt64,
        _ step: (SHA256Digest, _ isLeft: Bool) -> Void
    ) -> Bool {
        var (node, last) = (start, end)
        for sibling in path {
            guard last != 0 else { return false }
            let isLeft = node & 1 == 1 || node == last
            step(sibling, isLeft)
            while isLeft && node & 1 == 0 && node != 0 {
                node >>= 1
                last >>= 1
            }
            node >>= 1
            last >>= 1
        }
        return last == 0
    }
}

/// The line syntax that proofs share.
enum ProofText {
    /// A decimal number without a sign or leading zeros.
    static func number(_ digits: some Collection<UInt8>) -> UInt64? {
        guard let first = digits.first, first != UInt8(ascii: "0") || digits.count == 1, digits.count <= 19,
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return UInt64(String(decoding: digits, as: UTF8.self))
    }

    /// A base64 SHA-256 hash.
    static func hash(_ line: some Collection<UInt8>) -> SHA256Digest? {
        Base64.decode(String(decoding: line, as: UTF8.self)).flatMap(SHA256Digest.init(bytes:))
    }

    /// The hashes, base64, one a line.
    static func lines(_ hashes: [SHA256Digest]) -> [UInt8] {
        hashes.flatMap { Array((Base64.encode($0.bytes) + "\n").utf8) }
    }

    /// The lines of a proof, read one at a time.
    struct Lines {
        private let text: [UInt8]
        private var start = 0
        /// The number of the last line read (1-based).
        private(set) var number = 0

        init(_ text: [UInt8]) {
            self.text = text
        }

        /// The next line without its newline; nil when no whole line is left.
        mutating func next() -> ArraySlice<UInt8>? {
            guard let end = text[start...].firstIndex(of: 0x0A) else { return nil }
            defer { start = end + 1 }
            number += 1
            return text[start..<end]
        }

        /// Hashes, one a line, through the blank line that ends them.
        mutating func hashes() throws -> [SHA256Digest] {
            var hashes: [SHA256Digest] = []
            while true {
                guard let line = next() else {
                    throw NoteFormatError("line \(number + 1): the proof ends before its checkpoint")
                }
                if line.isEmpty { return hashes }
                guard let hash = ProofText.hash(line), hashes.count < 64 else {
                    throw NoteFormatError("line \(number): not a base64 SHA-256 hash")
                }
                hashes.append(hash)
            }
        }

        /// Everything after the last line read.
        var rest: [UInt8] { Array(text[start...]) }
    }
}
