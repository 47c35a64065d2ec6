import Projections

/// Where the replication graph's nodes go: one panel per solution, its origins in a left column and its targets in
/// a right one, each column ordered by the barycentre heuristic (Sugiyama, Tagawa and Toda 1981) to keep crossings
/// few: a node moves to the mean row of its neighbours in the other column, the columns take turns, and the order
/// with the fewest crossings seen is kept.
struct GraphLayout {
    /// A node: a city, or a project's lighthouse cities as one origin.
    enum Node {
        case city(GraphNode)
        case project(GraphProjectOrigin)

        /// The city's id, or `project:ID`.
        var key: String {
            switch self {
            case .city(let city): city.id.rawValue
            case .project(let origin): "project:" + origin.project.rawValue
            }
        }

        /// The order before any edge is considered: lighthouse cities and project origins first, then by name.
        fileprivate var initialRank: (Int, String, String) {
            switch self {
            case .project(let origin): (0, origin.name, origin.project.rawValue)
            case .city(let city):
                (city.tier == .lighthouse ? 1 : city.tier == .fellow ? 2 : 3, city.name, city.id.rawValue)
            }
        }
    }

    /// An edge between the rows `left` and `right` of its panel.
    struct PlacedEdge {
        var edge: GraphEdge
        var left: Int
        var right: Int
    }

    /// One solution's edges.
    struct Panel {
        var solution: Slug
        var left: [Node]
        var right: [Node]
        /// In log order.
        var edges: [PlacedEdge]
        /// Where each node of `left` and of `right` goes, in rows from the top: the longer column one node a row,
        /// the shorter one each node beside the middle of its neighbours, keeping its order and a row apart.
        var leftRows: [Double], rightRows: [Double]
        /// How many pairs of edges cross.
        var crossings: Int
    }

    /// The panels, the solution with the most edges first, then by name.
    var panels: [Panel]

    /// The layout of `graph`; with `isOrdered` false the columns keep their initial order (for comparison).
    init(graph: ReplicationGraph, isOrdered: Bool = true) {
        var nodes: [String: Node] = [:]
        for city in graph.nodes { nodes[city.id.rawValue] = .city(city) }
        for origin in graph.projectOrigins { nodes["project:" + origin.project.rawValue] = .project(origin) }
        var bySolution: [Slug: [GraphEdge]] = [:]
        for edge in graph.edges { bySolution[edge.solution, default: []].append(edge) }
        panels = bySolution.compactMap { solution, edges in
            GraphLayout.panel(solution, edges, nodes, isOrdered: isOrdered)
        }
        .sorted {
            let first = ($0.edges.count, $1.edges.first?.edge.solutionName ?? "", $1.solution.rawValue)
            let second = ($1.edges.count, $0.edges.first?.edge.solutionName ?? "", $0.solution.rawValue)
            return first > second
        }
    }

    /// The sum of every panel's crossings.
    var crossings: Int { panels.reduce(0) { $0 + $1.crossings } }

    private static func originKey(_ edge: GraphEdge) -> String {
        edge.from?.rawValue ?? "project:" + (edge.project?.rawValue ?? "")
    }

    private static func panel(
        _ solution: Slug,
        _ edges: [GraphEdge],
        _ nodes: [String: Node],
        isOrdered: Bool
    ) -> Panel? {
        let kept = edges.filter { nodes[originKey($0)] != nil && nodes[$0.to.rawValue] != nil }
        guard !kept.isEmpty else { return nil }
        func column(_ keys: [String]) -> [Node] {
            Array(Set(keys)).compactMap { nodes[$0] }.sorted { $0.initialRank < $1.initialRank }
        }
        var left = column(kept.map(originKey))
        var right = column(kept.map(\.to.rawValue))
        let pairs = kept.map { (originKey($0), $0.to.rawValue) }
        func rows(_ column: [Node]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: column.enumerated().map { ($1.key, $0) })
        }
        func count(_ left: [Node], _ right: [Node]) -> Int {
            let (leftRows, rightRows) = (rows(left), rows(right))
            return crossings(pairs.map { (leftRows[$0.0] ?? 0, rightRows[$0.1] ?? 0) })
        }
        var best = (left, right, count(left, right))
        if isOrdered {
            for round in 0..<8 where best.2 > 0 {
                let movesRight = round % 2 == 0
                let fixed = rows(movesRight ? left : right)
                var sums: [String: (total: Double, count: Double)] = [:]
                for (origin, target) in pairs {
                    let (moving, anchor) = movesRight ? (target, origin) : (origin, target)
                    sums[moving, default: (0, 0)].total += Double(fixed[anchor] ?? 0)
                    sums[moving, default: (0, 0)].count += 1
                }
                func reorder(_ column: [Node]) -> [Node] {
                    let current = rows(column)
                    return column.sorted {
                        let first = sums[$0.key].map { $0.total / $0.count } ?? 0
                        let second = sums[$1.key].map { $0.total / $0.count } ?? 0
                        return first != second ? first < second : (current[$0.key] ?? 0) < (current[$1.key] ?? 0)
                    }
                }
                if movesRight { right = reorder(right) } else { left = reorder(left) }
                let crossings = count(left, right)
                if crossings < best.2 { best = (left, right, crossings) }
            }
        }
        let (leftRows, rightRows) = (rows(best.0), rows(best.1))
        let placed = kept.map {
            PlacedEdge(edge: $0, left: leftRows[originKey($0)] ?? 0, right: rightRows[$0.to.rawValue] ?? 0)
        }
        var leftPlaces = best.0.indices.map(Double.init)
        var rightPlaces = best.1.indices.map(Double.init)
        if best.0.count < best.1.count {
            leftPlaces = centred(best.0.count, rows: best.1.count, neighbours: placed.map { ($0.left, $0.right) })
        } else if best.1.count < best.0.count {
            rightPlaces = centred(best.1.count, rows: best.0.count, neighbours: placed.map { ($0.right, $0.left) })
        }
        return Panel(
            solution: solution,
            left: best.0,
            right: best.1,
            edges: placed,
            leftRows: leftPlaces,
            rightRows: rightPlaces,
            crossings: best.2
        )
    }

    /// Rows for `count` nodes beside a column of `rows` nodes: each at the mean row of its neighbours (pairs of its
    /// index and a neighbour's row), then pushed apart to one row between nodes, within the column's extent.
    private static func centred(_ count: Int, rows: Int, neighbours: [(Int, Int)]) -> [Double] {
        var sums = [(total: Double, count: Double)](repeating: (0, 0), count: count)
        for (node, row) in neighbours {
            sums[node].total += Double(row)
            sums[node].count += 1
        }
        var places = sums.map { $0.count > 0 ? $0.total / $0.count : 0 }
        let last = Double(rows - 1)
        for index in places.indices {
            places[index] = max(places[index], index == 0 ? 0 : places[index - 1] + 1)
        }
        for index in places.indices.reversed() {
            places[index] = min(places[index], index == places.count - 1 ? last : places[index + 1] - 1)
        }
        return places
    }

    /// How many pairs of edges between two columns cross: their ends come in opposite orders.
    static func crossings(_ edges: [(Int, Int)]) -> Int {
        var count = 0
        for first in edges.indices {
            for second in edges.indices where second > first {
                if (edges[first].0 - edges[second].0) * (edges[first].1 - edges[second].1) < 0 { count += 1 }
            }
        }
        return count
    }
}
