import EventStore

/// Withdrawing an event that no later event can depend on, by undoing exactly what ``apply(_:to:)`` did.
///
/// Impact reports, published figures, attendances, travel contributions, grants and the overcoming of an obstacle
/// are leaves: no rule of the catalogue relies on them
/// existing (a contribution's removal only frees budget). Their retraction needs neither a re-check of later events
/// nor a rebuild; every other retraction takes the rebuild path. Tests check that both paths give the same models.
extension ReadModels {
    /// Whether events of `type` are leaves that ``withdraw(_:from:)`` can undo.
    static func isLeaf(_ type: EventType) -> Bool {
        switch type {
        case .impactReported, .meetingAttended, .travelContributionGranted, .grantAwarded, .impactPublished,
            .obstacleOvercome:
            true
        default: false
        }
    }

    func withdraw(_ recorded: RecordedEvent, from state: borrowing some KeyValueWriter & ~Copyable) throws {
        switch recorded.event.payload {
        case .impactReported(let data): try data.withdraw(recorded, self, from: state)
        case .meetingAttended(let data): try data.withdraw(recorded, self, from: state)
        case .travelContributionGranted(let data): try data.withdraw(recorded, self, from: state)
        case .grantAwarded(let data): try data.withdraw(recorded, self, from: state)
        case .impactPublished(let data): try data.withdraw(recorded, self, from: state)
        case .obstacleOvercome(let data): try data.withdraw(recorded, self, from: state)
        default:
            preconditionFailure("withdraw called for a \(recorded.event.type.rawValue), which is not a leaf")
        }
    }
}
