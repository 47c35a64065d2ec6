import EventStore

/// The life of one event type in the read models: its rules, its fold and, for a leaf, its withdrawal.
///
/// Every event type's data conforms, in the file of its family, so that what one type means reads in one place.
/// ``Payload`` hands the data over once; ``ReadModels`` calls these through ``ReadModels/check(_:in:)``,
/// ``ReadModels/apply(_:to:)`` and ``ReadModels/withdraw(_:from:)``.
protocol ProjectedEvent: EventData {
    /// Whether no rule of the catalogue relies on an event of this type existing, so that its retraction is undone
    /// by ``withdraw(_:from:in:)`` instead of a rebuild with every later event re-checked. False unless stated.
    static var isLeaf: Bool { get }

    /// The data as the payload of an event.
    var payload: Payload { get }

    /// Throws a ``RuleViolation`` when the event breaks a rule, against `tables`: the read models of all earlier
    /// events (the write transaction, so that two writers can never both pass a check only one may).
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws

    /// Folds the event, recorded as `event`, into the read models. The same code maintains them as events arrive
    /// and rebuilds them from the log.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws

    /// What ``apply(_:_:to:)`` writes, and what it reads to decide it, table by table. A view at a cut folds the
    /// types whose effects build the tables it reads (``ViewNeeds``). `FoldEffectTests` holds every type's
    /// declaration to the tables its fold touches.
    static func effects(_ models: ReadModels) -> [FoldEffect]

    /// How the rows of the tables this type writes first carry their events, so that a cut keeps the rows whose
    /// events it includes instead of folding the log (``RowCarrier``); the marks later types of the family set are
    /// declared here too. Empty unless stated.
    static func carriers(_ models: ReadModels) -> [Table: RowCarrier]

    /// Undoes exactly what ``apply(_:_:to:)`` did for `event`; called only for a leaf.
    func withdraw(
        _ event: StoredEvent,
        _ models: ReadModels,
        from tables: borrowing some KeyValueWriter & ~Copyable
    ) throws
}

extension ProjectedEvent {
    static var isLeaf: Bool { false }

    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] { [:] }

    func withdraw(
        _ event: StoredEvent,
        _ models: ReadModels,
        from tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        preconditionFailure("withdraw called for a \(Self.type.rawValue), which is not a leaf")
    }
}

/// An event that registers an entity under a new id (a project, a city, a solution, a meeting): refused when the id
/// is taken; folded as the entity's row, its data with the event's position and `at`.
protocol Registration: ProjectedEvent {
    /// What the entity is called in messages (`project`).
    static var entity: String { get }
    /// The table of the entities' rows.
    static var rows: KeyPath<ReadModels, Table> { get }
    /// The new entity's id.
    var id: Slug { get }
}

extension Registration {
    /// The entity's row, from the event alone.
    static func effects(_ models: ReadModels) -> [FoldEffect] { [FoldEffect(writes: [models[keyPath: rows]])] }

    /// The entity's row carries its event.
    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] { [models[keyPath: rows]: RowCarrier(.row)] }

    /// A new id.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try rule.new(Self.entity, id, tables.row(Key.of(id), in: models[keyPath: Self.rows]))
    }

    /// The entity's row: its data, position and `at`.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.put(event.row(object), forKey: Key.of(id), in: models[keyPath: Self.rows])
    }
}

extension EventData {
    /// The data as a JSON object, fields in catalogue order.
    var object: JSONObject {
        var writer = FieldWriter()
        write(to: &writer)
        return writer.object
    }
}
