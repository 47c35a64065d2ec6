import EventStore

/// The one fold: how each event changes the read models. The same code maintains them as events arrive and
/// rebuilds them from the log (replay, retraction, verify, cuts in time).
extension ReadModels {
    func apply(_ recorded: RecordedEvent, to state: borrowing some KeyValueWriter & ~Copyable) throws {
        var stamp = Record()
        stamp["position"] = Record.position(recorded.position)
        stamp["at"] = .string(recorded.at.text)
        func record(_ object: JSONObject) -> Record {
            var record = Record(object)
            record["position"] = stamp["position"]
            record["at"] = stamp["at"]
            return record
        }
        let payload = recorded.event.payload
        switch payload {
        case .projectRegistered(let data): try data.apply(recorded, self, to: state)
        case .projectEnded(let data): try data.apply(recorded, self, to: state)
        case .cityRegistered(let data): try data.apply(recorded, self, to: state)
        case .cityJoinedProject(let data): try data.apply(recorded, self, to: state)
        case .solutionCatalogued(let data): try data.apply(recorded, self, to: state)
        case .demonstrationReported(let data): try data.apply(recorded, self, to: state)
        case .impactReported(let data): try data.apply(recorded, self, to: state)
        case .replicationPlanned(let data): try data.apply(recorded, self, to: state)
        case .solutionReplicated(let data): try data.apply(recorded, self, to: state)
        case .cityJoinedCCG(let data): try data.apply(recorded, self, to: state)
        case .cityLeftCCG(let data): try data.apply(recorded, self, to: state)
        case .meetingScheduled(let data): try data.apply(recorded, self, to: state)
        case .meetingAttended(let data): try data.apply(recorded, self, to: state)
        case .travelContributionGranted(let data): try data.apply(recorded, self, to: state)
        case .grantAwarded(let data): try data.apply(recorded, self, to: state)
        case .contactRegistered(let data): try data.apply(recorded, self, to: state)
        case .contactErased(let data): try data.apply(recorded, self, to: state)
        case .eventRetracted(let data): try data.apply(recorded, self, to: state)
        case .obstacleReported(let data): try data.apply(recorded, self, to: state)
        case .obstacleOvercome(let data): try data.apply(recorded, self, to: state)
        case .impactPublished(let data): try data.apply(recorded, self, to: state)
        }
    }
}

/// Field names of read-model rows that the fold writes and the rules and queries read.
enum Row {
    /// The position of the event behind a row.
    static let position = "position"
    /// The `at` of the event behind a row.
    static let at = "at"
    /// A city's role in a project (`roles`, `cityRoles`).
    static let role = "role"
    /// The position and `at` of a project's ProjectEnded (`projects`).
    static let ended = "ended"
    static let endedAt = "ended_at"
    /// How a city came to have a solution (`adoptions`): `demonstrated` or `adopted`.
    static let how = "how"
    /// A plan's status (`plans`): `open`, `fulfilled` or `closed`; and the position of the replication that closed it.
    static let status = "status"
    static let closedBy = "closed_by"
    /// Whether a replication came into or went out of a city (`replicationsByCity`): `in` or `out`.
    static let direction = "direction"
    /// A CCG membership change (`membershipEvents`): `joined` or `left`.
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

extension RecordedEvent {
    /// A read-model row: `object` with the event's position and `at`.
    func row(_ object: JSONObject) -> Record {
        var record = Record(object)
        record[Row.position] = Record.position(position)
        record[Row.at] = .string(at.text)
        return record
    }
}
