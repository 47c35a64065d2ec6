import EventStore

/// A cut answered from the current rows instead of a fold of the log.
///
/// A row written by one event carries that event's position (in its key or its row) and `at`, so the row belongs
/// to the cut exactly when its event does. The rows lack only the events that are inside the cut but whose
/// retraction is recorded after it: a retraction removes its target's rows, yet at the cut the target still counted.
/// Those few are read back from the log (``restored``). Rows of events retracted inside the cut are gone, as the
/// fold would leave them.
struct RowWindow {
    /// The last position inside the transaction-time cut.
    let last: Position
    /// The valid-time cut, if any.
    let asOf: ValidTimeCut?
    /// The events of the types asked for that are inside the cut and retracted after it, in log order.
    let restored: [StoredEvent]

    init(
        _ cut: ViewCut,
        restoring types: Set<EventType>,
        indexes: LogIndexes,
        in reader: borrowing ReadTransaction
    ) throws {
        let head = try reader.head()?.position ?? Position(0)
        let last = try cut.until?.lastPosition(in: reader) ?? head
        var targets: [Position] = []
        try reader.scan(indexes.retractions, from: nil, reverse: false) { key, value in
            if let target = Position(key: key), let retracting = Position(key: value), target <= last,
                retracting > last
            {
                targets.append(target)
            }
            return true
        }
        var restored: [StoredEvent] = []
        for target in targets.sorted() {
            let event = try reader.withEvent(at: target) { hash, bytes in
                try StoredEvent(position: target, hash: SHA256Digest(bytes: Array(hash)) ?? .zero, bytes: bytes)
            }
            guard let event else { throw LogDamage(position: target, reason: "retracted but not in the log") }
            if types.contains(event.event.type), cut.asOf?.includes(event.at) ?? true { restored.append(event) }
        }
        self.last = last
        self.asOf = cut.asOf
        self.restored = restored
    }

    /// Whether the event behind a row, at `position` and dated `time`, is inside the cut.
    func includes(_ position: Position?, _ time: @autoclosure () -> ValidTime?) -> Bool {
        guard let position, position <= last else { return false }
        guard let asOf else { return true }
        return time().map(asOf.includes) ?? false
    }
}
