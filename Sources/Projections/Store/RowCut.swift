import EventStore

/// How the rows of a table carry the event behind them, so that a cut can keep the rows whose events are inside it
/// instead of folding the log (see ``RowWindow``).
struct RowCarrier: Sendable {
    /// Where a row's position and `at` are: in the row (`position`, `at`); the position in the last 8 bytes of
    /// its key and `at` in the row; or in the row of another table under the key's two parts swapped (an index of
    /// that table by its second part, such as city ‖ project beside project ‖ city).
    enum PositionPlace: Sendable {
        case row
        case key
        case swapped(Table)
    }

    let position: PositionPlace
    /// Fields that a later event sets on the row (its position and its `at`): outside the cut they are taken away,
    /// as the row was before that event.
    let marks: [(position: String, at: String)]

    init(_ position: PositionPlace, marks: [(position: String, at: String)] = []) {
        self.position = position
        self.marks = marks
    }
}

extension ReadModels {
    /// The tables whose rows each come from one event and carry it (kept beside ``effects(of:)``): every effect
    /// writing them reads nothing but, for a mark, the row it marks.
    var carriers: [Table: RowCarrier] {
        [
            projects: RowCarrier(.row, marks: [(Column.ended, Column.endedAt)]),
            cities: RowCarrier(.row),
            solutions: RowCarrier(.row),
            meetings: RowCarrier(.row),
            roles: RowCarrier(.row),
            cityRoles: RowCarrier(.swapped(roles)),
            replications: RowCarrier(.key),
            locations: RowCarrier(.key),
        ]
    }
}

extension KnowledgeBase {
    /// The read models at `cut` for a view that reads only `tables`, all of them carriers: their rows whose events
    /// are inside the cut, copied into memory (marks of later events taken away), and then the fold of the events
    /// inside the cut retracted after it, which the rows no longer hold. Nil when a table is not a carrier.
    func rowCut(at cut: ViewCut, reading tables: Set<Table>) throws -> MemoryTables? {
        let carriers = readModels.carriers
        guard tables.allSatisfy({ carriers[$0] != nil }) else { return nil }
        let needs = ViewNeeds(reading: tables, in: readModels)
        let memory = MemoryTables()
        try environment.read { transaction in
            let window = try RowWindow(cut, restoring: Set(needs.types), indexes: indexes, in: transaction)
            for table in tables.sorted(by: { $0.name < $1.name }) {
                guard let carrier = carriers[table] else { continue }
                try transaction.scan(table, from: nil, reverse: false) { key, value in
                    let row = RowReader(value)
                    let included: Bool
                    switch carrier.position {
                    case .row:
                        included = window.includes(row.position(), row.time)
                    case .key:
                        included = window.includes(Key.position(key), row.time)
                    case .swapped(let other):
                        let parts = key.split(separator: 0, omittingEmptySubsequences: false)
                        guard parts.count == 2 else { return true }
                        let stamp = try transaction.stamp(Array(parts[1]) + [0] + Array(parts[0]), in: other)
                        included = window.includes(stamp?.position, stamp?.time)
                    }
                    guard included else { return true }
                    var bytes = Array(value)
                    for mark in carrier.marks
                    where row.position(mark.position) != nil
                        && !window.includes(row.position(mark.position), row.string(mark.at).flatMap(ValidTime.init))
                    {
                        guard var row = Row(bytes: bytes) else { break }
                        row[mark.position] = nil
                        row[mark.at] = nil
                        bytes = row.bytes
                    }
                    try memory.put(bytes, forKey: Array(key), in: table)
                    return true
                }
            }
            for event in window.restored { try readModels.apply(event, to: memory) }
        }
        return memory
    }
}
