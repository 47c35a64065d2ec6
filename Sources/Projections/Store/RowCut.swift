import EventStore

/// How the rows of a table carry the event behind them, so that a cut can keep the rows whose events are inside it
/// instead of folding the log (see ``RowWindow``).
struct RowCarrier: Sendable {
    /// Where a row's position and `at` are.
    enum PositionPlace: Sendable {
        /// In the row (`position`, `at`).
        case row
        /// The position in the last 8 bytes of the key, `at` in the row.
        case key
        /// In the row of another table under the key that `locate` gives for the entry (its key and value): an index
        /// such as city ‖ demonstration beside the demonstrations' rows. Where `locate` gives nil, in the entry's own
        /// row.
        case lookup(Table, @Sendable (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> [UInt8]?)
    }

    /// Fields that a later event sets on a row, with that event's position and `at`: outside the cut they are taken
    /// away and `before` put back, as the row was before that event.
    struct Mark: Sendable {
        let position: String
        let at: String
        /// The other fields the marking event changed, as they were before it: a closed plan was open, an obstacle
        /// not overcome had no `how` (nil: absent).
        var before: [(String, JSONValue?)] = []
    }

    let position: PositionPlace
    let marks: [Mark]

    init(_ position: PositionPlace, marks: [Mark] = []) {
        self.position = position
        self.marks = marks
    }

    /// The key of the row under the key's parts swapped, in a table indexed both ways (city ‖ project beside
    /// project ‖ city).
    static func swapped(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> [UInt8]? {
        let parts = key.split(separator: 0, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return [] }
        return Array(parts[1]) + [0] + Array(parts[0])
    }

    /// The key of the row under the key's last part (city ‖ demonstration → demonstration).
    static func lastPart(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let zero = key.lastIndex(of: 0) else { return [] }
        return Array(key[(zero + 1)...])
    }

    /// The key of the row under the position in the key's last 8 bytes.
    static func keyPosition(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> [UInt8]? {
        key.count >= 8 ? Array(key[(key.count - 8)...]) : []
    }

    /// The key of the row named by the value (an index entry whose value is the key of its row).
    static func valueKey(_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> [UInt8]? {
        Array(value)
    }
}

extension ReadModels {
    /// The tables whose rows each come from one event and carry it, as the types that write them declare beside
    /// their folds (``ProjectedEvent/carriers(_:)``): every effect writing them reads nothing but, for a mark, the
    /// row it marks.
    var carriers: [Table: RowCarrier] {
        var carriers: [Table: RowCarrier] = [:]
        for type in EventType.allCases {
            carriers.merge(type.dataType.carriers(self)) { first, _ in first }
        }
        return carriers
    }
}

extension RowWindow {
    /// What the cut shows of the entry `key` → `value` of a carrier table: the entry when its event is inside the
    /// cut, with the marks of later events taken away; nothing when its event is outside. A row that does not say
    /// where its event is throws ``RowDamage``.
    func shown(
        _ key: UnsafeRawBufferPointer,
        _ value: UnsafeRawBufferPointer,
        of table: Table,
        carrier: RowCarrier,
        in reader: borrowing some KeyValueReader & ~Copyable
    ) throws -> EntryShown {
        /// Whether the event at `position`, dated `time`, is inside the cut; a row that carries neither is damage.
        func inside(_ position: Position?, _ time: @autoclosure () -> ValidTime?) throws -> Bool {
            guard let position else { throw RowDamage(table: table.name, key: key, reason: "it carries no position") }
            guard position <= last else { return false }
            guard let asOf else { return true }
            guard let time = time() else { throw RowDamage(table: table.name, key: key, reason: "it carries no `at`") }
            return asOf.includes(time)
        }
        let included: Bool
        switch carrier.position {
        case .row:
            let row = RowReader(value)
            included = try inside(row.position(), row.time)
        case .key:
            included = try inside(Key.position(key), RowReader(value).time)
        case .lookup(let other, let locate):
            if let located = locate(key, value) {
                // An entry whose key does not name a row (no key at all) stands for no event inside the cut.
                guard !located.isEmpty, let stamp = try reader.stamp(located, in: other) else { return .hidden }
                included = try inside(stamp.position, stamp.time)
            } else {
                let row = RowReader(value)
                included = try inside(row.position(), row.time)
            }
        }
        guard included else { return .hidden }
        guard !carrier.marks.isEmpty else { return .asStored }
        let row = RowReader(value)
        var changed: Row?
        for mark in carrier.marks
        where row.position(mark.position) != nil
            && !includes(row.position(mark.position), row.string(mark.at).flatMap(ValidTime.init))
        {
            guard var marked = changed ?? Row(bytes: Array(value)) else { break }
            marked[mark.position] = nil
            marked[mark.at] = nil
            for (field, value) in mark.before { marked[field] = value }
            changed = marked
        }
        return changed.map { .changed($0.bytes) } ?? .asStored
    }
}

extension KnowledgeBase {
    /// Runs `query` on the read models at `cut` answered from their rows, for a view that reads only `tables`, all
    /// of them carriers: the current rows seen through the cut's window (``RowWindow/shown(_:_:carrier:in:)``), with
    /// nothing copied; or, when events inside the cut were retracted after it, those rows copied into memory and the
    /// retracted events folded back in (``rowCut(at:reading:)``). Nil when a table is not a carrier, or when the
    /// store's rows are in an older format, which may lack the marks (a fold answers then).
    func rowView<Result>(
        at cut: ViewCut,
        reading tables: Set<Table>,
        live: (ReadModels, borrowing ReadTransaction) throws -> Result,
        memory: (ReadModels, MemoryTables) throws -> Result
    ) throws -> Result? {
        let carriers = readModels.carriers
        guard tables.allSatisfy({ carriers[$0] != nil }) else { return nil }
        let needs = ViewNeeds(reading: tables, in: readModels)
        let shown: Result?? = try environment.read { transaction -> Result?? in
            guard try readModels.storedFormat(in: transaction) == .current else { return .some(nil) }
            let window = try RowWindow(cut, restoring: Set(needs.types), indexes: indexes, in: transaction)
            guard window.restored.isEmpty else { return nil }
            let filtered = transaction.filtered { table, key, value, unfiltered in
                guard let carrier = carriers[table] else { return .asStored }
                return try window.shown(key, value, of: table, carrier: carrier, in: unfiltered)
            }
            return .some(try live(readModels, filtered))
        }
        if let shown { return shown }
        guard let rows = try rowCut(at: cut, reading: tables) else { return nil }
        return try memory(readModels, rows)
    }

    /// The read models at `cut` for a view that reads only `tables`, all of them carriers: their rows whose events
    /// are inside the cut, copied into memory (marks of later events taken away), and then the fold of the events
    /// inside the cut retracted after it, which the rows no longer hold. Nil when a table is not a carrier, or when
    /// the store's rows are in an older format, which may lack the marks (a fold answers then).
    func rowCut(at cut: ViewCut, reading tables: Set<Table>) throws -> MemoryTables? {
        let carriers = readModels.carriers
        guard tables.allSatisfy({ carriers[$0] != nil }) else { return nil }
        let needs = ViewNeeds(reading: tables, in: readModels)
        let memory = MemoryTables()
        return try environment.read { transaction -> MemoryTables? in
            guard try readModels.storedFormat(in: transaction) == .current else { return nil }
            let window = try RowWindow(cut, restoring: Set(needs.types), indexes: indexes, in: transaction)
            for table in tables.sorted(by: { $0.name < $1.name }) {
                guard let carrier = carriers[table] else { continue }
                try transaction.scan(table, from: nil, reverse: false) { key, value in
                    switch try window.shown(key, value, of: table, carrier: carrier, in: transaction) {
                    case .asStored: try memory.put(Array(value), forKey: Array(key), in: table)
                    case .changed(let bytes): try memory.put(bytes, forKey: Array(key), in: table)
                    case .hidden: break
                    }
                    return true
                }
            }
            for event in window.restored { try readModels.apply(event, to: memory) }
            return memory
        }
    }
}
