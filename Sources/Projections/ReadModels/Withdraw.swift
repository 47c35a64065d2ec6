import EventStore

/// Withdrawing an event that no later event can depend on, by undoing exactly what ``apply(_:to:)`` did.
///
/// Impact reports, published figures, attendances, travel contributions, grants and the overcoming of an obstacle
/// are leaves: no rule of the catalogue relies on them existing (a contribution's removal only frees budget). Each
/// says so itself (``ProjectedEvent/isLeaf``) and undoes its own fold (``ProjectedEvent/withdraw(_:_:from:)``).
/// Their retraction needs neither a re-check of later events nor a rebuild; every other retraction takes the
/// rebuild path. Tests check that both paths give the same models.
extension ReadModels {
    /// Whether events of `type` are leaves that ``withdraw(_:from:)`` can undo.
    static func isLeaf(_ type: EventType) -> Bool {
        type.dataType.isLeaf
    }

    func withdraw(_ recorded: StoredEvent, from tables: borrowing some KeyValueWriter & ~Copyable) throws {
        try recorded.event.payload.projected.withdraw(recorded, self, from: tables)
    }
}
