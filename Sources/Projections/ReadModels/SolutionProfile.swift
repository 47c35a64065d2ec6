import EventStore

/// What the record says about one solution: where it was demonstrated, who replicated it from whom, the plans, its
/// reach and the obstacles met; every id it mentions comes with the name beside it.
public struct SolutionProfile: Sendable, Equatable {
    /// A demonstration of the solution.
    public struct Demonstration: Sendable, Equatable {
        /// The demonstration, by id.
        public var demonstration: Slug
        /// The city that demonstrated it, by id and name.
        public var city: Slug, cityName: String
        /// The project it was demonstrated in, if any, by id and name.
        public var project: Slug?, projectName: String?
        /// When it was reported in the world (`at`).
        public var at: String
    }

    /// A replication of the solution (done) or a plan to replicate it.
    public struct Transfer: Sendable, Equatable {
        /// The city that took it over or plans to, by id and name.
        public var city: Slug, cityName: String
        /// The origin city, if one is named, by id and name.
        public var from: Slug?, fromName: String?
        /// The project, if any (the origin when `from` is nil), by id and name.
        public var project: Slug?, projectName: String?
        /// When it happened or was planned (`at`), and the position of its event.
        public var at: String, position: Position
        /// How a replication was paid for, when given (never for a plan).
        public var funding: Funding?
        /// A plan's status (open, fulfilled, closed) and the replication that closed it; nil for a replication.
        public var status: PlanStatus?, closedBy: Position?
    }

    /// The solution, by id and name.
    public var solution: Slug, name: String
    /// Its area.
    public var area: Area?
    /// When it was catalogued (`at`) and the position of its SolutionCatalogued.
    public var registered: String, position: Position?
    /// Its demonstrations, by id.
    public var demonstrations: [Demonstration]
    /// Its replications, in log order.
    public var replications: [Transfer]
    /// The plans to replicate it, whatever their status, in key order.
    public var plans: [Transfer]
    /// Distinct cities that demonstrated or adopted it.
    public var reach: Int
    /// Adoptions by a fellow-tier city from a lighthouse-tier city or a project's lighthouse cities.
    public var lighthouseToFellow: Int
    /// Obstacles that name it, in log order.
    public var obstacles: [ObstacleEntry]
}

extension SolutionProfile: JSONValueView {
    var json: JSONValue {
        let demonstrationItems: [JSONValue] = demonstrations.map {
            [
                "demonstration": .string($0.demonstration.rawValue), "city": .string($0.city.rawValue),
                "city_name": .string($0.cityName), "project": .slug($0.project), "project_name": .text($0.projectName),
                "at": .string($0.at),
            ]
        }
        func transfer(_ item: Transfer, isPlan: Bool) -> JSONValue {
            var object: JSONObject = [
                "city": .string(item.city.rawValue), "city_name": .string(item.cityName), "from": .slug(item.from),
                "from_name": .text(item.fromName), "project": .slug(item.project),
                "project_name": .text(item.projectName), "at": .string(item.at), "position": .position(item.position),
            ]
            if isPlan {
                object["status"] = .choice(item.status)
                object["closed_by"] = .position(item.closedBy)
            } else {
                object["funding"] = .choice(item.funding)
            }
            return .object(object)
        }
        return [
            "solution": .string(solution.rawValue), "name": .string(name), "area": .choice(area),
            "registered": .string(registered), "position": .position(position),
            "demonstrations": .array(demonstrationItems),
            "replications": .array(replications.map { transfer($0, isPlan: false) }),
            "plans": .array(plans.map { transfer($0, isPlan: true) }), "reach": .integer(reach),
            "lighthouse_to_fellow": .integer(lighthouseToFellow), "obstacles": .array(obstacles.map(\.json)),
        ]
    }
}

extension ReadModels {
    /// What the record says about one solution.
    func solutionProfile(
        _ solution: Slug,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> SolutionProfile {
        guard let row = try tables.row(Key.of(solution), in: solutions) else {
            throw NotFound(kind: "solution", id: solution.rawValue)
        }
        var demonstrationList: [SolutionProfile.Demonstration] = []
        for id in try tables.ids(in: demonstrationsBySolution, of: solution) {
            guard let demonstration = try tables.row(Key.of(id), in: demonstrations),
                let city = demonstration.slug("city")
            else { continue }
            let project = demonstration.slug("project")
            demonstrationList.append(
                .init(
                    demonstration: id,
                    city: city,
                    cityName: try cityName(city, in: tables),
                    project: project,
                    projectName: try projectName(ifGiven: project, in: tables),
                    at: demonstration.string("at") ?? ""
                )
            )
        }
        func transfer(_ row: Row, at position: Position) throws -> SolutionProfile.Transfer? {
            guard let city = row.slug("city") else { return nil }
            let from = row.slug("from")
            let project = row.slug("project")
            return .init(
                city: city,
                cityName: try cityName(city, in: tables),
                from: from,
                fromName: try cityName(ifGiven: from, in: tables),
                project: project,
                projectName: try projectName(ifGiven: project, in: tables),
                at: row.string("at") ?? "",
                position: position,
                funding: row.string("funding").flatMap(Funding.init(rawValue:)),
                status: row.string(Column.status).flatMap(PlanStatus.init(rawValue:)),
                closedBy: row.position(Column.closedBy)
            )
        }
        var positions: [Position] = []
        try tables.scan(replicationsBySolution, prefix: Key.prefix(solution)) { key, _ in
            if let position = Key.position(key) { positions.append(position) }
            return true
        }
        var adoptions: [SolutionProfile.Transfer] = []
        for position in positions {
            guard let edge = try tables.row(position.key, in: replications),
                let item = try transfer(edge, at: position)
            else { continue }
            adoptions.append(item)
        }
        var planRows: [Row] = []
        try tables.scan(plans, prefix: Key.prefix(solution)) { key, value in
            planRows.append(try Row(stored: value, in: plans, key: key))
            return true
        }
        var planList: [SolutionProfile.Transfer] = []
        for plan in planRows {
            guard let position = plan.position(Column.position), let item = try transfer(plan, at: position) else {
                continue
            }
            planList.append(item)
        }
        let area = row.string("area").flatMap(Area.init(rawValue:))
        var tiers: [Slug: Tier] = [:]
        let spread = try area.map { area in
            try self.spread(of: solution, name: row.string("name") ?? "", area: area, tiers: &tiers, in: tables)
        }
        return SolutionProfile(
            solution: solution,
            name: row.string("name") ?? solution.rawValue,
            area: area,
            registered: row.string("at") ?? "",
            position: row.position(Column.position),
            demonstrations: demonstrationList,
            replications: adoptions,
            plans: planList,
            reach: spread?.reach ?? 0,
            lighthouseToFellow: spread?.lighthouseToFellow ?? 0,
            obstacles: try obstacleReport(ObstacleFilter(solution: solution), in: tables).obstacles
        )
    }
}
