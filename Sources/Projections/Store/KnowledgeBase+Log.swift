import EventStore

/// Which events `log` lists.
public struct LogFilter: Sendable {
    /// Only events of this type.
    public var type: EventType?
    /// Only events naming this entity.
    public var entity: Slug?
    /// Only events at or after this position.
    public var from: Position = .first
    /// At most this many events.
    public var limit: Int?
    /// Only events the knowledge base held at this cut (transaction time).
    public var until: TransactionCut?
    /// Only events that happened in the world through this cut (valid time).
    public var asOf: ValidTimeCut?

    /// Every event.
    public init() {}

    /// Starts the listing at position `number` (1 or more).
    public mutating func start(at number: UInt64) {
        from = Position(number)
    }
}

/// One event as `log` and `history` list it: with the retraction that withdrew it, if any inside the cut.
public struct LogEntry: Sendable, Equatable {
    /// The event.
    public var stored: StoredEvent
    /// The position of the retraction that withdrew it, if any.
    public var retractedBy: Position?

    /// The event as `export` writes it, plus `retracted_by` (a position or null).
    var json: JSONValue {
        guard case .object(var object) = stored.exportJSON else { return stored.exportJSON }
        object["retracted_by"] = retractedBy.map { .number(JSONNumber(integer: Int64($0.rawValue))) } ?? .null
        return .object(object)
    }
}

/// What `stats` reports.
public struct LogStatistics: Sendable, Equatable {
    /// Events inside the cut.
    public var events: Int
    /// The head inside the cut, or nil for an empty log.
    public var head: LogHead?
    /// Events by type.
    public var byType: [EventType: Int]
    /// The bytes of the store's data file that hold its pages (through the last one in use).
    public var storeBytes: Int
    /// The Merkle tree of the log inside the transaction-time cut (a valid-time cut does not change it).
    public var tree: TreeHead
    /// Where the store mirrors its log from, when it is a mirror.
    public var mirror: MirrorRecord? = nil
}

/// The size and root of the log's Merkle tree at some point.
public struct TreeHead: Sendable, Equatable {
    /// The number of events (leaves).
    public var size: UInt64
    /// The RFC 6962 root of the tree of the first `size` events.
    public var root: SHA256Digest

    /// Describes the tree of `size` events with the root `root`.
    public init(size: UInt64, root: SHA256Digest) {
        self.size = size
        self.root = root
    }
}

extension KnowledgeBase {
    /// Visits the events that `filter` selects, in log order.
    public func log(_ filter: LogFilter, _ body: (LogEntry) throws -> Void) throws {
        try environment.read { transaction in
            guard let head = try transaction.head() else { return }
            let last = try filter.until?.lastPosition(in: transaction) ?? head.position
            var remaining = filter.limit ?? Int.max
            // A store of an older format has its log indexes in tables this build no longer reads, until its rebuild:
            // then the log itself is read.
            let isIndexed = try readModels.storedFormat(in: transaction) == .current
            let index: (table: Table, prefix: [UInt8])? =
                if !isIndexed {
                    nil
                } else if let entity = filter.entity {
                    (indexes.byEntity, LogIndexes.entityPrefix(entity))
                } else if let type = filter.type {
                    (indexes.byType, [type.code])
                } else {
                    nil
                }
            if let index {
                try transaction.scan(index.table, from: index.prefix + filter.from.key, reverse: false) { key, _ in
                    guard key.starts(with: index.prefix),
                        let position = Position(key: UnsafeRawBufferPointer(rebasing: key[index.prefix.count...])),
                        position <= last, remaining > 0
                    else { return false }
                    if let entry = try entry(at: position, through: last, filter, in: transaction) {
                        try body(entry)
                        remaining -= 1
                    }
                    return true
                }
            } else {
                var position = filter.from
                while position <= last, remaining > 0 {
                    if let entry = try entry(at: position, through: last, filter, in: transaction) {
                        try body(entry)
                        remaining -= 1
                    }
                    position = position.next
                }
            }
        }
    }

    private func entry(
        at position: Position,
        through last: Position,
        _ filter: LogFilter,
        in transaction: borrowing ReadTransaction
    ) throws -> LogEntry? {
        let event = try storedEvent(at: position, in: transaction)
        if let type = filter.type, event.event.type != type { return nil }
        if let entity = filter.entity, !event.event.payload.entities.contains(entity) { return nil }
        if let asOf = filter.asOf, !asOf.includes(event.at) { return nil }
        let retractedBy = try indexes.retraction(of: position, through: last, in: transaction)
        return LogEntry(stored: event, retractedBy: retractedBy)
    }

    /// Counts events by type, the head and the store's size, as of the cut.
    public func statistics(until cut: TransactionCut? = nil, asOf: ValidTimeCut? = nil) throws -> LogStatistics {
        try environment.read { transaction in
            var byType: [EventType: Int] = [:]
            let head = try transaction.head()
            var cutHead = head
            if cut == nil && asOf == nil {
                for type in EventType.allCases {
                    let count = try transaction.withValue(forKey: Array(type.rawValue.utf8), in: indexes.counts) {
                        BigEndian.value($0)
                    }
                    if let count = count ?? nil, count > 0 { byType[type] = Int(count) }
                }
            } else {
                let last = try cut?.lastPosition(in: transaction) ?? head?.position ?? Position(0)
                cutHead = nil
                try transaction.forEachEvent(through: last) { position, hash, bytes in
                    let event = try StoredEvent(
                        position: position,
                        hash: SHA256Digest(bytes: Array(hash)) ?? .zero,
                        bytes: bytes
                    )
                    if let asOf, !asOf.includes(event.at) { return true }
                    byType[event.event.type, default: 0] += 1
                    cutHead = LogHead(position: position, hash: event.hash, recorded: event.recorded)
                    return true
                }
                if asOf == nil, last.rawValue > 0, cutHead?.position != last { cutHead = nil }
            }
            let treeSize = try cut?.lastPosition(in: transaction).rawValue ?? head?.position.rawValue ?? 0
            return LogStatistics(
                events: byType.values.reduce(0, +),
                head: cutHead,
                byType: byType,
                storeBytes: environment.usedBytes,
                tree: TreeHead(size: treeSize, root: try transaction.treeRoot(size: treeSize)),
                mirror: try mirrorRecord()
            )
        }
    }
}
