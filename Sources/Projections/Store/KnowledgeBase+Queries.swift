import EventStore

/// Where in time a view is taken: what the knowledge base said at a transaction-time cut, about the world at a
/// valid-time cut. Both nil: the current state, read straight from the read models.
public struct ViewCut: Sendable {
    /// The transaction-time cut (`--until`): what the knowledge base held then; nil for all it holds now.
    public var until: TransactionCut?
    /// The valid-time cut (`--as-of`): what happened in the world through it; nil for all time.
    public var asOf: ValidTimeCut?

    /// A cut; with both nil, the current state.
    public init(until: TransactionCut? = nil, asOf: ValidTimeCut? = nil) {
        self.until = until
        self.asOf = asOf
    }

    /// Whether the view is the current state.
    public var isNow: Bool { until == nil && asOf == nil }
}

extension KnowledgeBase {
    /// The replication graph.
    public func graph(_ filter: GraphFilter, at cut: ViewCut = ViewCut()) throws -> ReplicationGraph {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> ReplicationGraph
        {
            try models.graph(filter, in: tables)
        }
        return try withSources(view(at: cut, reading: ViewTables.graph(filter), live: query, memory: query))
    }

    /// `graph` with the `source` of each edge's event, read from the log.
    func withSources(_ graph: ReplicationGraph) throws -> ReplicationGraph {
        var sourced = graph
        let sources = try self.sources(of: graph.edges.map(\.position))
        for index in sourced.edges.indices { sourced.edges[index].source = sources[sourced.edges[index].position] }
        return sourced
    }

    /// The `source` of each event at `positions` that gives one.
    func sources(of positions: [Position]) throws -> [Position: String] {
        try environment.read { transaction in
            var found: [Position: String] = [:]
            for position in positions {
                let source = try transaction.withEvent(at: position) { hash, bytes in
                    try StoredEvent(position: position, hash: SHA256Digest(bytes: Array(hash)) ?? .zero, bytes: bytes)
                        .event.source
                }
                if let source = source ?? nil { found[position] = source }
            }
            return found
        }
    }

    /// Per solution: where demonstrated, where adopted, where planned; sorted by reach, then id.
    public func spread(area: Area? = nil, at cut: ViewCut = ViewCut()) throws -> SpreadReport {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> SpreadReport {
            try models.spreadReport(area: area, in: tables)
        }
        return try view(at: cut, reading: ViewTables.spread, live: query, memory: query)
    }

    /// A city's profile.
    public func cityProfile(_ city: Slug, at cut: ViewCut = ViewCut()) throws -> CityProfile {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> CityProfile {
            try models.cityProfile(city, in: tables)
        }
        return try view(at: cut, reading: ViewTables.cityProfile, live: query, memory: query)
    }

    /// A project's profile.
    public func projectProfile(_ project: Slug, at cut: ViewCut = ViewCut()) throws -> ProjectProfile {
        // At a cut, the impact totals come from their rows (``impactTotals(project:city:at:)``), and the rest of the
        // profile from tables that all carry their events.
        let impact = cut.isNow ? nil : try impactTotals(project: project, at: cut)
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> ProjectProfile {
            try models.projectProfile(project, impact: impact, in: tables)
        }
        let tables = cut.isNow ? ViewTables.projectProfile : ViewTables.projectProfileBesideTotals
        return try view(at: cut, reading: tables, live: query, memory: query)
    }

    /// A solution's profile.
    public func solutionProfile(_ solution: Slug, at cut: ViewCut = ViewCut()) throws -> SolutionProfile {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> SolutionProfile {
            try models.solutionProfile(solution, in: tables)
        }
        return try view(at: cut, reading: ViewTables.solutionProfile, live: query, memory: query)
    }

    /// Impact totals, for everything, one project, one city, or one city in one project.
    public func impactTotals(
        project: Slug? = nil,
        city: Slug? = nil,
        at cut: ViewCut = ViewCut()
    ) throws
        -> ImpactTotals
    {
        // At a cut, totals come from the rows, which carry their events' positions and valid times, and the few
        // events retracted after the cut; no fold of the log.
        try environment.read { transaction in
            if cut.isNow { return try readModels.impactTotals(project: project, city: city, in: transaction) }
            let window = try RowWindow(
                cut,
                restoring: [.demonstrationReported, .impactReported, .impactPublished],
                indexes: indexes,
                in: transaction
            )
            return try readModels.impactTotals(project: project, city: city, within: window, in: transaction)
        }
    }

    /// Obstacles to replication and how each was overcome, in log order, with counts by category.
    public func obstacles(
        _ filter: ObstacleFilter = ObstacleFilter(),
        at cut: ViewCut = ViewCut()
    ) throws
        -> ObstacleReport
    {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> ObstacleReport {
            try models.obstacleReport(filter, in: tables)
        }
        return try view(at: cut, reading: ViewTables.obstacles, live: query, memory: query)
    }

    /// Cities, projects, solutions, demonstrations and obstacles whose id, name or (obstacles) text holds `text`
    /// once both are folded (``SearchFolding``); throws ``EmptySearch`` when nothing is left to look for.
    public func search(_ text: String, at cut: ViewCut = ViewCut()) throws -> SearchResults {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> SearchResults {
            try models.search(text, in: tables)
        }
        return try view(at: cut, reading: ViewTables.search, live: query, memory: query)
    }

    /// Every city, project, solution, demonstration and obstacle at `cut`, A to Z by name.
    public func entityIndex(at cut: ViewCut = ViewCut()) throws -> EntityIndex {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> EntityIndex {
            try models.entityIndex(in: tables)
        }
        return try view(at: cut, reading: ViewTables.search, live: query, memory: query)
    }

    /// Every project, by id.
    public func projectList(at cut: ViewCut = ViewCut()) throws -> ProjectList {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> ProjectList {
            try models.projectList(in: tables)
        }
        return try view(at: cut, reading: ViewTables.projectList, live: query, memory: query)
    }

    /// Every city with its country and tier, by id.
    public func cityList(at cut: ViewCut = ViewCut()) throws -> CityList {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> CityList {
            try models.cityList(in: tables)
        }
        return try view(at: cut, reading: ViewTables.cityList, live: query, memory: query)
    }

    /// The current CCG members.
    public func ccgMembers(at cut: ViewCut = ViewCut()) throws -> CCGMembers {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> CCGMembers {
            try models.ccgMembers(in: tables)
        }
        return try view(at: cut, reading: ViewTables.ccgMembers, live: query, memory: query)
    }

    /// CCG meetings, optionally of one year.
    public func ccgMeetings(year: Int? = nil, at cut: ViewCut = ViewCut()) throws -> CCGMeetings {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> CCGMeetings {
            try models.ccgMeetings(year: year, in: tables)
        }
        return try view(at: cut, reading: ViewTables.ccgMeetings, live: query, memory: query)
    }

    /// Travel contributions and per-year totals, optionally of one year.
    public func ccgTravel(year: Int? = nil, at cut: ViewCut = ViewCut()) throws -> CCGTravel {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> CCGTravel {
            try models.ccgTravel(year: year, in: tables)
        }
        return try view(at: cut, reading: ViewTables.ccgTravel, live: query, memory: query)
    }

    /// Whether `city` may receive a travel contribution for `meeting`, with every reason; writes nothing.
    public func eligibility(
        city: String,
        meeting: String,
        amount: JSONNumber?,
        at cut: ViewCut = ViewCut()
    ) throws
        -> Eligibility
    {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> Eligibility {
            try models.eligibility(city: city, meeting: meeting, amount: amount, in: tables)
        }
        return try view(at: cut, reading: ViewTables.eligibility, live: query, memory: query)
    }

    /// Every event naming `entity`, and the retractions of those events, in log order.
    ///
    /// Throws ``NotFound`` when no event inside the cut names `entity`, as the profiles do for an unknown id.
    public func history(of entity: Slug, until: TransactionCut? = nil, asOf: ValidTimeCut? = nil) throws -> [LogEntry] {
        var filter = LogFilter()
        filter.entity = entity
        filter.until = until
        filter.asOf = asOf
        var entries: [LogEntry] = []
        try log(filter) { entries.append($0) }
        guard !entries.isEmpty else {
            throw NotFound(kind: "entity", id: entity.rawValue, reason: "is named by no event at this cut")
        }
        let retractions = entries.compactMap(\.retractedBy)
        guard !retractions.isEmpty else { return entries }
        for position in retractions {
            var single = LogFilter()
            single.from = position
            single.limit = 1
            single.until = until
            try log(single) { entries.append($0) }
        }
        return entries.sorted { $0.stored.position < $1.stored.position }
    }

    /// Runs a view's query on the read models: the live ones for the current state; at a cut, the rows inside the
    /// cut when every table the query reads carries its events (``rowView(at:reading:live:memory:)``), else tables in
    /// memory, the fold of only the events that build the tables the query reads (`tables`, see ``ViewNeeds``). `live` and
    /// `memory` are the same query, once for each kind of state.
    func view<Result>(
        at cut: ViewCut,
        reading tables: ViewTables.Tables,
        live: (ReadModels, borrowing ReadTransaction) throws -> Result,
        memory query: (ReadModels, MemoryTables) throws -> Result
    ) throws -> Result {
        if cut.isNow {
            return try environment.read { transaction in try live(readModels, transaction) }
        }
        if let answer = try rowView(at: cut, reading: readModels.tables(tables), live: live, memory: query) {
            return answer
        }
        return try query(readModels, try fold(at: cut, needs: readModels.needs(tables)))
    }

    /// The read models at `cut`, in memory: the fold, in log order, of the events of the types `needs` names that
    /// are inside the cut and not retracted inside it, found through the type index.
    ///
    /// A retraction counts when it is inside the transaction-time cut, whatever its own valid time: the view shows
    /// what the knowledge base held then. ``ViewNeeds/everything`` folds every event, as replay does.
    func fold(at cut: ViewCut, needs: ViewNeeds) throws -> MemoryTables {
        let tables = MemoryTables()
        try environment.read { source in
            guard let head = try source.head() else { return }
            let last = try cut.until?.lastPosition(in: source) ?? head.position
            var retracted = Set<Position>()
            try source.scan(indexes.retractions, from: nil, reverse: false) { key, value in
                if let target = Position(key: key), let retracting = Position(key: value), retracting <= last {
                    retracted.insert(target)
                }
                return true
            }
            var positions: [Position] = []
            if try readModels.storedFormat(in: source) == .current {
                for type in needs.types {
                    try source.scan(indexes.byType, prefix: [type.code]) { key, _ in
                        guard let position = Position(key: UnsafeRawBufferPointer(rebasing: key.dropFirst())),
                            position <= last
                        else { return false }
                        if !retracted.contains(position) { positions.append(position) }
                        return true
                    }
                }
                positions.sort()
            } else {
                // An older store's type index is in a table this build no longer reads, until its rebuild. Canonical
                // bytes end with the type, the last of the sorted keys.
                let endings = needs.types.map { Array("\"type\":\"\($0.rawValue)\"}".utf8) }
                try source.forEachEvent(through: last) { position, _, bytes in
                    let isNeeded = endings.contains { ending in
                        bytes.count > ending.count && bytes[(bytes.count - ending.count)...].elementsEqual(ending)
                    }
                    if isNeeded && !retracted.contains(position) { positions.append(position) }
                    return true
                }
            }
            for position in positions {
                let found = try source.withEvent(at: position) { hash, bytes -> Bool in
                    // Most events outside a valid-time cut are known so without decoding them.
                    if let asOf = cut.asOf, let at = KnowledgeBase.storedValidTime(bytes), !asOf.includes(at) {
                        return true
                    }
                    let event = try StoredEvent(
                        position: position,
                        hash: SHA256Digest(bytes: Array(hash)) ?? .zero,
                        bytes: bytes
                    )
                    if let asOf = cut.asOf, !asOf.includes(event.at) { return true }
                    try readModels.apply(event, to: tables)
                    return true
                }
                if found == nil {
                    throw LogDamage(position: position, reason: "in the type index but not in the log")
                }
            }
        }
        return tables
    }

    /// The valid time of a stored event read straight from its canonical bytes, where `at` is the first key or
    /// follows `actor` (JCS sorts the keys) and its text holds no escape; nil when the bytes are laid out otherwise,
    /// or `at` is absent (the event then stands at its recording time), and the event must be decoded to know.
    static func storedValidTime(_ bytes: UnsafeRawBufferPointer) -> ValidTime? {
        var index = 0
        func skip(_ text: String) -> Bool {
            var next = index
            for byte in text.utf8 {
                guard next < bytes.count, bytes[next] == byte else { return false }
                next += 1
            }
            index = next
            return true
        }
        guard skip("{\"") else { return nil }
        if skip("actor\":\"") {
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard skip("\",\"") else { return nil }
        }
        guard skip("at\":\"") else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            guard bytes[index] != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        guard index < bytes.count else { return nil }
        return ValidTime(
            parsing: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        )
    }
}
