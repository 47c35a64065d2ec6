import EventStore

/// The signed statements of SPEC §10 about the log: checkpoints, inclusion and consistency proofs, each read in one
/// snapshot of the store and signed with a key that lives outside it. Nothing here writes to the store.
/// ```swift
/// let signer = try NoteSigner(parsing: keyText)
/// let proof = try base.inclusionProof(of: 12, signer: signer)
/// print(String(decoding: proof.text, as: UTF8.self))
/// ```
extension KnowledgeBase {
    /// The signed checkpoint (c2sp.org/tlog-checkpoint) of the first `size` events, the head when nil.
    ///
    /// - Throws: ``InputError`` when `size` is below 1 or past the head (an empty log has no checkpoint).
    public func signedCheckpoint(size: UInt64? = nil, signer: NoteSigner) throws -> [UInt8] {
        let checkpoint = try environment.read { transaction in
            let size = try treeSize(size, in: transaction)
            return Checkpoint(origin: signer.name, size: size, root: try transaction.treeRoot(size: size))
        }
        return try checkpoint.signed(by: signer)
    }

    /// The inclusion proof (c2sp.org/tlog-proof) of the event at `position` in the tree of the first `size`
    /// events (the head when nil), with the signed checkpoint of that tree.
    ///
    /// - Throws: ``InputError`` when `size` is below 1 or past the head, or `position` is 0 or past `size`.
    public func inclusionProof(of position: UInt64, size: UInt64? = nil, signer: NoteSigner) throws -> InclusionProof {
        let (checkpoint, path) = try environment.read { transaction in
            let size = try treeSize(size, in: transaction)
            guard position >= 1, position <= size else {
                throw InputError(
                    position == 0
                        ? "position 0 is not a position (the first is 1)"
                        : "position \(position) is past the size \(size) of the tree to prove it in"
                )
            }
            let checkpoint = Checkpoint(origin: signer.name, size: size, root: try transaction.treeRoot(size: size))
            return (checkpoint, try transaction.inclusionProof(index: position - 1, size: size))
        }
        return InclusionProof(index: position - 1, path: path, checkpoint: try checkpoint.signed(by: signer))
    }

    /// The consistency proof from the tree of the first `old` events to that of the first `size` (the head when
    /// nil), as a C2SP tlog-witness add-checkpoint body, with the signed checkpoint of the larger tree.
    ///
    /// - Throws: ``InputError`` when `size` is below 1 or past the head, or `old` is 0 or not below `size`.
    public func consistencyProof(from old: UInt64, size: UInt64? = nil, signer: NoteSigner) throws -> ConsistencyProof {
        let (checkpoint, path) = try environment.read { transaction in
            let size = try treeSize(size, in: transaction)
            guard old >= 1, old < size else {
                throw InputError(
                    old == 0
                        ? "old size 0: a consistency proof starts from a tree of at least 1 event"
                        : "old size \(old) is not below the size \(size) to prove it consistent with"
                )
            }
            let checkpoint = Checkpoint(origin: signer.name, size: size, root: try transaction.treeRoot(size: size))
            return (checkpoint, try transaction.consistencyProof(from: old, to: size))
        }
        return ConsistencyProof(old: old, path: path, checkpoint: try checkpoint.signed(by: signer))
    }

    /// The lines `export` writes for the events after position `after`, at most `limit` of them, each ending in a
    /// newline: the feed that mirrors follow.
    public func exportLines(after: UInt64, limit: Int) throws -> [UInt8] {
        var lines: [UInt8] = []
        guard limit > 0, after < Position.maximum.rawValue else { return lines }
        try environment.read { transaction in
            var remaining = limit
            try transaction.forEachEvent(from: Position(after + 1)) { _, hash, bytes in
                lines += CanonicalJSON.escapingForDisplay(ExportLine.make(bytes: bytes, hash: hash))
                lines.append(0x0A)
                remaining -= 1
                return remaining > 0
            }
        }
        return lines
    }

    /// `size`, checked against the log's head, or the head when nil.
    private func treeSize(_ size: UInt64?, in transaction: borrowing ReadTransaction) throws -> UInt64 {
        let head = try transaction.head()?.position.rawValue ?? 0
        guard let size else {
            guard head > 0 else { throw InputError("the log is empty: there is nothing to sign") }
            return head
        }
        guard size >= 1 else { throw InputError("size 0: a checkpoint covers at least 1 event") }
        guard size <= head else { throw InputError("size \(size) is past the head of the log (\(head) events)") }
        return size
    }
}
