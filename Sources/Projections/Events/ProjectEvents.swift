import EventStore

/// A lighthouse project enters the record.
public struct ProjectRegistered: EventData {
    /// The event type, `ProjectRegistered`.
    public static let type = EventType.projectRegistered
    /// The project's id, new to the record.
    public var project: Slug
    /// The project's full name.
    public var name: String
    /// The funding call it was selected in, such as `SCC-01-2014`, if known.
    public var call: String?
    /// The project's first day, if known.
    public var start: CivilDate?
    /// The project's last day as planned, if known; never before `start`.
    /// The project ends in the record only with a ``ProjectEnded`` event.
    public var end: CivilDate?

    /// Reads the data, refusing an `end` before `start` and what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        project = try fields.slug("project")
        name = try fields.name("name")
        call = try fields.optionalName("call")
        start = try fields.optionalDate("start")
        end = try fields.optionalDate("end")
        if let start, let end, end < start {
            throw InputError("ProjectRegistered: field 'end': \(end) is before start \(start)")
        }
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("project", project)
        fields.text("name", name)
        fields.text("call", call)
        fields.date("start", start)
        fields.date("end", end)
    }

    /// The project.
    public var entities: [Slug] { [project] }
}

/// A project comes to its end.
public struct ProjectEnded: EventData {
    /// The event type, `ProjectEnded`.
    public static let type = EventType.projectEnded
    /// The project that ends, by id: registered and not ended yet.
    public var project: Slug

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        project = try fields.slug("project")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("project", project)
    }

    /// The project.
    public var entities: [Slug] { [project] }
}

/// A city enters the record.
public struct CityRegistered: EventData {
    /// The event type, `CityRegistered`.
    public static let type = EventType.cityRegistered
    /// The city's id, new to the record.
    public var city: Slug
    /// The city's name.
    public var name: String
    /// The city's country, as an ISO 3166-1 alpha-2 code such as `DE`.
    public var country: String

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        city = try fields.slug("city")
        name = try fields.name("name")
        country = try fields.country("country")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("city", city)
        fields.text("name", name)
        fields.text("country", country)
    }

    /// The city.
    public var entities: [Slug] { [city] }
}

/// A city becomes a lighthouse or fellow city of a project.
public struct CityJoinedProject: EventData {
    /// The event type, `CityJoinedProject`.
    public static let type = EventType.cityJoinedProject
    /// The city that joins, by id.
    public var city: Slug
    /// The project it joins, by id; a project that has not ended.
    public var project: Slug
    /// Whether it joins as a lighthouse or a fellow city.
    public var role: Role

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        city = try fields.slug("city")
        project = try fields.slug("project")
        role = try fields.choice("role")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("city", city)
        fields.slug("project", project)
        fields.choice("role", role)
    }

    /// The city and the project.
    public var entities: [Slug] { [city, project] }
}

/// A kind of solution enters the catalogue.
public struct SolutionCatalogued: EventData {
    /// The event type, `SolutionCatalogued`.
    public static let type = EventType.solutionCatalogued
    /// The solution's id, new to the record.
    public var solution: Slug
    /// The solution's name.
    public var name: String
    /// The area the solution belongs to.
    public var area: Area

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        solution = try fields.slug("solution")
        name = try fields.name("name")
        area = try fields.choice("area")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("solution", solution)
        fields.text("name", name)
        fields.choice("area", area)
    }

    /// The solution.
    public var entities: [Slug] { [solution] }
}

// MARK: Rules and fold

extension ProjectRegistered: Registration {
    var payload: Payload { .projectRegistered(self) }
    static let entity = "project"
    static var rows: KeyPath<ReadModels, Table> { \.projects }
    var id: Slug { project }

    /// A project's row carries its registration, and the end that ``ProjectEnded`` marks on it.
    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] {
        [models.projects: RowCarrier(.row, marks: [RowCarrier.Mark(position: Column.ended, at: Column.endedAt)])]
    }
}

extension ProjectEnded: ProjectedEvent {
    var payload: Payload { .projectEnded(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [FoldEffect(writes: [models.projects], reads: [models.projects])]
    }

    /// The project is registered, no later than the event, and has not ended.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        let row = try rule.known("project", project, tables.row(Key.of(project), in: models.projects))
        if let ended = row.position(Column.ended) {
            throw rule.violation("project '\(project)' already ended (position \(ended))")
        }
    }

    /// Marks the project's row ended, with the event's position and `at`.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        guard var row = try tables.row(Key.of(project), in: models.projects) else { return }
        row[Column.ended] = Row.position(event.position)
        row[Column.endedAt] = .string(event.at.text)
        try tables.put(row, forKey: Key.of(project), in: models.projects)
    }
}

extension CityRegistered: Registration {
    var payload: Payload { .cityRegistered(self) }
    static let entity = "city"
    static var rows: KeyPath<ReadModels, Table> { \.cities }
    var id: Slug { city }
}

extension CityJoinedProject: ProjectedEvent {
    var payload: Payload { .cityJoinedProject(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [FoldEffect(writes: [models.roles, models.cityRoles])]
    }

    /// A role's row carries its event; a city's role is found through the project's.
    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] {
        [models.roles: RowCarrier(.row), models.cityRoles: RowCarrier(.lookup(models.roles, RowCarrier.swapped))]
    }

    /// The city and the project are registered, no later than the event; the city is not in the project yet, and
    /// the project has not ended.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try rule.known("city", city, tables.stamp(Key.of(city), in: models.cities))
        let row = try rule.known("project", project, tables.row(Key.of(project), in: models.projects))
        if let existing = try tables.row(Key.of(project, city), in: models.roles) {
            throw rule.violation(
                "city '\(city)' is already in project '\(project)' as \(existing.string(Column.role) ?? "?")"
                    + " (position \(existing.positionText))"
            )
        }
        if let ended = row.position(Column.ended) {
            throw rule.violation("project '\(project)' has ended (position \(ended))")
        }
    }

    /// project ‖ city → the role, with position and `at`; city ‖ project → the role.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.put(
            event.row([Column.role: .string(role.rawValue)]),
            forKey: Key.of(project, city),
            in: models.roles
        )
        try tables.put(Row([Column.role: .string(role.rawValue)]), forKey: Key.of(city, project), in: models.cityRoles)
    }
}

extension SolutionCatalogued: Registration {
    var payload: Payload { .solutionCatalogued(self) }
    static let entity = "solution"
    static var rows: KeyPath<ReadModels, Table> { \.solutions }
    var id: Slug { solution }
}

extension ReadModels {
    /// Requires that `city` is in `project`, joined no later than the event.
    func requireRole(
        of city: Slug,
        in project: Slug,
        _ context: RuleContext,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws {
        guard let role = try tables.row(Key.of(project, city), in: roles) else {
            throw context.violation("city '\(city)' is not in project '\(project)'")
        }
        try context.notBefore(role, "city '\(city)' joining project '\(project)'")
    }

    /// Requires that the city and the project an event names (either may be absent) are registered no later than
    /// the event, and that a city named with a project is in it.
    func requirePlace(
        city: Slug?,
        project: Slug?,
        _ rule: RuleContext,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws {
        if let city {
            try rule.known("city", city, tables.stamp(Key.of(city), in: cities))
        }
        if let project {
            try rule.known("project", project, tables.stamp(Key.of(project), in: projects))
        }
        if let city, let project {
            try requireRole(of: city, in: project, rule, in: tables)
        }
    }

    /// The lighthouse cities of `project`, by id.
    func lighthouseCities(of project: Slug, in tables: borrowing some KeyValueReader & ~Copyable) throws -> [Slug] {
        var cities: [Slug] = []
        try tables.scan(roles, prefix: Key.prefix(project)) { key, value in
            let parts = Key.parts(key)
            if parts.count == 2, let city = Key.slug(parts[1]),
                try Row(stored: value, in: roles, key: key).string(Column.role) == Role.lighthouse.rawValue
            {
                cities.append(city)
            }
            return true
        }
        return cities
    }
}
