import EventStore

/// The knowledge base: the event log in one LMDB store, with the indexes and read models kept beside it.
///
/// Every write checks its events against the state of all earlier events and updates indexes and read models in the
/// same transaction, so a query never replays the log and never sees a half-applied change.
/// ```swift
/// let base = try KnowledgeBase(path: ".sckb", creating: true)
/// let outcome = try base.append(event)
/// ```
public final class KnowledgeBase: Sendable {
    /// The LMDB environment.
    public let environment: Environment
    let indexes: LogIndexes
    let readModels: ReadModels

    /// Told, once, when a write first rebuilds read models of an older format.
    let notice: @Sendable (String) -> Void

    /// Every table the knowledge base keeps beside the log.
    static let tableNames = LogIndexes.tableNames + ReadModels.tableNames

    /// The tables not kept as plain LMDB databases.
    static let tableLayouts = LogIndexes.layouts

    /// How a store is opened, beyond its path: what the program chooses, never read from the process environment.
    public struct Options: Sendable {
        /// The map size of a store created now, in bytes (default: EventStore's 64 MiB); the map grows by itself.
        public var initialMapSize: Int?
        /// Whether a store opened for writing maps its file writable (`MDB_WRITEMAP`, see EventStore's
        /// `Environment`); the contact store beside it follows. On by default: a write then changes pages in the
        /// map instead of heap copies, and a large import's memory stays flat (README, "Durability").
        public var isWriteMapped: Bool
        /// Told, once, in one line, when a write first rebuilds read models of an older format.
        public var notice: @Sendable (String) -> Void

        /// Options with the given values.
        public init(
            initialMapSize: Int? = nil,
            isWriteMapped: Bool = true,
            notice: @escaping @Sendable (String) -> Void = { _ in }
        ) {
            self.initialMapSize = initialMapSize
            self.isWriteMapped = isWriteMapped
            self.notice = notice
        }
    }

    /// Opens the store at `path`; with `creating`, creates it when missing; `readingOnly` opens an existing store
    /// for reading alone (LMDB's `MDB_RDONLY`), so that any write would fail.
    ///
    /// A store whose read models are in an older format opens as it is: its rows are read in that format, and the
    /// first write (or ``replay(progress:)``) rebuilds them from the log, telling the options' `notice` in one line.
    /// A store in a newer format than this build's is refused.
    public init(
        path: String,
        creating: Bool,
        readingOnly: Bool = false,
        options: Options = Options()
    ) throws(StoreError) {
        environment = try Environment(
            path: path,
            tables: KnowledgeBase.tableNames,
            layouts: KnowledgeBase.tableLayouts,
            creating: creating && !readingOnly,
            initialMapSize: options.initialMapSize,
            isReadOnly: readingOnly,
            isWriteMapped: options.isWriteMapped
        )
        indexes = LogIndexes(table: environment.table(named:))
        readModels = ReadModels(table: environment.table(named:))
        self.notice = options.notice
        let format: ReadModelFormat
        do {
            format = try environment.read { [readModels] transaction in try readModels.storedFormat(in: transaction) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, operation: "open the store", path: path, reason: String(describing: error))
        }
        if case .newer(let version) = format {
            throw StoreError(
                .unavailable,
                operation: "open the store",
                path: path,
                reason: "its read models are in format \(version), newer than this sckb reads"
                    + " (\(ReadModels.formatVersion)); use the release that wrote it or a later one"
            )
        }
    }

    /// Runs `body` in a write transaction, after bringing read models of an older format up to this build's: they
    /// are rebuilt from the log in the same transaction (the log and its hashes stay as they are).
    func write<Result>(_ body: (borrowing WriteTransaction) throws -> Result) throws -> Result {
        var rebuiltFrom: UInt32?
        var treeBuilt: UInt64 = 0
        let result = try environment.write { transaction in
            rebuiltFrom = nil
            treeBuilt = try transaction.completeTree()
            switch try readModels.storedFormat(in: transaction) {
            case .current:
                break
            case .unrecorded where try transaction.head() == nil:
                try readModels.recordFormat(in: transaction)
            case .unrecorded:
                _ = try rebuild(in: transaction, checkingAfter: nil, rebuildingIndexes: true)
                rebuiltFrom = 1
            case .older(let version):
                let indexesOlder = version < ReadModels.logIndexesVersion
                _ = try rebuild(in: transaction, checkingAfter: nil, rebuildingIndexes: indexesOlder)
                rebuiltFrom = version
            case .newer(let version):
                throw StoreError(
                    .unavailable,
                    operation: "write to the store",
                    path: path,
                    reason: "its read models are in format \(version), newer than this sckb writes"
                )
            }
            return try body(transaction)
        }
        noticeUpgrade(readModelsFrom: rebuiltFrom, treeBuiltOver: treeBuilt)
        return result
    }

    /// Tells the notice, in one line, what a write or a replay rebuilt of a store written by an earlier release: its
    /// read models (from format `version`), its Merkle tree (over `events` events, when not 0), or both.
    func noticeUpgrade(readModelsFrom version: UInt32?, treeBuiltOver events: UInt64) {
        let tree = "built the Merkle tree of \(path) over its \(events) events"
        let readModels = version.map {
            "rebuilt the read models of \(path) from its log, from format \($0) to \(ReadModels.formatVersion)"
        }
        let done: String
        switch (readModels, events) {
        case (nil, 0): return
        case (let readModels?, 0): done = readModels
        case (let readModels?, _): done = readModels + ", and built its Merkle tree over its \(events) events"
        case (nil, _): done = tree
        }
        notice(done + " (once; the log and its hashes are unchanged)")
    }

    /// The path of the store.
    public var path: String { environment.path }

    // MARK: Writing

    /// What became of one event given to the knowledge base.
    public enum Outcome: Sendable, Equatable {
        /// It was appended.
        case appended(StoredEvent)
        /// Its id was already stored with the same content, so it was skipped; this is the stored event.
        case skipped(StoredEvent)
    }

    /// Checks `event` and appends it, in one transaction.
    public func append(_ event: Event) throws -> Outcome {
        try refuseLocalWrite("append")
        return try write { transaction in try append(event, in: transaction) }
    }

    /// Appends `event` in `transaction`; `frame`, when given, is its ``Event/canonicalFrame()``, made ahead.
    func append(
        _ event: Event,
        frame: Event.CanonicalFrame? = nil,
        in transaction: borrowing WriteTransaction
    ) throws -> Outcome {
        var appendedAt: ValidTime?
        let outcome = try transaction.appendUnlessIndexed(id: event.id) { position, recorded in
            let time = event.at ?? ValidTime(timestamp: recorded)
            appendedAt = time
            if let frame { return frame.bytes(position: position, recorded: recorded) }
            return event.canonicalBytes(position: position, recorded: recorded, at: time)
        }
        let head: LogHead
        switch outcome {
        case .appended(let appended):
            head = appended
        case .alreadyIndexed(let existing):
            let stored = try storedEvent(at: existing, in: transaction)
            guard event.hasSameContent(as: stored) else {
                throw InputError(
                    "id '\(SafeText.escaped(event.id ?? ""))' is already stored at position \(existing) with other content"
                )
            }
            return .skipped(stored)
        }
        var stored = event
        stored.at = appendedAt
        let recorded = StoredEvent(event: stored, position: head.position, recorded: head.recorded, hash: head.hash)
        try project(recorded, in: transaction)
        return .appended(recorded)
    }

    /// Checks the rules for an event just written to the log and folds it into the indexes and read models.
    func project(_ recorded: StoredEvent, in transaction: borrowing WriteTransaction) throws {
        if case .eventRetracted(let retraction) = recorded.event.payload {
            try checkTarget(of: retraction, at: recorded.position, in: transaction)
            try indexes.add(recorded, to: transaction)
            try retract(retraction.position, in: transaction)
        } else {
            try readModels.check(recorded, in: transaction)
            try readModels.apply(recorded, to: transaction)
            try indexes.add(recorded, to: transaction)
        }
    }

    // MARK: Reading

    /// Reads the event stored at `position`.
    func storedEvent(
        at position: Position,
        in reader: borrowing some LogReader & ~Copyable
    ) throws
        -> StoredEvent
    {
        let event = try reader.withEvent(at: position) { hash, bytes in
            try StoredEvent(position: position, hash: SHA256Digest(bytes: Array(hash)) ?? .zero, bytes: bytes)
        }
        guard let event else { throw LogDamage(position: position, reason: "no event stored there") }
        return event
    }

    /// Writes each event through the cut, in log order, as `export` writes it: one canonical JSON line with its hash.
    public func export(until cut: TransactionCut? = nil, _ body: ([UInt8]) throws -> Void) throws {
        try environment.read { transaction in
            let last = try cut?.lastPosition(in: transaction)
            try transaction.forEachEvent(through: last) { position, hash, bytes in
                try body(ExportLine.make(bytes: bytes, hash: hash))
                return true
            }
        }
    }

    /// The log's head as the cut sees it, or nil when the log is empty there.
    public func head(until cut: TransactionCut? = nil) throws -> LogHead? {
        try environment.read { transaction in
            guard let head = try transaction.head() else { return nil }
            guard let cut else { return head }
            let last = try cut.lastPosition(in: transaction)
            guard last.rawValue > 0 else { return nil }
            let event = try storedEvent(at: last, in: transaction)
            return LogHead(position: last, hash: event.hash, recorded: event.recorded)
        }
    }
}

/// The line `export` writes for a stored event: its canonical bytes with `"hash"` in its sorted place.
enum ExportLine {
    static func make(bytes: UnsafeRawBufferPointer, hash: UnsafeRawBufferPointer) -> [UInt8] {
        // Keys are sorted, so "hash" goes just before "id" when there is one, else before the top-level
        // "position". Neither `,"id":"` nor `,"position":` can occur inside a JSON string (quotes are escaped), and
        // the only other object, data, precedes them and has no "id"; its "position" (EventRetracted) comes first.
        let insertion =
            lastIndex(of: Array(",\"id\":\"".utf8), in: bytes)
            ?? lastIndex(of: Array(",\"position\":".utf8), in: bytes) ?? 1
        var line: [UInt8] = []
        line.reserveCapacity(bytes.count + 80)
        line.append(contentsOf: bytes[..<(insertion + 1)])
        line.append(contentsOf: "\"hash\":\"".utf8)
        for byte in hash {
            line.append(hexDigits[Int(byte >> 4)])
            line.append(hexDigits[Int(byte & 0x0F)])
        }
        line.append(contentsOf: "\",".utf8)
        line.append(contentsOf: bytes[(insertion + 1)...])
        return line
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func lastIndex(of needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.count - needle.count
        while index >= 0 {
            if haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index -= 1
        }
        return nil
    }
}
