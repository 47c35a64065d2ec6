import EventStore

extension ReadModels {
    /// A city's name; its id when the record has no name for it.
    func cityName(_ city: Slug, in tables: borrowing some KeyValueReader & ~Copyable) throws -> String {
        try tables.row(Key.of(city), in: cities)?.string("name") ?? city.rawValue
    }

    /// A project's name; its id when the record has no name for it.
    func projectName(_ project: Slug, in tables: borrowing some KeyValueReader & ~Copyable) throws -> String {
        try tables.row(Key.of(project), in: projects)?.string("name") ?? project.rawValue
    }

    /// A solution's name; its id when the record has no name for it.
    func solutionName(_ solution: Slug, in tables: borrowing some KeyValueReader & ~Copyable) throws -> String {
        try tables.row(Key.of(solution), in: solutions)?.string("name") ?? solution.rawValue
    }

    /// The name of a city that may be absent.
    func cityName(ifGiven city: Slug?, in tables: borrowing some KeyValueReader & ~Copyable) throws -> String? {
        guard let city else { return nil }
        return try cityName(city, in: tables)
    }

    /// The name of a project that may be absent.
    func projectName(ifGiven project: Slug?, in tables: borrowing some KeyValueReader & ~Copyable) throws -> String? {
        guard let project else { return nil }
        return try projectName(project, in: tables)
    }

    /// A city's roles, by project id: the projects it joined and as what.
    func roles(
        of city: Slug,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> [(project: Slug, role: Role)] {
        var found: [(project: Slug, role: Role)] = []
        try tables.scan(cityRoles, prefix: Key.prefix(city)) { key, value in
            let parts = Key.parts(key)
            if parts.count == 2, let project = Key.slug(parts[1]),
                let role = try Row(stored: value, in: cityRoles, key: key).string(Column.role)
                    .flatMap(Role.init(rawValue:))
            {
                found.append((project, role))
            }
            return true
        }
        return found
    }
}
