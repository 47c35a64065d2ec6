import EventStore

extension KnowledgeBase {
    /// Refuses a retraction whose target does not exist, is itself a retraction, or is already retracted.
    func checkTarget(
        of retraction: EventRetracted,
        at position: Position,
        in transaction: borrowing WriteTransaction
    )
        throws
    {
        let target = retraction.position
        guard target < position else {
            throw RuleViolation(
                .eventRetracted,
                "position \(target) does not exist (the log ends at \(position.rawValue - 1))"
            )
        }
        let event = try storedEvent(at: target, in: transaction)
        try refuseRetractionOfContactEvent(event)
        if event.event.type == .eventRetracted {
            throw RuleViolation(.eventRetracted, "position \(target) is itself a retraction")
        }
        if let earlier = try indexes.retraction(of: target, through: position, in: transaction) {
            throw RuleViolation(.eventRetracted, "position \(target) is already retracted (by position \(earlier))")
        }
    }

    /// Withdraws `target` from every read model: rebuilds them from the log without it, re-checking every later
    /// event. Refused, naming their positions, when later events still need it and nothing else could serve.
    func retract(_ target: Position, in transaction: borrowing WriteTransaction) throws {
        let event = try storedEvent(at: target, in: transaction)
        if ReadModels.isLeaf(event.event.type) {
            try readModels.withdraw(event, from: transaction)
            return
        }
        let failures = try rebuild(in: transaction, checkingAfter: target)
        guard let first = failures.first else { return }
        let positions = failures.prefix(10).map { String(describing: $0.position) }.joined(separator: ", ")
        let more = failures.count > 10 ? " and \(failures.count - 10) more" : ""
        throw RuleViolation(
            .eventRetracted,
            "position \(target) is needed by later unretracted events at positions \(positions)\(more)"
                + " (first: \(first.violation.type.rawValue): \(first.violation.message))"
        )
    }

    /// Clears every read model and folds the log into them again, skipping retracted events.
    ///
    /// Events after `checkingAfter` are checked against the rules first; those that fail are not applied and are
    /// returned. With nil, nothing is checked (the log was valid when written).
    func rebuild(
        in transaction: borrowing WriteTransaction,
        checkingAfter: Position?,
        rebuildingIndexes: Bool = false,
        decodingAhead: Bool = false,
        progress: (Position) -> Void = { _ in }
    ) throws -> [(position: Position, violation: RuleViolation)] {
        for table in readModels.all + (rebuildingIndexes ? indexes.all : []) {
            try transaction.removeAll(in: table)
        }
        if rebuildingIndexes {
            for name in LogIndexes.retiredTableNames { try transaction.removeTable(named: name) }
        }
        let retracted = try retractedPositions(in: transaction)
        var failures: [(position: Position, violation: RuleViolation)] = []
        func fold(_ event: StoredEvent) throws {
            let position = event.position
            if position.rawValue % 65_536 == 0 { progress(position) }
            let isRetracted = retracted.contains(position)
            if rebuildingIndexes { try indexes.add(event, to: transaction) }
            if isRetracted || event.event.type == .eventRetracted { return }
            if let checkingAfter, position > checkingAfter {
                do {
                    try readModels.check(event, in: transaction)
                } catch let violation as RuleViolation {
                    failures.append((position, violation))
                    return
                }
            }
            try readModels.apply(event, to: transaction)
        }
        if decodingAhead {
            let events = try decodedAhead()
            defer { events.finish() }
            while let next = events.next() { try fold(try next.get()) }
        } else {
            try transaction.forEachEvent { position, hash, bytes in
                if retracted.contains(position) && !rebuildingIndexes { return true }
                try fold(StoredEvent(position: position, hash: SHA256Digest(bytes: Array(hash)) ?? .zero, bytes: bytes))
                return true
            }
        }
        try readModels.recordFormat(in: transaction)
        return failures
    }

    /// The log's events, decoded on a second thread from a snapshot of their own a few batches ahead of the caller:
    /// for a rebuild in a write transaction that has appended nothing yet, so that the snapshot holds the same log.
    /// A damaged event is the last item, as its error.
    private func decodedAhead() throws -> Prefetched<Result<StoredEvent, any Error>> {
        try Prefetched { [environment] handOver in
            var batch: [Result<StoredEvent, any Error>] = []
            do {
                try environment.read { reader in
                    try reader.forEachEvent { position, hash, bytes in
                        let hash = SHA256Digest(bytes: Array(hash)) ?? .zero
                        batch.append(Result { try StoredEvent(position: position, hash: hash, bytes: bytes) })
                        if case .failure = batch[batch.count - 1] { return false }
                        guard batch.count == 256 else { return true }
                        defer { batch.removeAll(keepingCapacity: true) }
                        return handOver(batch)
                    }
                }
            } catch {
                batch.append(.failure(error))
            }
            _ = handOver(batch)
        }
    }

    /// The positions of every retracted event, read from the log itself (not from an index), so that a rebuild
    /// depends on nothing but the log. Only retractions are decoded: their canonical bytes end with their type.
    func retractedPositions(in reader: borrowing some LogReader & ~Copyable) throws -> Set<Position> {
        let suffix = Array("\"type\":\"EventRetracted\"}".utf8)
        var retracted = Set<Position>()
        try reader.forEachEvent { position, hash, bytes in
            guard bytes.count > suffix.count, bytes[(bytes.count - suffix.count)...].elementsEqual(suffix) else {
                return true
            }
            let event = try StoredEvent(
                position: position,
                hash: SHA256Digest(bytes: Array(hash)) ?? .zero,
                bytes: bytes
            )
            if case .eventRetracted(let retraction) = event.event.payload { retracted.insert(retraction.position) }
            return true
        }
        return retracted
    }
}
