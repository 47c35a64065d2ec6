import EventStore

/// One thing `verify` found wrong, at the first position it concerns (0 when it concerns no single event).
public struct VerificationProblem: Sendable, Equatable {
    /// The first position the problem concerns; 0 when it concerns no single event.
    public var position: Position
    /// What is wrong, in words.
    public var problem: String

    /// `{"position":n,"problem":"…"}`.
    public var json: JSONValue { ["position": Record.position(position), "problem": .string(problem)] }
}

/// What `verify` reports.
public struct VerificationReport: Sendable, Equatable {
    /// The number of stored events read.
    public var events: Int
    /// The stored hash of the last event read, the chain's head; nil when none was read.
    public var head: SHA256Digest?
    /// What is wrong, in the order found; the log is read no further once 100 are found.
    public var problems: [VerificationProblem]

    /// Whether verification found no problem.
    public var isOK: Bool { problems.isEmpty }

    /// `{"ok":bool,"events":n,"head":"hex","problems":[{"position","problem"}]}`.
    public var json: JSONValue {
        [
            "ok": .bool(isOK), "events": Record.integer(events), "head": head.map { .string($0.hex) } ?? .null,
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
    /// Checks the chain from the stored bytes, the id index, the log indexes and every read model (rebuilt from the
    /// log in a scratch store with the same fold, then compared entry by entry). Writes nothing to the store.
    public func verify(
        expecting expected: [ExpectedHash] = [],
        progress: (Position) -> Void = { _ in }
    ) throws
        -> VerificationReport
    {
        var problems: [VerificationProblem] = []
        var events = 0
        var previous = SHA256Digest.zero
        let scratch = try ScratchStore(tables: KnowledgeBase.tableNames)
        let scratchModels = ReadModels(table: scratch.environment.table(named:))
        let scratchIndexes = LogIndexes(table: scratch.environment.table(named:))
        try environment.read { transaction in
            var expectedPosition = Position.first
            var idCount = 0
            let retracted = try retractedPositions(in: transaction)
            try scratch.environment.write { target in
                try transaction.forEachRecord { position, hash, bytes in
                    if position.rawValue % 65_536 == 0 { progress(position) }
                    guard problems.count < 100 else { return false }
                    if position != expectedPosition {
                        problems.append(
                            VerificationProblem(
                                position: expectedPosition,
                                problem: "position missing (next stored is \(position))"
                            )
                        )
                        expectedPosition = position
                    }
                    expectedPosition = position.next
                    events += 1
                    var hasher = SHA256()
                    hasher.update(previous.bytes)
                    hasher.update(bytes)
                    let computed = hasher.finalize()
                    let stored = SHA256Digest(bytes: Array(hash)) ?? .zero
                    if computed != stored {
                        problems.append(
                            VerificationProblem(
                                position: position,
                                problem:
                                    "hash mismatch: stored \(stored.hex), recomputed from the stored bytes \(computed.hex)"
                            )
                        )
                    }
                    previous = stored
                    let event: RecordedEvent
                    do {
                        event = try RecordedEvent(position: position, hash: stored, bytes: bytes)
                    } catch {
                        problems.append(VerificationProblem(position: position, problem: "unreadable event: \(error)"))
                        return true
                    }
                    if let id = event.event.id {
                        idCount += 1
                        let indexed = try transaction.position(ofID: id)
                        if indexed != position {
                            problems.append(
                                VerificationProblem(
                                    position: position,
                                    problem:
                                        "the id index maps this event's id to \(indexed.map { "position \($0)" } ?? "nothing")"
                                )
                            )
                        }
                    }
                    try scratchIndexes.add(event, to: target)
                    if !retracted.contains(position) && event.event.type != .eventRetracted {
                        try scratchModels.apply(event, to: target)
                    }
                    return true
                }
            }
            for expectation in expected {
                let stored =
                    try transaction.withRecord(at: expectation.position) { hash, _ in
                        SHA256Digest(bytes: Array(hash))
                    } ?? nil
                if stored != expectation.hash {
                    problems.append(
                        VerificationProblem(
                            position: expectation.position,
                            problem: stored.map { "expected hash \(expectation.hash.hex), found \($0.hex)" }
                                ?? "expected hash \(expectation.hash.hex), but there is no event there"
                        )
                    )
                }
            }
            let indexedIDs = try transaction.count(of: transaction.log.ids)
            if indexedIDs != idCount {
                problems.append(
                    VerificationProblem(
                        position: Position(0),
                        problem: "the id index has \(indexedIDs) entries, the log \(idCount) ids"
                    )
                )
            }
            try scratch.environment.read { rebuilt in
                for name in LogIndexes.tableNames + ReadModels.tableNames {
                    if let difference = try firstDifference(
                        environment.table(named: name),
                        in: transaction,
                        scratch.environment.table(named: name),
                        in: rebuilt
                    ) {
                        problems.append(
                            VerificationProblem(
                                position: Position(0),
                                problem: "table \(name) differs from the log's fold at key \(difference)"
                            )
                        )
                    }
                }
            }
        }
        problems += try contactProblems()
        return VerificationReport(events: events, head: events > 0 ? previous : nil, problems: problems)
    }

    /// Rebuilds every read model and index from the log in one write transaction; returns the events folded.
    public func replay(progress: (Position) -> Void = { _ in }) throws -> Int {
        try environment.write { transaction in
            _ = try rebuild(in: transaction, checkingAfter: nil, rebuildingIndexes: true, progress: progress)
            return Int(try transaction.head()?.position.rawValue ?? 0)
        }
    }
}

/// Compares two tables entry by entry; returns a description of the first differing key, or nil when equal.
func firstDifference(
    _ left: Table,
    in leftReader: borrowing some KeyValueReader & ~Copyable,
    _ right: Table,
    in rightReader: borrowing some KeyValueReader & ~Copyable
) throws -> String? {
    var leftEntries: [([UInt8], [UInt8])] = []
    var rightEntries: [([UInt8], [UInt8])] = []
    var difference: String?
    var leftStart: [UInt8]? = nil
    var rightStart: [UInt8]? = nil
    // Walk both tables in chunks so memory stays bounded on large stores.
    while difference == nil {
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
        for (leftEntry, rightEntry) in zip(leftEntries, rightEntries) where leftEntry != rightEntry {
            return describe(leftEntry.0 == rightEntry.0 ? leftEntry.0 : min(leftEntry.0, rightEntry.0))
        }
        if leftEntries.count != rightEntries.count {
            let extra =
                leftEntries.count > rightEntries.count
                ? leftEntries[rightEntries.count] : rightEntries[leftEntries.count]
            return describe(extra.0)
        }
        guard let last = leftEntries.last, leftEntries.count == 4096 else { break }
        leftStart = last.0 + [0]
        rightStart = last.0 + [0]
        difference = nil
    }
    return difference
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
