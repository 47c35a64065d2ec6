import EventStore

/// One event a fact rests on, as the page of an entity or an edge cites it: where it stands in the log, when it
/// happened and when it was recorded, who recorded it and where it comes from.
public struct EventReference: Sendable, Equatable {
    /// Its position in the log.
    public var position: Position
    /// Its type.
    public var type: EventType
    /// Its id, when it was given one.
    public var id: String?
    /// When it happened in the world (`at`), a date or a UTC date-time.
    public var at: String
    /// When the knowledge base recorded it (RFC 3339, UTC).
    public var recorded: String
    /// Who recorded it, when given.
    public var actor: Slug?
    /// Where it comes from, when given: usually a web address.
    public var source: String?
    /// The position of the retraction that withdrew it, inside the cut; nil while it counts.
    public var retractedBy: Position?

    /// The reference to the event of `entry`.
    public init(_ entry: LogEntry) {
        let stored = entry.stored
        position = stored.position
        type = stored.event.type
        id = stored.event.id
        at = stored.at.text
        recorded = stored.recorded.rfc3339
        actor = stored.event.actor
        source = stored.event.source
        retractedBy = entry.retractedBy
    }

    /// `{"position","type","id","at","recorded","actor","source","retracted_by"}`.
    var json: JSONValue {
        [
            "position": .position(position), "type": .string(type.rawValue), "id": .text(id), "at": .string(at),
            "recorded": .string(recorded), "actor": .slug(actor), "source": .text(source),
            "retracted_by": .position(retractedBy),
        ]
    }
}

/// The events a page of an entity rests on: the first of those naming it, in log order, and whether more follow.
public struct Provenance: Sendable, Equatable {
    /// The events, in log order.
    public var events: [EventReference]
    /// Whether more events name the entity than ``events`` lists.
    public var hasMore: Bool
}

extension KnowledgeBase {
    /// The first `limit` events inside `cut` that name `entity`, in log order (its registration first), each with the
    /// retraction that withdrew it inside the cut; `hasMore` when further events name it.
    public func provenance(of entity: Slug, at cut: ViewCut = ViewCut(), limit: Int = 50) throws -> Provenance {
        var filter = LogFilter()
        filter.entity = entity
        filter.until = cut.until
        filter.asOf = cut.asOf
        filter.limit = limit + 1
        var events: [EventReference] = []
        try log(filter) { events.append(EventReference($0)) }
        let hasMore = events.count > limit
        return Provenance(events: Array(events.prefix(limit)), hasMore: hasMore)
    }

    /// The events at `positions` (sorted, each once), with the retractions that withdrew them inside `cut`, and those
    /// retractions too; positions past the cut are left out.
    func eventReferences(at positions: [Position], through cut: TransactionCut?) throws -> [EventReference] {
        try environment.read { transaction in
            guard let head = try transaction.head() else { return [] }
            let last = try cut?.lastPosition(in: transaction) ?? head.position
            var wanted = Set(positions.filter { $0.rawValue >= 1 && $0 <= last })
            for position in wanted {
                if let retraction = try indexes.retraction(of: position, through: last, in: transaction) {
                    wanted.insert(retraction)
                }
            }
            return try wanted.sorted().map { position in
                let retractedBy = try indexes.retraction(of: position, through: last, in: transaction)
                return EventReference(
                    LogEntry(stored: try storedEvent(at: position, in: transaction), retractedBy: retractedBy)
                )
            }
        }
    }
}

extension JSONValue {
    /// A list of event references.
    static func events(_ events: [EventReference]) -> JSONValue { .array(events.map(\.json)) }
}
