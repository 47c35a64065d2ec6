import EventStore

/// The rules of the catalogue (SPEC §4), checked against the state of all earlier events.
///
/// Each check reads the read models through `state` (the write transaction, so two writers can never both pass a
/// check only one may) and throws a ``RuleViolation`` naming the rule and the offending value.
extension ReadModels {
    func check(_ recorded: RecordedEvent, in state: borrowing some KeyValueReader & ~Copyable) throws {
        let context = RuleContext(recorded)
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
        case .cityJoinedCCG(let data): try data.check(context, self, in: state)
        case .cityLeftCCG(let data): try data.check(context, self, in: state)
        case .meetingScheduled(let data): try data.check(context, self, in: state)
        case .meetingAttended(let data): try data.check(context, self, in: state)
        case .travelContributionGranted(let data): try data.check(context, self, in: state)
        case .grantAwarded(let data): try data.check(context, self, in: state)
        case .contactRegistered(let data): try data.check(context, self, in: state)
        case .contactErased(let data): try data.check(context, self, in: state)
        case .eventRetracted(let data): try data.check(context, self, in: state)
        case .obstacleReported(let data): try data.check(context, self, in: state)
        case .obstacleOvercome(let data): try data.check(context, self, in: state)
        case .impactPublished(let data): try data.check(context, self, in: state)
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
