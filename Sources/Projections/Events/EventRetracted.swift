import EventStore

/// An earlier event is withdrawn from every view; it stays in the log, marked.
public struct EventRetracted: EventData {
    /// The event type, `EventRetracted`.
    public static let type = EventType.eventRetracted
    /// The position of the event withdrawn: not itself a retraction, and not retracted yet.
    public var position: Position
    /// Why the event is withdrawn: non-empty, at most 1000 Unicode scalars.
    public var reason: String

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        position = try fields.position("position")
        reason = try fields.name("reason", maximumLength: 1000)
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.position("position", position)
        fields.text("reason", reason)
    }

    /// None: a retraction names a position, not an entity.
    public var entities: [Slug] { [] }
}

// MARK: Rules and fold

extension EventRetracted: ProjectedEvent {
    var payload: Payload { .eventRetracted(self) }

    /// Folds nothing: a retraction is undone or rebuilt around, never applied.
    static func effects(_ models: ReadModels) -> [FoldEffect] { [] }

    /// Nothing against the read models: a retraction is checked against the log (its target exists, is not itself a
    /// retraction nor retracted yet, and is no contact event), and every later event is re-checked without the
    /// target (`KnowledgeBase.checkTarget(of:at:in:)` and `KnowledgeBase.retract(_:in:)`).
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {}

    /// Nothing: a retraction changes the read models only by withdrawing its target, undone by the target's own
    /// ``ProjectedEvent/withdraw(_:_:from:)`` for a leaf, else by a rebuild from the log without it.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {}
}
