import EventStore

/// Indexes over the log that never change once written: events by type and by the entities they name, and which
/// retraction retracted which event, and the events without a source. They serve `log --type`, `log --entity`,
/// `history`, `stats` and `gaps`.
struct LogIndexes: Sendable {
    /// Empty values under type code ‖ position, grouped by type.
    let byType: Table
    /// Empty values under entity id ‖ 0 ‖ position, grouped by entity.
    let byEntity: Table
    /// The retracting position under each retracted position.
    let retractions: Table
    /// Under each type's name, 16 bytes: how many events of the type the log holds, then how many of them have no
    /// `source` (each 8 bytes big-endian; retracted events counted). The second count is the value the next entry of
    /// ``sourceless`` takes, so an append needs no seek there.
    let counts: Table
    /// Under type code ‖ position of each event without a `source`: how many events of its type without a source
    /// the log holds up to and including it, retracted ones too (8 bytes big-endian), grouped by type. The entry at
    /// or before a position tells the count at that cut with one cursor seek.
    let sourceless: Table

    static let tableNames = [
        "index.by-type", "index.by-entity", "index.retractions", "index.counts", "index.without-source",
    ]

    /// The one-to-many indexes keep their positions as LMDB duplicates of the type or entity (8 bytes each, no
    /// header), which makes them a fifth of their plain size and a write to them one short descent. The groups never
    /// prefix one another: a type is one byte, an entity id ends in 0.
    static let layouts: [String: TableLayout] = [
        "index.by-type": .grouped(suffix: 8, valueSize: 0),
        "index.by-entity": .grouped(suffix: 8, valueSize: 0),
        "index.without-source": .grouped(suffix: 8, valueSize: 8),
    ]

    /// The plain tables that the grouped ones replaced in format 8: an older store drops them when it is rebuilt.
    static let retiredTableNames = ["index.type", "index.entity", "index.sourceless"]

    var all: [Table] { [byType, byEntity, retractions, counts, sourceless] }

    init(table: (String) -> Table) {
        byType = table("index.by-type")
        byEntity = table("index.by-entity")
        retractions = table("index.retractions")
        counts = table("index.counts")
        sourceless = table("index.without-source")
    }

    static func entityPrefix(_ entity: Slug) -> [UInt8] {
        Array(entity.rawValue.utf8) + [0]
    }

    /// Adds an appended event to every index.
    func add(_ recorded: StoredEvent, to storage: borrowing some KeyValueWriter & ~Copyable) throws {
        let position = recorded.position.rawValue
        let type = recorded.event.type
        try storage.put([], forKey: LogIndexes.typeKey(type, position), in: byType)
        let entities = recorded.event.payload.entities
        for (offset, entity) in entities.enumerated() where !entities[..<offset].contains(entity) {
            var key: [UInt8] = []
            key.reserveCapacity(entity.rawValue.utf8.count + 9)
            key.append(contentsOf: entity.rawValue.utf8)
            key.append(0)
            BigEndian.append(position, to: &key)
            try storage.put([], forKey: key, in: byEntity)
        }
        if case .eventRetracted(let retraction) = recorded.event.payload {
            try storage.put(recorded.position.key, forKey: retraction.position.key, in: retractions)
        }
        let countKey = type.nameBytes
        var (count, withoutSource) = try storage.withValue(forKey: countKey, in: counts, LogIndexes.counts) ?? (0, 0)
        count += 1
        if recorded.event.source == nil {
            withoutSource += 1
            try storage.put(BigEndian.bytes(withoutSource), forKey: LogIndexes.typeKey(type, position), in: sourceless)
        }
        var row: [UInt8] = []
        row.reserveCapacity(16)
        BigEndian.append(count, to: &row)
        BigEndian.append(withoutSource, to: &row)
        try storage.put(row, forKey: countKey, in: counts)
    }

    /// Type code ‖ position: a key of ``byType`` and ``sourceless``.
    private static func typeKey(_ type: EventType, _ position: UInt64) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(9)
        key.append(type.code)
        BigEndian.append(position, to: &key)
        return key
    }

    /// Reads a row of ``counts``: the events of a type, and those of them without a source.
    static func counts(_ row: UnsafeRawBufferPointer) throws -> (events: UInt64, withoutSource: UInt64) {
        guard row.count == 16, let events = BigEndian.value(row),
            let withoutSource = BigEndian.value(UnsafeRawBufferPointer(rebasing: row[8...]))
        else { throw RowDamage(table: "index.counts", reason: "a count row of \(row.count) bytes, not 16") }
        return (events, withoutSource)
    }

    /// How many events of each type without a `source` the log holds up to `last`, retracted ones included; types
    /// with none are absent. One cursor seek per event type.
    func sourcelessCounts(
        through last: Position,
        in reader: borrowing some KeyValueReader & ~Copyable
    ) throws -> [EventType: Int] {
        var counts: [EventType: Int] = [:]
        for type in EventType.allCases {
            try reader.scan(sourceless, from: [type.code] + last.key, reverse: true) { key, value in
                if key.count == 9, key.first == type.code, let count = BigEndian.value(value), count > 0 {
                    counts[type] = Int(count)
                }
                return false
            }
        }
        return counts
    }

    /// The position of the retraction of `position`, if one is inside the cut.
    func retraction(
        of position: Position,
        through cut: Position,
        in reader: borrowing some KeyValueReader & ~Copyable
    )
        throws -> Position?
    {
        guard
            let retracting = try reader.withValue(forKey: position.key, in: retractions, { Position(key: $0) }) ?? nil,
            retracting <= cut
        else { return nil }
        return retracting
    }
}
