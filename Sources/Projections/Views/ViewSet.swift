import EventStore

/// Several read views taken from one state: at a cut, the log is folded once for all of them, not once per view.
public struct ViewSet: Sendable {
    /// The replication graph under the filter asked for.
    public var graph: ReplicationGraph
    /// The spread of every solution.
    public var spread: SpreadReport
    /// The community's impact totals.
    public var totals: ImpactTotals
}

extension KnowledgeBase {
    /// The graph under `filter`, the spread of every solution and the community's impact totals, all from one
    /// state at `cut`: the same values as ``graph(_:at:)``, ``spread(area:at:)`` and
    /// ``impactTotals(project:city:at:)`` give one by one.
    public func views(graph filter: GraphFilter, at cut: ViewCut = ViewCut()) throws -> ViewSet {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> ViewSet {
            try ViewSet(
                graph: models.graph(filter, in: tables),
                spread: models.spreadReport(area: nil, in: tables),
                totals: models.impactTotals(project: nil, city: nil, in: tables)
            )
        }
        let tables = ViewTables.graph(filter) + ViewTables.spread + ViewTables.totals(project: nil, city: nil)
        var set = try view(at: cut, reading: tables, live: query, memory: query)
        set.graph = try withSources(set.graph)
        return set
    }
}
