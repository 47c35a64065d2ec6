import EventStore

/// A city named by its id, with its name beside it.
public struct CityName: Sendable, Hashable {
    /// The city, by id.
    public var city: Slug
    /// The city's name.
    public var name: String
}

/// Every project with its dates, state and numbers of lighthouse and fellow cities, by id.
public struct ProjectList: Sendable, Equatable {
    /// One project.
    public struct Entry: Sendable, Equatable {
        /// The project, by id and name.
        public var project: Slug, name: String
        /// Its start and end dates, where given.
        public var start: String?, end: String?
        /// Whether a ProjectEnded is in the record.
        public var isEnded: Bool
        /// Its numbers of lighthouse and fellow cities.
        public var lighthouseCities: Int, fellowCities: Int
    }

    /// The projects, by id.
    public var projects: [Entry]
}

extension ProjectList: JSONValueView {
    var json: JSONValue {
        let items: [JSONValue] = projects.map {
            [
                "project": .string($0.project.rawValue), "name": .string($0.name), "start": .text($0.start),
                "end": .text($0.end), "ended": .bool($0.isEnded), "lighthouse_cities": .integer($0.lighthouseCities),
                "fellow_cities": .integer($0.fellowCities),
            ]
        }
        return ["projects": .array(items)]
    }
}

/// Every city with its country, tier and project roles, by id.
public struct CityList: Sendable, Equatable {
    /// A city's role in one project.
    public struct Membership: Sendable, Equatable {
        /// The project, by id and name.
        public var project: Slug, projectName: String
        /// Lighthouse or fellow.
        public var role: Role
    }

    /// One city.
    public struct Entry: Sendable, Equatable {
        /// The city, by id and name, and its country.
        public var city: Slug, name: String, country: String
        /// Lighthouse in any project, else fellow in any, else other.
        public var tier: Tier
        /// Its roles, by project id.
        public var projects: [Membership]
        /// Where it lies; nil when the record does not say.
        public var location: CityLocation?
    }

    /// The cities, by id.
    public var cities: [Entry]
}

extension CityList: JSONValueView {
    /// `{"cities":[{"city","name","country","tier","projects":["project:role"]}],"project_names":{id:name}}`.
    var json: JSONValue {
        var projectNames = JSONObject()
        let items: [JSONValue] = cities.map { entry in
            for membership in entry.projects {
                projectNames[membership.project.rawValue] = .string(membership.projectName)
            }
            return [
                "city": .string(entry.city.rawValue), "name": .string(entry.name), "country": .string(entry.country),
                "tier": .choice(entry.tier),
                "projects": .array(entry.projects.map { .string("\($0.project.rawValue):\($0.role.rawValue)") }),
                "lat": .number(entry.location?.lat), "lon": .number(entry.location?.lon),
            ]
        }
        return ["cities": .array(items), "project_names": .object(projectNames)]
    }
}

extension ReadModels {
    /// Every project with its dates, state and number of lighthouse and fellow cities, by id.
    func projectList(in tables: borrowing some KeyValueReader & ~Copyable) throws -> ProjectList {
        var list: [ProjectList.Entry] = []
        for (project, row) in try tables.entries(of: projects) {
            var lighthouse = 0
            var fellow = 0
            try tables.scan(roles, prefix: Key.prefix(project)) { key, value in
                if try Row(stored: value, in: roles, key: key).string(Column.role) == Role.lighthouse.rawValue {
                    lighthouse += 1
                } else {
                    fellow += 1
                }
                return true
            }
            list.append(
                .init(
                    project: project,
                    name: row.string("name") ?? project.rawValue,
                    start: row.string("start"),
                    end: row.string("end"),
                    isEnded: row[Column.ended] != nil,
                    lighthouseCities: lighthouse,
                    fellowCities: fellow
                )
            )
        }
        return ProjectList(projects: list)
    }

    /// Every city with its country, tier and projects, by id.
    func cityList(in tables: borrowing some KeyValueReader & ~Copyable) throws -> CityList {
        var list: [CityList.Entry] = []
        var projectNames: [Slug: String] = [:]
        for (city, row) in try tables.entries(of: cities) {
            var memberships: [CityList.Membership] = []
            for (project, role) in try roles(of: city, in: tables) {
                let name: String
                if let known = projectNames[project] {
                    name = known
                } else {
                    name = try projectName(project, in: tables)
                    projectNames[project] = name
                }
                memberships.append(.init(project: project, projectName: name, role: role))
            }
            list.append(
                .init(
                    city: city,
                    name: row.string("name") ?? city.rawValue,
                    country: row.string("country") ?? "",
                    tier: try tier(of: city, in: tables),
                    projects: memberships,
                    location: try location(of: city, in: tables)
                )
            )
        }
        return CityList(cities: list)
    }
}
