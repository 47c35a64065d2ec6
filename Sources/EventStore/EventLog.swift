import CLMDB
/// The store's own tables: events by position, the id index and the recorded-time index.
///
/// Each event is kept as its 32-byte chain hash followed by the bytes the caller encoded for it. The hash of the
/// event at position N is SHA-256(hash of N-1 ‖ bytes of N), where the hash before position 1 is 32 zero bytes.
public struct EventLog: Sendable {
    /// Events by 8-byte big-endian position: hash ‖ encoded bytes.
    public let events: Table
    /// Positions by event id.
    public let ids: Table
    /// Empty values under 8-byte recorded seconds ‖ 8-byte position, for cuts by transaction time.
    public let recorded: Table
    /// The RFC 6962 Merkle tree over the events: under each 8-byte position, the hashes (32 bytes each) of the leaf
    /// of the event there and of every complete subtree that leaf completes, lowest first (see `StoredTree.swift`).
    public let tree: Table

    /// The names of the tables the log needs in every store.
    public static let tableNames = firstTableNames + ["log.tree"]

    /// The log's tables that every release wrote: a store without one of them has no log. The tree came later; a
    /// store written before it gets it, empty, when opened for writing, and builds it on its first write.
    static let firstTableNames = ["log.events", "log.ids", "log.recorded"]

    init(tables: [String: Table]) throws(StoreError) {
        guard let events = tables["log.events"], let ids = tables["log.ids"], let recorded = tables["log.recorded"],
            let tree = tables["log.tree"]
        else { throw StoreError(.damaged, operation: "open the log", path: "", reason: "log tables missing") }
        self.events = events
        self.ids = ids
        self.recorded = recorded
        self.tree = tree
    }

    /// The key under which the id index keeps `id`: its UTF-8 bytes, or their SHA-256 when too long for LMDB.
    public static func key(forID id: String) -> [UInt8] {
        let count = id.utf8.count
        if count < 400 {
            var key: [UInt8] = []
            key.reserveCapacity(count + 1)
            key.append(0)
            key.append(contentsOf: id.utf8)
            return key
        }
        return [1] + SHA256.hash(Array(id.utf8)).bytes
    }

    /// The chain hash of an event: SHA-256 of the chain hash before it (32 zero bytes for the first event) followed
    /// by the event's stored bytes.
    public static func chainHash(after previous: SHA256Digest?, _ bytes: UnsafeRawBufferPointer) -> SHA256Digest {
        var hasher = SHA256()
        hasher.update((previous ?? .zero).bytes)
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The chain hash of an event whose bytes are held in an array.
    public static func chainHash(after previous: SHA256Digest?, _ bytes: [UInt8]) -> SHA256Digest {
        bytes.withUnsafeBytes { chainHash(after: previous, $0) }
    }
}

/// The last event of a log.
public struct LogHead: Hashable, Sendable {
    /// Its position, which is also the number of events.
    public let position: Position
    /// Its chain hash, which seals the whole history.
    public let hash: SHA256Digest
    /// When it was recorded.
    public let recorded: Timestamp

    /// Describes the event at `position`.
    public init(position: Position, hash: SHA256Digest, recorded: Timestamp) {
        self.position = position
        self.hash = hash
        self.recorded = recorded
    }
}

/// Something that can read a store's log: either kind of transaction.
public protocol LogReader: KeyValueReader, ~Copyable {
    /// The store's log tables.
    var log: EventLog { get }
}

extension LogReader where Self: ~Copyable {
    /// The last event, or nil for an empty log.
    public func head() throws -> LogHead? {
        var found: LogHead?
        try scan(log.recorded, from: nil, reverse: true) { key, _ in
            guard key.count == 16, let position = Position(key: UnsafeRawBufferPointer(rebasing: key[8...])),
                let seconds = BigEndian.value(key)
            else { return false }
            let hash = try withValue(forKey: position.key, in: log.events) { SHA256Digest(bytes: Array($0.prefix(32))) }
            if let hash = hash ?? nil {
                found = LogHead(
                    position: position,
                    hash: hash,
                    recorded: Timestamp(secondsSince1970: Int64(bitPattern: seconds))
                )
            }
            return false
        }
        return found
    }

    /// Calls `body` with the chain hash and the encoded bytes of the event at `position`; nil if there is none.
    ///
    /// Both buffers are valid only inside `body`.
    public func withEvent<Result>(
        at position: Position,
        _ body: (_ hash: UnsafeRawBufferPointer, _ bytes: UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result? {
        try withValue(forKey: position.key, in: log.events) { value in
            guard value.count >= 32 else { throw LogDamage(position: position, reason: "record shorter than a hash") }
            return try body(
                UnsafeRawBufferPointer(rebasing: value[..<32]),
                UnsafeRawBufferPointer(rebasing: value[32...])
            )
        }
    }

    /// Visits events in position order from `start` through `end` (or the head), while `body` returns true.
    ///
    /// Both buffers are valid only inside `body`.
    public func forEachEvent(
        from start: Position = .first,
        through end: Position? = nil,
        _ body: (_ position: Position, _ hash: UnsafeRawBufferPointer, _ bytes: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try scan(log.events, from: start.key, reverse: false) { key, value in
            guard let position = Position(key: key) else { return false }
            if let end, position > end { return false }
            guard value.count >= 32 else { throw LogDamage(position: position, reason: "record shorter than a hash") }
            return try body(
                position,
                UnsafeRawBufferPointer(rebasing: value[..<32]),
                UnsafeRawBufferPointer(rebasing: value[32...])
            )
        }
    }

    /// The position of the event stored with `id`, or nil.
    public func position(ofID id: String) throws -> Position? {
        try withValue(forKey: EventLog.key(forID: id), in: log.ids) { Position(key: $0) } ?? nil
    }

    /// The last position recorded at or before `instant`, or nil when every event was recorded after it.
    public func lastPosition(recordedThrough instant: Timestamp) throws -> Position? {
        var found: Position?
        let bound = BigEndian.bytes(UInt64(bitPattern: instant.secondsSince1970)) + BigEndian.bytes(UInt64.max)
        try scan(log.recorded, from: bound, reverse: true) { key, _ in
            found = key.count == 16 ? Position(key: UnsafeRawBufferPointer(rebasing: key[8...])) : nil
            return false
        }
        return found
    }
}

extension WriteTransaction {
    /// Appends one event at the position after the head and returns the new head.
    ///
    /// `encode` receives the event's position and recorded time (never earlier than the previous event's) and
    /// returns the bytes to store and hash. When `id` is given, the id index maps it to the new position; an id the
    /// index holds already is refused (`MDB_KEYEXIST`, nothing appended): see ``appendUnlessIndexed(id:_:)``.
    public func append(id: String?, _ encode: (Position, Timestamp) throws -> [UInt8]) throws -> LogHead {
        switch try appendUnlessIndexed(id: id, encode) {
        case .appended(let head): return head
        case .alreadyIndexed: throw LMDBError(code: MDB_KEYEXIST)
        }
    }

    /// Appends one event as ``append(id:_:)`` does, unless the id index holds `id` already: then nothing is
    /// written and the position stored under it is returned. The id is looked up and claimed in one `mdb_put`
    /// (`MDB_NOOVERWRITE`).
    public func appendUnlessIndexed(
        id: String?,
        _ encode: (Position, Timestamp) throws -> [UInt8]
    ) throws -> AppendOutcome {
        let previous = try headBeforeAppending()
        let position = previous.map { $0.position.next } ?? .first
        let recorded = max(clock(), previous?.recorded ?? Timestamp(secondsSince1970: 0))
        let bytes = try encode(position, recorded)
        let hash = EventLog.chainHash(after: previous?.hash, bytes)
        if let id, let stored = try handle.insert(position.key, forKey: EventLog.key(forID: id), in: log.ids) {
            guard let existing = stored.withUnsafeBytes({ Position(key: $0) }) else {
                throw LogDamage(position: position, reason: "the id index holds \(stored.count) bytes under an id")
            }
            return .alreadyIndexed(existing)
        }
        return .appended(try store(bytes, hash: hash, at: position, recorded: recorded, id: nil))
    }

    /// Appends an event exactly as another log holds it, at `position` with `recorded` and the chain hash `hash`,
    /// and returns the new head: what a replica writes.
    ///
    /// Refuses (``ChainLinkError``, nothing written) unless `position` follows the head, `recorded` is not earlier
    /// than the head's, and `hash` is SHA-256(head's hash ‖ `bytes`). The id index maps `id` as ``append(id:_:)``
    /// does.
    public func appendExactly(
        _ bytes: [UInt8],
        hash: SHA256Digest,
        at position: Position,
        recorded: Timestamp,
        id: String?
    ) throws -> LogHead {
        let previous = try headBeforeAppending()
        let expected = previous.map { $0.position.next } ?? .first
        guard position == expected else { throw ChainLinkError.gap(expected: expected, found: position) }
        if let previous, recorded < previous.recorded {
            throw ChainLinkError.recordedEarlier(recorded, head: previous.recorded)
        }
        let computed = EventLog.chainHash(after: previous?.hash, bytes)
        guard computed == hash else { throw ChainLinkError.brokenLink(stated: hash, computed: computed) }
        return try store(bytes, hash: hash, at: position, recorded: recorded, id: id)
    }

    /// The head an append follows, with the tree made to cover the log first (a store written before the tree gets
    /// it here).
    private func headBeforeAppending() throws -> LogHead? {
        let previous: LogHead?
        if let cached = state.head {
            previous = cached
        } else {
            previous = try head()
        }
        if state.frontier == nil { try completeTree() }
        return previous
    }

    private func store(
        _ bytes: [UInt8],
        hash: SHA256Digest,
        at position: Position,
        recorded: Timestamp,
        id: String?
    ) throws -> LogHead {
        let positionKey = position.key
        // The hash and the bytes are written straight into the page LMDB reserves for them.
        let size = hash.bytes.count + bytes.count
        try handle.putReserving(size, forKey: positionKey, in: log.events, flags: appendFlag) { buffer in
            hash.bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
            bytes.withUnsafeBytes {
                UnsafeMutableRawBufferPointer(rebasing: buffer[hash.bytes.count...]).copyMemory(from: $0)
            }
        }
        var recordedKey: [UInt8] = []
        recordedKey.reserveCapacity(16)
        BigEndian.append(UInt64(bitPattern: recorded.secondsSince1970), to: &recordedKey)
        recordedKey.append(contentsOf: positionKey)
        try handle.put([], forKey: recordedKey, in: log.recorded, flags: appendFlag)
        if let id {
            try handle.put(positionKey, forKey: EventLog.key(forID: id), in: log.ids)
        }
        try appendToTree(MerkleHash.leaf(bytes))
        let appended = LogHead(position: position, hash: hash, recorded: recorded)
        state.head = .some(appended)
        return appended
    }
}

/// What ``WriteTransaction/appendUnlessIndexed(id:_:)`` did.
public enum AppendOutcome: Sendable, Equatable {
    /// The event was appended; the new head.
    case appended(LogHead)
    /// The id index already held the id, at this position; nothing was written.
    case alreadyIndexed(Position)
}

/// The log's bytes at a position break its format.
public struct LogDamage: Error, Sendable, CustomStringConvertible {
    /// Where the damage is.
    public let position: Position
    /// What is wrong.
    public let reason: String

    /// Describes damage at `position`.
    public init(position: Position, reason: String) {
        self.position = position
        self.reason = reason
    }

    /// One line naming the position.
    public var description: String { "position \(position): \(reason)" }
}

/// Why ``WriteTransaction/appendExactly(_:hash:at:recorded:id:)`` refused an event: it does not continue the chain.
public enum ChainLinkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The event's position does not follow the head's.
    case gap(expected: Position, found: Position)
    /// The event was recorded before the head was.
    case recordedEarlier(Timestamp, head: Timestamp)
    /// The stated hash is not SHA-256(head's hash ‖ bytes).
    case brokenLink(stated: SHA256Digest, computed: SHA256Digest)

    /// One line saying what does not follow.
    public var description: String {
        switch self {
        case .gap(let expected, let found):
            "a gap in positions: position \(found), expected \(expected)"
        case .recordedEarlier(let recorded, let head):
            "recorded \(recorded.rfc3339), before the previous event's \(head.rfc3339)"
        case .brokenLink(let stated, let computed):
            "a broken link: the line says hash \(stated.hex), its content and the previous hash give \(computed.hex)"
        }
    }
}
