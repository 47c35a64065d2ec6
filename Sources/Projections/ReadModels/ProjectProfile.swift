import EventStore

/// What the record says about one project: its dates, its cities, its demonstrations and their impact, and the
/// obstacles met; every id it mentions comes with the name beside it.
public struct ProjectProfile: Sendable, Equatable {
    /// A city of the project.
    public struct Member: Sendable, Equatable {
        /// The city, by id and name, and its country.
        public var city: Slug, name: String, country: String
        /// Lighthouse or fellow.
        public var role: Role
    }

    /// A demonstration reported in the project.
    public struct Demonstration: Sendable, Equatable {
        /// The demonstration, by id.
        public var demonstration: Slug
        /// The solution demonstrated, by id and name.
        public var solution: Slug, solutionName: String
        /// The city that demonstrated it, by id and name.
        public var city: Slug, cityName: String
        /// When it was reported in the world (`at`).
        public var at: String
    }

    /// The project, by id and name.
    public var project: Slug, name: String
    /// The call it was funded under, and its start and end dates, where given.
    public var call: String?, start: String?, end: String?
    /// The `at` of its ProjectEnded, once ended.
    public var endedAt: String?
    /// Whether a ProjectEnded is in the record.
    public var isEnded: Bool
    /// When it was registered (`at`) and the position of its ProjectRegistered.
    public var registered: String, position: Position?
    /// Its cities, in key order.
    public var cities: [Member]
    /// Its demonstrations, by id.
    public var demonstrations: [Demonstration]
    /// Impact totals of its demonstrations, beside the figures published for it.
    public var impact: ImpactTotals
    /// Obstacles that name it, in log order.
    public var obstacles: [ObstacleEntry]

    /// The number of its lighthouse cities.
    public var lighthouseCities: Int { cities.filter { $0.role == .lighthouse }.count }
    /// The number of its fellow cities.
    public var fellowCities: Int { cities.filter { $0.role == .fellow }.count }
}

extension ProjectProfile: JSONValueView {
    var json: JSONValue {
        let cityItems: [JSONValue] = cities.map {
            [
                "city": .string($0.city.rawValue), "name": .string($0.name), "country": .string($0.country),
                "role": .choice($0.role),
            ]
        }
        let demonstrationItems: [JSONValue] = demonstrations.map {
            [
                "demonstration": .string($0.demonstration.rawValue), "solution": .string($0.solution.rawValue),
                "solution_name": .string($0.solutionName), "city": .string($0.city.rawValue),
                "city_name": .string($0.cityName), "at": .string($0.at),
            ]
        }
        let totals = impact.json
        return [
            "project": .string(project.rawValue), "name": .string(name), "call": .text(call), "start": .text(start),
            "end": .text(end), "ended": .bool(isEnded), "ended_at": .text(endedAt), "registered": .string(registered),
            "position": .position(position), "lighthouse_cities": .integer(lighthouseCities),
            "fellow_cities": .integer(fellowCities), "cities": .array(cityItems),
            "demonstrations": .array(demonstrationItems), "kpis": totals["totals"] ?? .null,
            "published": totals["published"] ?? .null, "obstacles": .array(obstacles.map(\.json)),
        ]
    }
}

extension ReadModels {
    /// What the record says about one project; its impact totals read from `tables` unless given.
    func projectProfile(
        _ project: Slug,
        impact given: ImpactTotals? = nil,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> ProjectProfile {
        guard let row = try tables.row(Key.of(project), in: projects) else {
            throw NotFound(kind: "project", id: project.rawValue)
        }
        var roleEntries: [(Slug, Role)] = []
        try tables.scan(roles, prefix: Key.prefix(project)) { key, value in
            let parts = Key.parts(key)
            if parts.count == 2, let city = Key.slug(parts[1]),
                let role = try Row(stored: value, in: roles, key: key).string(Column.role)
                    .flatMap(Role.init(rawValue:))
            {
                roleEntries.append((city, role))
            }
            return true
        }
        var members: [ProjectProfile.Member] = []
        for (city, role) in roleEntries {
            let cityRow = try tables.row(Key.of(city), in: cities)
            members.append(
                .init(
                    city: city,
                    name: cityRow?.string("name") ?? city.rawValue,
                    country: cityRow?.string("country") ?? "",
                    role: role
                )
            )
        }
        var demonstrationList: [ProjectProfile.Demonstration] = []
        for id in try tables.ids(in: demonstrationsByProject, of: project) {
            guard let demonstration = try tables.row(Key.of(id), in: demonstrations),
                let solution = demonstration.slug("solution"), let city = demonstration.slug("city")
            else { continue }
            demonstrationList.append(
                .init(
                    demonstration: id,
                    solution: solution,
                    solutionName: try solutionName(solution, in: tables),
                    city: city,
                    cityName: try cityName(city, in: tables),
                    at: demonstration.string("at") ?? ""
                )
            )
        }
        return ProjectProfile(
            project: project,
            name: row.string("name") ?? project.rawValue,
            call: row.string("call"),
            start: row.string("start"),
            end: row.string("end"),
            endedAt: row.string(Column.endedAt),
            isEnded: row[Column.ended] != nil,
            registered: row.string("at") ?? "",
            position: row.position(Column.position),
            cities: members,
            demonstrations: demonstrationList,
            impact: try given ?? impactTotals(project: project, city: nil, in: tables),
            obstacles: try obstacleReport(ObstacleFilter(project: project), in: tables).obstacles
        )
    }
}
