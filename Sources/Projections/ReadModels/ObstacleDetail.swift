import EventStore

/// What the record says about one obstacle: what stood in the way, where, for which solution, how it was overcome,
/// and the events it rests on.
public struct ObstacleDetail: Sendable, Equatable, JSONValueView {
    /// The obstacle as `obstacles` lists it, with the names of what it names.
    public var entry: ObstacleEntry
    /// The events it rests on: its report, how it was overcome, and their retractions, in log order.
    public var events: [EventReference]

    /// The keys of `obstacles`' entries, and `events`.
    var json: JSONValue {
        guard case .object(var object) = entry.json else { return entry.json }
        object["events"] = .events(events)
        return .object(object)
    }
}

extension KnowledgeBase {
    /// One obstacle with the events it rests on; throws ``NotFound`` when it is not reported inside the cut.
    public func obstacle(_ obstacle: Slug, at cut: ViewCut = ViewCut()) throws -> ObstacleDetail {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> ObstacleEntry {
            guard let row = try tables.row(Key.of(obstacle), in: models.obstacles),
                let entry = ObstacleEntry(obstacle, row)
            else { throw NotFound(kind: "obstacle", id: obstacle.rawValue, reason: "is not reported") }
            return try models.named(entry, in: tables)
        }
        let entry = try view(at: cut, reading: ViewTables.obstacles, live: query, memory: query)
        let events = try history(of: obstacle, until: cut.until, asOf: cut.asOf).map(EventReference.init)
        return ObstacleDetail(entry: entry, events: events)
    }
}
