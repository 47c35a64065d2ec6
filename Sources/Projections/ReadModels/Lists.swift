import EventStore

extension ReadModels {
    /// Every project with its dates, state and number of lighthouse and fellow cities, by id.
    func projectList(in state: borrowing some KeyValueReader & ~Copyable) throws -> JSONValue {
        let entries = try state.entries(of: projects)
        var list: [JSONValue] = []
        for (project, record) in entries {
            var lighthouse = 0
            var fellow = 0
            try state.scan(roles, prefix: Key.prefix(project)) { _, value in
                if Record(bytes: value)?.string(Row.role) == Role.lighthouse.rawValue {
                    lighthouse += 1
                } else {
                    fellow += 1
                }
                return true
            }
            list.append(
                [
                    "project": .string(project.rawValue), "name": record["name"] ?? .null,
                    "start": record["start"] ?? .null,
                    "end": record["end"] ?? .null, "ended": .bool(record[Row.ended] != nil),
                    "lighthouse_cities": Record.integer(lighthouse), "fellow_cities": Record.integer(fellow),
                ])
        }
        return ["projects": .array(list)]
    }

    /// Every city with its country, tier and projects, by id.
    func cityList(in state: borrowing some KeyValueReader & ~Copyable) throws -> JSONValue {
        let entries = try state.entries(of: cities)
        var list: [JSONValue] = []
        for (city, record) in entries {
            var memberships: [JSONValue] = []
            try state.scan(cityRoles, prefix: Key.prefix(city)) { key, value in
                let parts = Key.parts(key)
                if parts.count == 2, let role = Record(bytes: value)?.string(Row.role) {
                    memberships.append(.string("\(parts[1]):\(role)"))
                }
                return true
            }
            list.append(
                [
                    "city": .string(city.rawValue), "name": record["name"] ?? .null,
                    "country": record["country"] ?? .null,
                    "tier": .string(try tier(of: city, in: state).rawValue), "projects": .array(memberships),
                ])
        }
        return ["cities": .array(list)]
    }
}
