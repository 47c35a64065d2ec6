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
        try view(at: cut) { state, models in try models.graph(filter, in: state) }
    }

    /// Per solution: where demonstrated, where adopted, where planned; sorted by reach, then id.
    public func spread(area: Area? = nil, at cut: ViewCut = ViewCut()) throws -> [SolutionSpread] {
        try view(at: cut) { state, models in try models.spread(area: area, in: state) }
    }

    /// A city's profile.
    public func cityProfile(_ city: Slug, at cut: ViewCut = ViewCut()) throws -> JSONValue {
        try view(at: cut) { state, models in try models.cityProfile(city, in: state) }
    }

    /// A project's profile.
    public func projectProfile(_ project: Slug, at cut: ViewCut = ViewCut()) throws -> JSONValue {
        try view(at: cut) { state, models in try models.projectProfile(project, in: state) }
    }

    /// A solution's profile.
    public func solutionProfile(_ solution: Slug, at cut: ViewCut = ViewCut()) throws -> JSONValue {
        try view(at: cut) { state, models in try models.solutionProfile(solution, in: state) }
    }

    /// Impact totals, for everything, one project, one city, or one city in one project.
    public func impactTotals(
        project: Slug? = nil,
        city: Slug? = nil,
        at cut: ViewCut = ViewCut()
    ) throws
        -> ImpactTotals
    {
        try view(at: cut) { state, models in try models.impactTotals(project: project, city: city, in: state) }
    }

    /// Obstacles to replication and how each was overcome, in log order, with counts by category.
    public func obstacles(
        _ filter: ObstacleFilter = ObstacleFilter(),
        at cut: ViewCut = ViewCut()
    ) throws
        -> ObstacleReport
    {
        try view(at: cut) { state, models in try models.obstacleReport(filter, in: state) }
    }

    /// Every project, by id.
    public func projectList(at cut: ViewCut = ViewCut()) throws -> JSONValue {
        try view(at: cut) { state, models in try models.projectList(in: state) }
    }

    /// Every city with its country and tier, by id.
    public func cityList(at cut: ViewCut = ViewCut()) throws -> JSONValue {
        try view(at: cut) { state, models in try models.cityList(in: state) }
    }

    /// The current CCG members.
    public func ccgMembers(at cut: ViewCut = ViewCut()) throws -> JSONValue {
        try view(at: cut) { state, models in try models.ccgMembers(in: state) }
    }

    /// CCG meetings, optionally of one year.
    public func ccgMeetings(year: Int? = nil, at cut: ViewCut = ViewCut()) throws -> JSONValue {
        try view(at: cut) { state, models in try models.ccgMeetings(year: year, in: state) }
    }

    /// Travel contributions and per-year totals, optionally of one year.
    public func ccgTravel(year: Int? = nil, at cut: ViewCut = ViewCut()) throws -> JSONValue {
        try view(at: cut) { state, models in try models.ccgTravel(year: year, in: state) }
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
        try view(at: cut) { state, models in
            try models.eligibility(city: city, meeting: meeting, amount: amount, in: state)
        }
    }

    /// Every event naming `entity`, and the retractions of those events, in log order.
    public func history(of entity: Slug, until: TransactionCut? = nil, asOf: ValidTimeCut? = nil) throws -> [LogEntry] {
        var filter = LogFilter()
        filter.entity = entity
        filter.until = until
        filter.asOf = asOf
        var entries: [LogEntry] = []
        try log(filter) { entries.append($0) }
        let retractions = entries.compactMap(\.retractedBy)
        guard !retractions.isEmpty else { return entries }
        for position in retractions {
            var single = LogFilter()
            single.from = position
            single.limit = 1
            single.until = until
            try log(single) { entries.append($0) }
        }
        return entries.sorted { $0.recorded.position < $1.recorded.position }
    }

    /// Runs `body` on the read models: the live ones for the current state, else ones folded from the log up to
    /// the cut into a scratch store, with the same fold as replay. Such a view costs a pass over the log up to the
    /// cut; the current state costs only the lookups of the view.
    func view<Result>(
        at cut: ViewCut,
        _ body: (borrowing ReadTransaction, ReadModels) throws -> Result
    ) throws -> Result {
        if cut.isNow {
            return try environment.read { transaction in try body(transaction, readModels) }
        }
        let scratch = try ScratchStore()
        let models = ReadModels(table: scratch.environment.table(named:))
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
            try scratch.environment.write { target in
                try source.forEachRecord(through: last) { position, hash, bytes in
                    guard !retracted.contains(position) else { return true }
                    let event = try RecordedEvent(
                        position: position,
                        hash: SHA256Digest(bytes: Array(hash)) ?? .zero,
                        bytes: bytes
                    )
                    if event.event.type == .eventRetracted { return true }
                    if let asOf = cut.asOf, !asOf.includes(event.at) { return true }
                    try models.apply(event, to: target)
                    return true
                }
            }
        }
        return try scratch.environment.read { transaction in try body(transaction, models) }
    }
}
