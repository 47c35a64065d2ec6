import EventStore

/// One thing `verify` found wrong, at the first position it concerns (0 when it concerns no single event).
public struct VerificationProblem: Sendable, Equatable {
    /// The first position the problem concerns; 0 when it concerns no single event.
    public var position: Position
    /// What is wrong, in words.
    public var problem: String

    /// `{"position":n,"problem":"…"}`.
    var json: JSONValue { ["position": Row.position(position), "problem": .string(problem)] }
}

/// What `verify` reports.
public struct VerificationReport: Sendable, Equatable, JSONValueView {
    /// The number of stored events read.
    public var events: Int
    /// The stored hash of the last event read, the chain's head; nil when none was read.
    public var head: SHA256Digest?
    /// What is wrong, in the order found; the log is read no further once 100 are found.
    public var problems: [VerificationProblem]

    /// Whether verification found no problem.
    public var isOK: Bool { problems.isEmpty }

    /// `{"ok":bool,"events":n,"head":"hex","problems":[{"position","problem"}]}`.
    var json: JSONValue {
        [
            "ok": .bool(isOK), "events": Row.integer(events), "head": head.map { .string($0.hex) } ?? .null,
            "problems": .array(problems.map(\.json)),
        ]
    }
}

/// An auditor's note: position N carried this hash when they looked.
public struct ExpectedHash: Sendable, Equatable {
    /// The position the auditor noted.
    public var position: Position
    /// The hash the event at `position` carried then.
    public var hash: SHA256Digest

    /// Reads `N:HASH`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let number = UInt64(parts[0]), number >= 1,
            let hash = SHA256Digest(hex: String(parts[1]))
        else { return nil }
        position = Position(number)
        self.hash = hash
    }
}

extension KnowledgeBase {
    /// How many events `verify` folds into its scratch store per scratch transaction: each batch commits on its own,
    /// so the dirty pages of one batch, not of the whole log, are held at a time. 32,768 by default (at 1M events,
    /// 20 % faster than 4,096, since each commit writes its dirty pages out and the next batch copies the hot ones
    /// again, for about 165 MB more heap); `$SCKB_VERIFY_BATCH` sets another (at least 1), for the tests.
    static let verifyBatchSize = ProcessEnvironment.verifyBatchSize

    /// Checks the chain from the stored bytes, the id index, the log indexes and every read model (rebuilt from the
    /// log in a scratch store with the same fold, then compared entry by entry). Writes nothing to the store.
    ///
    /// The log is read in key order, in one read transaction (a first pass collects the retracted positions); the
    /// scratch fold commits every ``verifyBatchSize`` events (a scratch store needs no atomicity), and the tables are
    /// compared by walking both sides in key order, so memory does not grow with the log.
    public func verify(
        expecting expected: [ExpectedHash] = [],
        progress: (Position) -> Void = { _ in }
    ) throws
        -> VerificationReport
    {
        var walk = LogWalk()
        let scratch = try ScratchStore(tables: KnowledgeBase.tableNames, layouts: KnowledgeBase.tableLayouts)
        let fold = ScratchFold(
            models: ReadModels(table: scratch.environment.table(named:)),
            indexes: LogIndexes(table: scratch.environment.table(named:)),
            log: scratch.environment.log
        )
        try environment.read { transaction in
            walk.tree = try TreeCheck(in: transaction)
            let retracted = try tolerantRetractedPositions(in: transaction)
            // The scratch fold runs on a second core, a batch behind the walk that hashes and decodes.
            let target = scratch.environment
            let folding = try Worker<[PendingFold]> { batch in
                try fold.apply(batch, retracted: retracted, to: target)
            }
            defer { folding.stop() }
            var batch: [PendingFold] = []
            batch.reserveCapacity(KnowledgeBase.verifyBatchSize)
            // The log is read key by key rather than through forEachEvent, so that a damaged key or record is a
            // problem named in the report, not the end of the walk.
            try transaction.scan(transaction.log.events, from: nil, reverse: false) { key, value in
                guard walk.problems.count < 100 else { return false }
                if let pending = try walk.check(key: key, value: value, in: transaction, progress: progress) {
                    batch.append(pending)
                    if batch.count == KnowledgeBase.verifyBatchSize {
                        try folding.submit(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                return true
            }
            try folding.submit(batch)
            try folding.finish()
            if let problem = walk.tree?.finish(events: UInt64(walk.events)) {
                walk.problems.append(VerificationProblem(position: problem.position, problem: problem.description))
            }
            for expectation in expected {
                let stored =
                    try transaction.withEvent(at: expectation.position) { hash, _ in
                        SHA256Digest(bytes: Array(hash))
                    } ?? nil
                if stored != expectation.hash {
                    walk.problems.append(
                        VerificationProblem(
                            position: expectation.position,
                            problem: stored.map { "expected hash \(expectation.hash.hex), found \($0.hex)" }
                                ?? "expected hash \(expectation.hash.hex), but there is no event there"
                        )
                    )
                }
            }
            let indexedIDs = try transaction.count(of: transaction.log.ids)
            if indexedIDs != walk.idCount {
                walk.problems.append(
                    VerificationProblem(
                        position: Position(0),
                        problem: "the id index has \(indexedIDs) entries, the log \(walk.idCount) ids"
                    )
                )
            }
            try scratch.environment.read { rebuilt in
                // A store of an older format lacks the tables later formats added, or holds them in its own layout,
                // until its rebuild; nothing reads them in this layout before it.
                let lacking = Set(ReadModels.tablesChanged(after: try readModels.storedFormat(in: transaction)))
                let compared = ["log.ids", "log.recorded"] + LogIndexes.tableNames + readModels.all.map(\.name)
                for name in compared where !lacking.contains(name) {
                    if let difference = try firstDifference(
                        environment.table(named: name),
                        in: transaction,
                        scratch.environment.table(named: name),
                        in: rebuilt
                    ) {
                        walk.problems.append(
                            VerificationProblem(
                                position: keyPosition(difference.key, in: name) ?? Position(0),
                                problem: "table \(name) differs from the log's fold at key "
                                    + "\(describe(difference.key, in: name)): \(difference.problem)"
                            )
                        )
                    }
                }
            }
        }
        let problems = walk.problems + (try contactProblems())
        return VerificationReport(events: walk.events, head: walk.events > 0 ? walk.previous : nil, problems: problems)
    }

    /// The positions retracted by readable retractions; a damaged one is skipped here (the walk of the log names it).
    private func tolerantRetractedPositions(in reader: borrowing some LogReader & ~Copyable) throws -> Set<Position> {
        let suffix = Array("\"type\":\"EventRetracted\"}".utf8)
        var retracted = Set<Position>()
        try reader.scan(reader.log.events, from: nil, reverse: false) { key, value in
            guard let position = Position(key: key), value.count >= 32 else { return true }
            let bytes = UnsafeRawBufferPointer(rebasing: value[32...])
            guard bytes.count > suffix.count, bytes[(bytes.count - suffix.count)...].elementsEqual(suffix) else {
                return true
            }
            let event = try? StoredEvent(position: position, hash: .zero, bytes: bytes)
            if case .eventRetracted(let retraction) = event?.event.payload { retracted.insert(retraction.position) }
            return true
        }
        return retracted
    }

    /// Rebuilds every read model and index from the log in one write transaction; returns the events folded.
    public func replay(progress: (Position) -> Void = { _ in }) throws -> Int {
        var earlierFormat: ReadModelFormat = .current
        var treeCovered: UInt64 = 0
        let events = try environment.write { transaction in
            earlierFormat = try readModels.storedFormat(in: transaction)
            treeCovered = try transaction.rebuildTree()
            _ = try rebuild(
                in: transaction,
                checkingAfter: nil,
                rebuildingIndexes: true,
                decodingAhead: true,
                progress: progress
            )
            return Int(try transaction.head()?.position.rawValue ?? 0)
        }
        let treeBuilt = treeCovered < UInt64(events) ? UInt64(events) : 0
        switch earlierFormat {
        case .older(let version): noticeUpgrade(readModelsFrom: version, treeBuiltOver: treeBuilt)
        case .unrecorded where events > 0: noticeUpgrade(readModelsFrom: 1, treeBuiltOver: treeBuilt)
        default: noticeUpgrade(readModelsFrom: nil, treeBuiltOver: treeBuilt)
        }
        return events
    }
}

/// What one event of the log gives the scratch fold, once the walk has checked it.
private struct PendingFold {
    var event: StoredEvent
    /// The id index's key for the event's id, when it has one.
    var idKey: [UInt8]?
    /// The event's key in the recorded-time index.
    var recordedKey: [UInt8]
    /// Whether the stored bytes chain: an event that breaks the chain is not folded.
    var isChained: Bool
}

/// The checks `verify` makes of each stored record in log order, with what it has seen so far.
private struct LogWalk {
    var problems: [VerificationProblem] = []
    var events = 0
    var previous = SHA256Digest.zero
    var expectedPosition = Position.first
    var idCount = 0
    var previousKey: [UInt8]?
    /// The check of the stored Merkle tree, begun in the walk's transaction.
    var tree: TreeCheck?

    /// Checks the record under `key`: its key, position, hash and indexes. Returns what the fold needs, or nil when
    /// the record cannot be read as an event (the problem is noted).
    mutating func check(
        key: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer,
        in transaction: borrowing ReadTransaction,
        progress: (Position) -> Void
    ) throws -> PendingFold? {
        if let previousKey, !previousKey.lexicographicallyPrecedes(key) {
            problems.append(VerificationProblem(position: expectedPosition, problem: "the log's keys are out of order"))
        }
        previousKey = Array(key)
        guard key.count == 8, let position = Position(key: key), position.rawValue > 0 else {
            problems.append(
                VerificationProblem(
                    position: expectedPosition,
                    problem: "a damaged key \(describe(Array(key))) in the log after position "
                        + "\(expectedPosition.rawValue - 1)"
                )
            )
            return nil
        }
        if position.rawValue % 65_536 == 0 { progress(position) }
        if position != expectedPosition {
            problems.append(
                VerificationProblem(
                    position: expectedPosition,
                    problem: "position missing (next stored is \(position))"
                )
            )
        }
        expectedPosition = position.next
        events += 1
        guard value.count >= 32 else {
            problems.append(VerificationProblem(position: position, problem: "record shorter than a hash"))
            return nil
        }
        let hash = UnsafeRawBufferPointer(rebasing: value[..<32])
        let bytes = UnsafeRawBufferPointer(rebasing: value[32...])
        if let problem = try tree?.check(position, bytes: bytes, in: transaction) {
            problems.append(VerificationProblem(position: problem.position, problem: problem.description))
        }
        let computed = EventLog.chainHash(after: previous, bytes)
        let stored = SHA256Digest(bytes: Array(hash)) ?? .zero
        let isChained = computed == stored
        if !isChained {
            problems.append(
                VerificationProblem(
                    position: position,
                    problem: "hash mismatch: stored \(stored.hex), recomputed from the stored bytes \(computed.hex)"
                )
            )
        }
        previous = stored
        let event: StoredEvent
        do {
            event = try StoredEvent(position: position, hash: stored, bytes: bytes)
        } catch {
            problems.append(VerificationProblem(position: position, problem: "unreadable event: \(error)"))
            return nil
        }
        var idKey: [UInt8]?
        if let id = event.event.id {
            idCount += 1
            let indexed = try transaction.position(ofID: id)
            if indexed != position {
                problems.append(
                    VerificationProblem(
                        position: position,
                        problem: "the id index maps this event's id to \(indexed.map { "position \($0)" } ?? "nothing")"
                    )
                )
            }
            idKey = EventLog.key(forID: id)
        }
        let recordedKey = BigEndian.bytes(UInt64(bitPattern: event.recorded.secondsSince1970)) + position.key
        if try !transaction.contains(recordedKey, in: transaction.log.recorded) {
            problems.append(
                VerificationProblem(
                    position: position,
                    problem: "the recorded-time index (log.recorded) lacks this event, recorded "
                        + event.recorded.rfc3339
                )
            )
        }
        return PendingFold(event: event, idKey: idKey, recordedKey: recordedKey, isChained: isChained)
    }
}

/// The scratch store's tables that `verify` folds the log into.
private struct ScratchFold {
    var models: ReadModels
    var indexes: LogIndexes
    var log: EventLog

    /// Folds `batch` into the scratch store in one transaction of its own.
    ///
    /// When the scratch map fills, the transaction is aborted and this closure run again from the start over the
    /// same batch: everything it reads and changes is inside the scratch transaction, so a retry sees the state
    /// the previous batch committed, never a half-folded batch.
    func apply(_ batch: [PendingFold], retracted: Set<Position>, to scratch: Environment) throws {
        guard !batch.isEmpty else { return }
        try scratch.write { target in
            for pending in batch {
                if let idKey = pending.idKey {
                    try target.put(pending.event.position.key, forKey: idKey, in: log.ids)
                }
                try target.put([], forKey: pending.recordedKey, in: log.recorded)
                guard pending.isChained else { continue }
                try indexes.add(pending.event, to: target)
                if !retracted.contains(pending.event.position) && pending.event.event.type != .eventRetracted {
                    try models.apply(pending.event, to: target)
                }
            }
        }
    }
}

/// Compares two tables entry by entry; returns the first differing key and what differs there, or nil when equal.
///
/// Every key of the left table is also looked up on its own (`mdb_get`): a damaged branch page of a B-tree can
/// mislead lookups while a cursor walking the leaves still sees every entry, so a walk alone could pass a table
/// whose queries fail. Keys must come in strictly increasing order.
func firstDifference(
    _ left: Table,
    in leftReader: borrowing some KeyValueReader & ~Copyable,
    _ right: Table,
    in rightReader: borrowing some KeyValueReader & ~Copyable
) throws -> (key: [UInt8], problem: String)? {
    var leftEntries: [([UInt8], [UInt8])] = []
    var rightEntries: [([UInt8], [UInt8])] = []
    var leftStart: [UInt8]? = nil
    var rightStart: [UInt8]? = nil
    var previousKey: [UInt8]?
    // Walk both tables in chunks so memory stays bounded on large stores.
    while true {
        leftEntries.removeAll(keepingCapacity: true)
        rightEntries.removeAll(keepingCapacity: true)
        try leftReader.scan(left, from: leftStart, reverse: false) { key, value in
            leftEntries.append((Array(key), Array(value)))
            return leftEntries.count < 4096
        }
        try rightReader.scan(right, from: rightStart, reverse: false) { key, value in
            rightEntries.append((Array(key), Array(value)))
            return rightEntries.count < 4096
        }
        for (key, value) in leftEntries {
            if let previousKey, !previousKey.lexicographicallyPrecedes(key) {
                return (key, "the keys are out of order")
            }
            previousKey = key
            let found = try leftReader.withValue(forKey: key, in: left) { $0.elementsEqual(value) }
            if found != true { return (key, "a lookup of the key does not find the entry the table holds") }
        }
        for (leftEntry, rightEntry) in zip(leftEntries, rightEntries)
        where leftEntry.0 != rightEntry.0 || !Row.sameRow(leftEntry.1, rightEntry.1) {
            if leftEntry.0 == rightEntry.0 { return (leftEntry.0, "the stored value differs") }
            let first = min(leftEntry.0, rightEntry.0)
            return (first, first == leftEntry.0 ? "an entry the log does not explain" : "an entry is missing")
        }
        if leftEntries.count != rightEntries.count {
            if leftEntries.count > rightEntries.count {
                return (leftEntries[rightEntries.count].0, "an entry the log does not explain")
            }
            return (rightEntries[leftEntries.count].0, "an entry is missing")
        }
        guard let last = leftEntries.last, leftEntries.count == 4096 else { return nil }
        leftStart = last.0 + [0]
        rightStart = last.0 + [0]
    }
}

/// The position a key of table `name` names, where its layout has one: the log's recorded-time index (seconds ‖
/// position), the type index (code ‖ position), the entity index (id ‖ 0 ‖ position) and the retractions (position).
private func keyPosition(_ key: [UInt8], in name: String) -> Position? {
    let position: Position?
    switch name {
    case "log.recorded" where key.count == 16, "index.by-type" where key.count == 9,
        "index.by-entity" where key.count > 9, "index.without-source" where key.count == 9:
        position = key.withUnsafeBytes { Position(key: UnsafeRawBufferPointer(rebasing: $0[($0.count - 8)...])) }
    case "index.retractions" where key.count == 8:
        position = key.withUnsafeBytes { Position(key: $0) }
    default:
        position = nil
    }
    return position.flatMap { $0.rawValue > 0 ? $0 : nil }
}

/// A key of table `name` for a message: the recorded-time index as its time and position, the others as text.
private func describe(_ key: [UInt8], in name: String) -> String {
    guard name == "log.recorded", key.count == 16,
        let seconds = key.withUnsafeBytes({ BigEndian.value($0) }), let position = keyPosition(key, in: name),
        seconds <= 253_402_300_799  // 9999-12-31T23:59:59Z: a damaged key beyond it is shown as bytes
    else { return describe(key) }
    let recorded = Timestamp(secondsSince1970: Int64(bitPattern: seconds))
    return "recorded \(recorded.rfc3339), position \(position)"
}

private func min(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
    left.lexicographicallyPrecedes(right) ? left : right
}

private func describe(_ key: [UInt8]) -> String {
    let text = key.map { byte -> String in
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : (byte == 0 ? "/" : "\\x" + String(byte, radix: 16))
    }.joined()
    return "'\(text)'"
}
