import EventStore

/// The one fold: how each event changes the read models. The same code maintains them as events arrive and
/// rebuilds them from the log (replay, retraction, verify, cuts in time). Each type's fold lives with its data
/// (``ProjectedEvent/apply(_:_:to:)``, in the file of its family).
extension ReadModels {
    func apply(_ recorded: StoredEvent, to tables: borrowing some KeyValueWriter & ~Copyable) throws {
        try recorded.event.payload.projected.apply(recorded, self, to: tables)
    }
}

/// Field names of read-model rows that the fold writes and the rules and queries read.
enum Column {
    /// The position of the event behind a row.
    static let position = "position"
    /// The `at` of the event behind a row.
    static let at = "at"
    /// A city's role in a project (`roles`, `cityRoles`).
    static let role = "role"
    /// The position and `at` of a project's ProjectEnded (`projects`).
    static let ended = "ended"
    static let endedAt = "ended_at"
    /// How a city came to have a solution (`adoptions`): see ``Adoption``.
    static let how = "how"
    /// How many cities hold a solution, and how many adopted it by replication (`holderCounts`).
    static let reach = "reach"
    static let adoptions = "adoptions"
    /// A plan's status (`plans`): see ``PlanStatus``; and the position and `at` of the replication that closed it.
    static let status = "status"
    static let closedBy = "closed_by"
    static let closedAt = "closed_at"
    /// Whether a replication came into or went out of a city (`replicationsByCity`): see ``Direction``.
    static let direction = "direction"
    /// A CCG membership change (`membershipEvents`): see ``MembershipChange``.
    static let change = "change"
    /// The number of demonstrations of a scope (`demonstrationCounts`).
    static let count = "count"
    /// A reported or published value (`impacts`, `published`), or a scope's sum (`kpiSums`) with the number of
    /// demonstrations that report it.
    static let value = "value"
    static let reports = "reports"
    /// The year of a travel contribution's meeting (`travel`).
    static let year = "year"
    /// A city's trips and total travel contributions in one year (`travelYears`).
    static let trips = "trips"
    static let total = "total"
}

extension StoredEvent {
    /// A read-model row: `object` with the event's position and `at`.
    func row(_ object: JSONObject) -> Row {
        var row = Row(object)
        row.object.members.reserveCapacity(object.count + 2)
        row[Column.position] = Row.position(position)
        row[Column.at] = .string(at.text)
        return row
    }
}
