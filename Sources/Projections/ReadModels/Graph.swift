import EventStore

/// A city at either end of a replication edge.
public struct GraphNode: Sendable, Equatable {
    /// The city, by id.
    public var id: Slug
    /// The city's name.
    public var name: String
    /// The city's ISO 3166-1 alpha-2 country code.
    public var country: String
    /// The city's tier: lighthouse, fellow or other.
    public var tier: Tier

    var json: JSONValue {
        [
            "id": .string(id.rawValue), "name": .string(name), "country": .string(country),
            "tier": .string(tier.rawValue),
        ]
    }
}

/// A solution going from one city to another: done (SolutionReplicated) or planned (an open ReplicationPlanned).
public struct GraphEdge: Sendable, Equatable {
    /// Whether the replication happened or is still a plan.
    public enum Status: String, Sendable {
        case done, planned
    }

    /// The solution that travels, by id.
    public var solution: Slug
    /// The city it comes from, by id; nil when the origin is a project's lighthouse cities.
    public var from: Slug?
    /// The city that adopted it, or plans to, by id.
    public var to: Slug
    /// When it happened in the world: the `at` of its event, a date or a UTC date-time.
    public var at: String
    /// The position of its SolutionReplicated or ReplicationPlanned event.
    public var position: Position
    /// How the replication was paid for; nil when not given, and always for a plan.
    public var funding: Funding?
    /// The project under which it happened, by id, if any; the origin when `from` is nil.
    public var project: Slug?
    /// Whether the replication happened or is still a plan.
    public var status: Status
    /// The names of the solution, the origin city, the target city and the project, beside their ids.
    public var solutionName: String, fromName: String?, toName: String, projectName: String?
    /// Where the fact comes from: the `source` of its event, if it gives one.
    public var source: String?

    /// Where the solution comes from: `from`, else the lighthouse cities of `project`.
    public var origin: Origin? { from.map(Origin.city) ?? project.map(Origin.project) }

    var json: JSONValue {
        [
            "solution": .string(solution.rawValue), "from": from.map { .string($0.rawValue) } ?? .null,
            "to": .string(to.rawValue),
            "at": .string(at), "position": Row.position(position),
            "funding": funding.map { .string($0.rawValue) } ?? .null,
            "project": project.map { .string($0.rawValue) } ?? .null, "status": .string(status.rawValue),
            "solution_name": .string(solutionName), "from_name": .text(fromName), "to_name": .string(toName),
            "project_name": .text(projectName), "source": .text(source),
        ]
    }
}

/// A project whose lighthouse cities, as a group, are the origin of an edge.
public struct GraphProjectOrigin: Sendable, Equatable {
    /// The project, by id.
    public var project: Slug
    /// The project's name.
    public var name: String
    /// The project's lighthouse cities, by id.
    public var lighthouseCities: [Slug]

    var json: JSONValue {
        [
            "project": .string(project.rawValue), "name": .string(name),
            "lighthouse_cities": .array(lighthouseCities.map { .string($0.rawValue) }),
        ]
    }
}

/// The replication graph: edges in log order, the cities at their ends, and the projects that are origins.
public struct ReplicationGraph: Sendable, Equatable, JSONValueView {
    /// The cities at either end of an edge, sorted by id.
    public var nodes: [GraphNode]
    /// The edges, in log order.
    public var edges: [GraphEdge]
    /// The projects whose lighthouse cities are the origin of an edge, sorted by id (tier lighthouse).
    public var projectOrigins: [GraphProjectOrigin]

    /// `{"nodes":[…],"edges":[…],"project_origins":[…]}`: SPEC §5's shape, with the project origins added.
    var json: JSONValue {
        [
            "nodes": .array(nodes.map(\.json)), "edges": .array(edges.map(\.json)),
            "project_origins": .array(projectOrigins.map(\.json)),
        ]
    }
}

/// Which edges `graph` shows.
public struct GraphFilter: Sendable {
    /// Only edges of this solution, when given.
    public var solution: Slug?
    /// Only edges from a city of this tier, when given.
    public var fromTier: Tier?
    /// Only edges to a city of this tier, when given.
    public var toTier: Tier?
    /// Only edges under this project (the project an edge names, also the origin of an edge from its lighthouse
    /// cities), when given.
    public var project: Slug?
    /// Whether open plans are shown beside the replications done.
    public var includesPlanned = false

    /// A filter; the defaults show every replication done.
    public init(
        solution: Slug? = nil,
        fromTier: Tier? = nil,
        toTier: Tier? = nil,
        project: Slug? = nil,
        includesPlanned: Bool = false
    ) {
        self.solution = solution
        self.fromTier = fromTier
        self.toTier = toTier
        self.project = project
        self.includesPlanned = includesPlanned
    }
}

extension ReadModels {
    /// A city's tier: lighthouse in any project, else fellow in any, else other.
    func tier(of city: Slug, in tables: borrowing some KeyValueReader & ~Copyable) throws -> Tier {
        var tier = Tier.other
        try tables.scan(cityRoles, prefix: Key.prefix(city)) { key, value in
            switch try Row(stored: value, in: cityRoles, key: key).string(Column.role) {
            case Role.lighthouse.rawValue:
                tier = .lighthouse
                return false
            case Role.fellow.rawValue:
                tier = .fellow
            default:
                break
            }
            return true
        }
        return tier
    }

    func graph(_ filter: GraphFilter, in tables: borrowing some KeyValueReader & ~Copyable) throws -> ReplicationGraph {
        var edges: [GraphEdge] = []
        try tables.scan(replications, from: nil, reverse: false) { key, value in
            guard let position = Position(key: key) else { return true }
            let row = try Row(stored: value, in: replications, key: key)
            guard let solution = row.slug("solution"), row.origin != nil, let to = row.slug("city") else {
                throw RowDamage(table: replications.name, key: key, reason: "it names no solution, city or origin")
            }
            edges.append(
                GraphEdge(
                    solution: solution,
                    from: row.slug("from"),
                    to: to,
                    at: row.string("at") ?? "",
                    position: position,
                    funding: row.string("funding").flatMap(Funding.init(rawValue:)),
                    project: row.slug("project"),
                    status: .done,
                    solutionName: "",
                    fromName: nil,
                    toName: "",
                    projectName: nil
                )
            )
            return true
        }
        if filter.includesPlanned {
            var planKeys: [[UInt8]] = []
            try tables.scan(openPlans, from: nil, reverse: false) { _, value in
                planKeys.append(Array(value))
                return true
            }
            for key in planKeys {
                guard let plan = try tables.row(key, in: plans), let solution = plan.slug("solution"),
                    plan.origin != nil, let to = plan.slug("city"), let position = plan.position("position")
                else { continue }
                edges.append(
                    GraphEdge(
                        solution: solution,
                        from: plan.slug("from"),
                        to: to,
                        at: plan.string("at") ?? "",
                        position: position,
                        funding: nil,
                        project: plan.slug("project"),
                        status: .planned,
                        solutionName: "",
                        fromName: nil,
                        toName: "",
                        projectName: nil
                    )
                )
            }
            edges.sort { $0.position < $1.position }
        }
        var tiers: [Slug: Tier] = [:]
        func tierOf(_ city: Slug, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> Tier {
            if let known = tiers[city] { return known }
            let tier = try self.tier(of: city, in: tables)
            tiers[city] = tier
            return tier
        }
        var kept: [GraphEdge] = []
        for edge in edges {
            if let solution = filter.solution, edge.solution != solution { continue }
            if let project = filter.project, edge.project != project { continue }
            if let fromTier = filter.fromTier, try edge.from.map({ try tierOf($0, tables) }) ?? .lighthouse != fromTier
            {
                continue
            }
            if let toTier = filter.toTier, try tierOf(edge.to, tables) != toTier { continue }
            kept.append(edge)
        }
        var solutionNames: [Slug: String] = [:]
        var cityNames: [Slug: String] = [:]
        var projectNames: [Slug: String] = [:]
        for index in kept.indices {
            let edge = kept[index]
            if solutionNames[edge.solution] == nil {
                solutionNames[edge.solution] = try solutionName(edge.solution, in: tables)
            }
            for city in [edge.from, edge.to].compactMap({ $0 }) where cityNames[city] == nil {
                cityNames[city] = try cityName(city, in: tables)
            }
            if let project = edge.project, projectNames[project] == nil {
                projectNames[project] = try projectName(project, in: tables)
            }
            kept[index].solutionName = solutionNames[edge.solution] ?? edge.solution.rawValue
            kept[index].fromName = edge.from.flatMap { cityNames[$0] }
            kept[index].toName = cityNames[edge.to] ?? edge.to.rawValue
            kept[index].projectName = edge.project.flatMap { projectNames[$0] }
        }
        var nodes: [GraphNode] = []
        for city in Set(kept.flatMap { [$0.from, $0.to].compactMap { $0 } }).sorted() {
            let row = try tables.row(Key.of(city), in: cities)
            nodes.append(
                GraphNode(
                    id: city,
                    name: row?.string("name") ?? city.rawValue,
                    country: row?.string("country") ?? "",
                    tier: try tierOf(city, tables)
                )
            )
        }
        var projectOrigins: [GraphProjectOrigin] = []
        for project in Set(kept.compactMap { $0.from == nil ? $0.project : nil }).sorted() {
            projectOrigins.append(
                GraphProjectOrigin(
                    project: project,
                    name: try tables.row(Key.of(project), in: projects)?.string("name") ?? project.rawValue,
                    lighthouseCities: try lighthouseCities(of: project, in: tables)
                )
            )
        }
        return ReplicationGraph(nodes: nodes, edges: kept, projectOrigins: projectOrigins)
    }
}
