import EventStore

/// The rules of the catalogue (SPEC §4), checked against the state of all earlier events.
///
/// Each check reads the read models through `state` (the write transaction, so two writers can never both pass a
/// check only one may) and throws a ``RuleViolation`` naming the rule and the offending value.
extension ReadModels {
    func check(_ recorded: RecordedEvent, in state: borrowing some KeyValueReader & ~Copyable) throws {
        var context = RuleContext(recorded)
        switch recorded.event.payload {
        case .projectRegistered(let data): try data.check(context, self, in: state)
        case .projectEnded(let data): try data.check(context, self, in: state)
        case .cityRegistered(let data): try data.check(context, self, in: state)
        case .cityJoinedProject(let data): try data.check(context, self, in: state)
        case .solutionCatalogued(let data): try data.check(context, self, in: state)
        case .demonstrationReported(let data): try data.check(context, self, in: state)
        case .impactReported(let data): try data.check(context, self, in: state)
        case .replicationPlanned(let data): try data.check(context, self, in: state)
        case .solutionReplicated(let data): try data.check(context, self, in: state)
        case .cityJoinedCCG(let data):
            try context.known("city", data.city, state.record(Key.of(data.city), in: cities))
            if let membership = try state.record(Key.of(data.city), in: members) {
                throw context.violation(
                    "city '\(data.city)' is a CCG member already (since position "
                        + "\(membership.positionText))"
                )
            }
            if let last = try state.last(in: membershipEvents, prefix: Key.prefix(data.city)),
                let left = Record(bytes: last.value)
            {
                try context.notBefore(left, "city '\(data.city)' leaving the CCG")
            }
        case .cityLeftCCG(let data):
            try context.known("city", data.city, state.record(Key.of(data.city), in: cities))
            guard let membership = try state.record(Key.of(data.city), in: members) else {
                throw context.violation("city '\(data.city)' is not a CCG member")
            }
            try context.notBefore(membership, "city '\(data.city)' joining the CCG")
        case .meetingScheduled(let data):
            try context.new("meeting", data.meeting, state.record(Key.of(data.meeting), in: meetings))
        case .meetingAttended(let data):
            try context.known("meeting", data.meeting, state.record(Key.of(data.meeting), in: meetings))
            try context.known("city", data.city, state.record(Key.of(data.city), in: cities))
            guard let membership = try state.record(Key.of(data.city), in: members) else {
                throw context.violation("city '\(data.city)' is not a CCG member")
            }
            try context.notBefore(membership, "city '\(data.city)' joining the CCG")
            if let attended = try state.record(Key.of(data.meeting, data.city), in: attendance) {
                throw context.violation(
                    "city '\(data.city)' already attended meeting '\(data.meeting)'"
                        + " (position \(attended.positionText))"
                )
            }
        case .travelContributionGranted(let data):
            let reasons = try travelRefusals(city: data.city, meeting: data.meeting, amount: data.amount, in: state)
            if let first = reasons.first {
                throw context.violation(reasons.count == 1 ? first : reasons.joined(separator: "; "))
            }
            try notBeforeTravelFacts(&context, city: data.city, meeting: data.meeting, in: state)
        case .grantAwarded(let data):
            try context.new("grant", data.grant, state.record(Key.of(data.grant), in: grants))
            try context.known("city", data.city, state.record(Key.of(data.city), in: cities))
            try context.known("solution", data.solution, state.record(Key.of(data.solution), in: solutions))
            if data.amount.hundredths <= 0 {
                throw context.violation("amount_eur \(data.amount) is not above 0")
            }
            guard let proof = try firstDemonstration(of: data.solution, notAfter: recorded.at, in: state) else {
                throw context.violation(
                    "solution '\(data.solution)' has not been demonstrated anywhere (it must be already proven)"
                )
            }
            try context.notBefore(proof, "the solution's first demonstration")
        case .contactRegistered(let data): try data.check(context, self, in: state)
        case .contactErased(let data): try data.check(context, self, in: state)
        case .eventRetracted:
            // Retractions are checked against the log, with every later event re-checked without the target.
            break
        case .obstacleReported(let data): try data.check(context, self, in: state)
        case .obstacleOvercome(let data): try data.check(context, self, in: state)
        case .impactPublished(let data): try data.check(context, self, in: state)
        }
    }

    /// Every reason the CCG travel rules refuse a contribution of `amount` to `city` for `meeting`; empty if none.
    func travelRefusals(
        city: Slug,
        meeting: Slug,
        amount: JSONNumber?,
        in state: borrowing some KeyValueReader & ~Copyable
    ) throws -> [String] {
        var reasons: [String] = []
        let cityRecord = try state.record(Key.of(city), in: cities)
        if cityRecord == nil {
            reasons.append("city '\(city)' is not registered")
        } else {
            if try state.record(Key.of(city), in: members) == nil {
                reasons.append("city '\(city)' is not a CCG member")
            }
            if try endedProject(of: city, in: state) == nil {
                reasons.append("city '\(city)' is not a lighthouse or fellow city of an SCC project that has ended")
            }
        }
        let meetingRecord = try state.record(Key.of(meeting), in: meetings)
        if let meetingRecord {
            if meetingRecord.string("format") != MeetingFormat.physical.rawValue {
                reasons.append("meeting '\(meeting)' is not a physical meeting")
            }
        } else {
            reasons.append("meeting '\(meeting)' is not scheduled")
        }
        if let granted = try state.record(Key.of(city, meeting), in: travel) {
            reasons.append(
                "city '\(city)' already has a travel contribution for meeting '\(meeting)'"
                    + " (position \(granted.positionText))"
            )
        }
        if let amount {
            if amount.hundredths <= 0 { reasons.append("amount_eur \(amount) is not above 0") }
            if amount.hundredths > 450_00 { reasons.append("amount_eur \(amount) is above the 450 EUR per trip") }
        }
        if let year = meetingRecord?.string("on").flatMap(CivilDate.init(iso:))?.year {
            let used = try state.record(Key.of(city.rawValue, String(year)), in: travelYears)
            let trips = used?.number("trips")?.integerValue ?? 0
            let total = used?.number("total")?.hundredths ?? 0
            if trips >= 2 {
                reasons.append("city '\(city)' already has \(trips) trips in \(year), the most allowed")
            }
            if let amount, total + amount.hundredths > 900_00 {
                reasons.append(
                    "city '\(city)' would receive \(JSONNumber(validatedHundredths: total + amount.hundredths)) EUR in \(year),"
                        + " above the 900 EUR allowed (\(JSONNumber(validatedHundredths: total)) already)"
                )
            }
        }
        return reasons
    }

    /// The first project `city` is in that has ended, as the project's record.
    func endedProject(of city: Slug, in state: borrowing some KeyValueReader & ~Copyable) throws -> Record? {
        var found: Record?
        try state.scan(cityRoles, prefix: Key.prefix(city)) { key, _ in
            let parts = Key.parts(key)
            guard parts.count == 2, let project = Key.slug(parts[1]),
                let record = try state.record(Key.of(project), in: projects), record.position("ended") != nil
            else { return true }
            found = record
            return false
        }
        return found
    }

    private func notBeforeTravelFacts(
        _ context: inout RuleContext,
        city: Slug,
        meeting: Slug,
        in state: borrowing some KeyValueReader & ~Copyable
    ) throws {
        if let membership = try state.record(Key.of(city), in: members) {
            try context.notBefore(membership, "city '\(city)' joining the CCG")
        }
        if let meetingRecord = try state.record(Key.of(meeting), in: meetings) {
            try context.notBefore(meetingRecord, "the scheduling of meeting '\(meeting)'")
        }
        if let project = try endedProject(of: city, in: state),
            let endedAt = project.string("ended_at").flatMap(ValidTime.init(parsing:)),
            context.event.at.isBefore(endedAt)
        {
            throw context.violation(
                "dated \(context.event.at) before the end of project '\(project.string("project") ?? "?")' (\(endedAt))"
            )
        }
    }
}

/// The event under check, and the helpers every rule uses.
struct RuleContext {
    let event: RecordedEvent

    init(_ event: RecordedEvent) {
        self.event = event
    }

    func violation(_ message: String) -> RuleViolation {
        RuleViolation(event.event.type, message)
    }

    /// Refuses an id that is already registered.
    func new(_ kind: String, _ id: Slug, _ existing: Record?) throws {
        if let existing {
            throw violation(
                "\(kind) '\(id)' is already registered"
                    + " (position \(existing.positionText))"
            )
        }
    }

    /// Requires a registered entity dated no later than the event, and returns its record.
    @discardableResult
    func known(_ kind: String, _ id: Slug, _ record: Record?, field: String? = nil) throws -> Record {
        guard let record else {
            throw violation("\(field.map { "\($0) " } ?? "")\(kind) '\(id)' is not registered")
        }
        try notBefore(record, "the registration of \(kind) '\(id)'")
        return record
    }

    /// Refuses an event dated before the event behind `record` (the date-order rule).
    func notBefore(_ record: Record, _ what: String) throws {
        guard let time = record.time, event.at.isBefore(time) else { return }
        let position = record.position("position").map { ", position \($0)" } ?? ""
        throw violation("dated \(event.at) before \(what) (\(time)\(position))")
    }
}
