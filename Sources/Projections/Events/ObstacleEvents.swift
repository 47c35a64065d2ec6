import EventStore

/// The categories of obstacles to replication, after the Smart City Guidance Package's common obstacles.
public enum ObstacleCategory: String, Vocabulary {
    case legislative, procurement, financial, technical
    case dataPrivacy = "data-privacy"
    case organisational, social
}

/// Something stood in the way of a solution's replication or implementation, somewhere.
public struct ObstacleReported: EventData {
    /// The event type, `ObstacleReported`.
    public static let type = EventType.obstacleReported
    /// The obstacle's id, new to the record.
    public var obstacle: Slug
    /// What kind of obstacle it is.
    public var category: ObstacleCategory
    /// The obstacle in words: 1 to 500 Unicode scalars.
    public var text: String
    /// The solution it stood in the way of, by id, if any.
    public var solution: Slug?
    /// The city where it arose, by id, if any.
    public var city: Slug?
    /// The project in which it arose, by id, if any.
    public var project: Slug?

    /// The longest text allowed, in Unicode scalars.
    public static let maximumTextLength = 500

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        obstacle = try fields.slug("obstacle")
        category = try fields.choice("category")
        text = try fields.name("text", maximumLength: Self.maximumTextLength)
        solution = try fields.optionalSlug("solution")
        city = try fields.optionalSlug("city")
        project = try fields.optionalSlug("project")
        guard solution != nil || city != nil || project != nil else {
            throw InputError("ObstacleReported: at least one of 'solution', 'city' and 'project' is required")
        }
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("obstacle", obstacle)
        fields.choice("category", category)
        fields.text("text", text)
        fields.slug("solution", solution)
        fields.slug("city", city)
        fields.slug("project", project)
    }

    /// The obstacle, and the solution, city and project it names.
    public var entities: [Slug] { [obstacle] + [solution, city, project].compactMap { $0 } }
}

/// A reported obstacle was overcome; `how` records the pathway that worked.
public struct ObstacleOvercome: EventData {
    /// The event type, `ObstacleOvercome`.
    public static let type = EventType.obstacleOvercome
    /// The obstacle, by id: reported and not yet overcome.
    public var obstacle: Slug
    /// How it was overcome: 1 to 500 Unicode scalars.
    public var how: String

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        obstacle = try fields.slug("obstacle")
        how = try fields.name("how", maximumLength: ObstacleReported.maximumTextLength)
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("obstacle", obstacle)
        fields.text("how", how)
    }

    /// The obstacle.
    public var entities: [Slug] { [obstacle] }
}

// MARK: Rules, fold and withdrawal

extension ObstacleReported: ProjectedEvent {
    var payload: Payload { .obstacleReported(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [FoldEffect(writes: [models.obstacles, models.obstaclesByEntity])]
    }

    /// An obstacle's row carries its event, and how ``ObstacleOvercome`` marks it overcome; an entity's entry leads
    /// to it.
    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] {
        let overcoming = RowCarrier.Mark(
            position: OvercomeColumn.position,
            at: OvercomeColumn.at,
            before: [(OvercomeColumn.how, nil)]
        )
        return [
            models.obstacles: RowCarrier(.row, marks: [overcoming]),
            models.obstaclesByEntity: RowCarrier(.lookup(models.obstacles, RowCarrier.valueKey)),
        ]
    }

    /// A new id; each entity named is registered and no later than the event; a city named with a project is in it.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try rule.new("obstacle", obstacle, tables.row(Key.of(obstacle), in: models.obstacles))
        if let solution {
            try rule.known("solution", solution, tables.stamp(Key.of(solution), in: models.solutions))
        }
        try models.requirePlace(city: city, project: project, rule, in: tables)
    }

    /// The obstacle's row, and an entry under each entity it names, in log order.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.put(event.row(object), forKey: Key.of(obstacle), in: models.obstacles)
        for (kind, entity) in [("solution", solution), ("city", city), ("project", project)] {
            guard let entity else { continue }
            try tables.put(
                Array(obstacle.rawValue.utf8),
                forKey: Key.of(kind, entity.rawValue) + [0] + event.position.key,
                in: models.obstaclesByEntity
            )
        }
    }
}

/// Fields an ObstacleOvercome adds to the obstacle's row.
enum OvercomeColumn {
    static let how = "how"
    static let at = "overcome_at"
    static let position = "overcome_position"
}

extension ObstacleOvercome: ProjectedEvent {
    var payload: Payload { .obstacleOvercome(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [FoldEffect(writes: [models.obstacles], reads: [models.obstacles])]
    }

    /// A leaf: nothing can depend on an obstacle being overcome.
    static var isLeaf: Bool { true }

    /// The obstacle is reported, no later than the event, and not yet overcome.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        guard let reported = try tables.row(Key.of(obstacle), in: models.obstacles) else {
            throw rule.violation("obstacle '\(obstacle)' has not been reported")
        }
        try rule.notBefore(reported, "the report of obstacle '\(obstacle)'")
        if let overcome = reported.position(OvercomeColumn.position) {
            throw rule.violation("obstacle '\(obstacle)' is already overcome (position \(overcome))")
        }
    }

    /// Adds how, when and at which position to the obstacle's row.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        guard var row = try tables.row(Key.of(obstacle), in: models.obstacles) else { return }
        row[OvercomeColumn.how] = .string(how)
        row[OvercomeColumn.at] = .string(event.at.text)
        row[OvercomeColumn.position] = Row.position(event.position)
        try tables.put(row, forKey: Key.of(obstacle), in: models.obstacles)
    }

    /// Takes the three fields off the obstacle's row again.
    func withdraw(
        _ event: StoredEvent,
        _ models: ReadModels,
        from tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        guard var row = try tables.row(Key.of(obstacle), in: models.obstacles) else { return }
        for key in [OvercomeColumn.how, OvercomeColumn.at, OvercomeColumn.position] { row[key] = nil }
        try tables.put(row, forKey: Key.of(obstacle), in: models.obstacles)
    }
}

// MARK: The view

/// One obstacle as `obstacles` and the profiles list it.
public struct ObstacleEntry: Sendable, Equatable {
    /// The obstacle, by id.
    public var obstacle: Slug
    /// Its category.
    public var category: ObstacleCategory
    /// The obstacle in words.
    public var text: String
    /// The solution, city and project it names, by id, where given.
    public var solution: Slug?, city: Slug?, project: Slug?
    /// The names of the solution, city and project it names, where given.
    public var solutionName: String?, cityName: String?, projectName: String?
    /// When it was met (`at` of its report) and the report's position.
    public var at: String
    /// The position of its ObstacleReported event.
    public var position: Position
    /// How it was overcome, when, and the position of that event; nil while it is open.
    public var overcome: (how: String, at: String, position: Position)?

    /// An obstacle as listed; open unless `overcome` is given.
    public init(
        obstacle: Slug,
        category: ObstacleCategory,
        text: String,
        solution: Slug?,
        city: Slug?,
        project: Slug?,
        at: String,
        position: Position,
        overcome: (how: String, at: String, position: Position)? = nil
    ) {
        self.obstacle = obstacle
        self.category = category
        self.text = text
        self.solution = solution
        self.city = city
        self.project = project
        self.at = at
        self.position = position
        self.overcome = overcome
    }

    /// `{"obstacle","category","text","solution","city","project","at","position","overcome":{…}|null}`, with
    /// `solution_name`, `city_name` and `project_name` beside the ids.
    var json: JSONValue {
        [
            "obstacle": .string(obstacle.rawValue), "category": .string(category.rawValue), "text": .string(text),
            "solution": .slug(solution), "city": .slug(city), "project": .slug(project),
            "solution_name": .text(solutionName), "city_name": .text(cityName), "project_name": .text(projectName),
            "at": .string(at), "position": Row.position(position),
            "overcome": overcome.map {
                ["how": .string($0.how), "at": .string($0.at), "position": Row.position($0.position)]
            } ?? .null,
        ]
    }

    /// Two entries are equal when they list the same.
    public static func == (left: ObstacleEntry, right: ObstacleEntry) -> Bool {
        left.json == right.json
    }
}

/// Which obstacles `obstacles` lists.
public struct ObstacleFilter: Sendable {
    /// Only obstacles naming this solution, city or project, when given.
    public var solution: Slug?, city: Slug?, project: Slug?
    /// Only obstacles of this category, when given.
    public var category: ObstacleCategory?
    /// Only obstacles not yet overcome.
    public var openOnly: Bool

    /// A filter; the defaults list every obstacle.
    public init(
        solution: Slug? = nil,
        city: Slug? = nil,
        project: Slug? = nil,
        category: ObstacleCategory? = nil,
        openOnly: Bool = false
    ) {
        self.solution = solution
        self.city = city
        self.project = project
        self.category = category
        self.openOnly = openOnly
    }
}

/// Obstacles in log order, with counts by category.
public struct ObstacleReport: Sendable, Equatable, JSONValueView {
    /// The obstacles listed, in log order.
    public var obstacles: [ObstacleEntry]

    /// Reported and overcome counts of the listed obstacles, for every category.
    public var byCategory: [(category: ObstacleCategory, reported: Int, overcome: Int)] {
        ObstacleCategory.allCases.map { category in
            let listed = obstacles.filter { $0.category == category }
            return (category, listed.count, listed.filter { $0.overcome != nil }.count)
        }
    }

    /// `{"obstacles":[…],"by_category":{category:{"reported":n,"overcome":n}}}`.
    var json: JSONValue {
        var counts = JSONObject()
        for entry in byCategory {
            counts[entry.category.rawValue] = [
                "reported": Row.integer(entry.reported), "overcome": Row.integer(entry.overcome),
            ]
        }
        return ["obstacles": .array(obstacles.map(\.json)), "by_category": .object(counts)]
    }
}

extension ReadModels {
    /// The obstacles `filter` selects, in log order.
    func obstacleReport(
        _ filter: ObstacleFilter,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws
        -> ObstacleReport
    {
        var ids: [Slug] = []
        let narrowest = [("solution", filter.solution), ("city", filter.city), ("project", filter.project)]
            .first { $0.1 != nil }
        if let (kind, entity) = narrowest, let entity {
            try tables.scan(obstaclesByEntity, prefix: Key.of(kind, entity.rawValue) + [0]) { _, value in
                if let id = Key.slug(String(decoding: value, as: UTF8.self)) { ids.append(id) }
                return true
            }
        } else {
            ids = try tables.entries(of: obstacles).map(\.0)
        }
        var listed: [ObstacleEntry] = []
        for id in ids {
            guard let row = try tables.row(Key.of(id), in: obstacles), let entry = ObstacleEntry(id, row) else {
                continue
            }
            if let solution = filter.solution, entry.solution != solution { continue }
            if let city = filter.city, entry.city != city { continue }
            if let project = filter.project, entry.project != project { continue }
            if let category = filter.category, entry.category != category { continue }
            if filter.openOnly && entry.overcome != nil { continue }
            listed.append(try named(entry, in: tables))
        }
        return ObstacleReport(obstacles: listed.sorted { $0.position < $1.position })
    }

    /// `entry` with the names of the solution, city and project it names.
    func named(_ entry: ObstacleEntry, in tables: borrowing some KeyValueReader & ~Copyable) throws -> ObstacleEntry {
        var named = entry
        named.solutionName = try entry.solution.map { try solutionName($0, in: tables) }
        named.cityName = try cityName(ifGiven: entry.city, in: tables)
        named.projectName = try projectName(ifGiven: entry.project, in: tables)
        return named
    }
}

extension ObstacleEntry {
    init?(_ id: Slug, _ row: Row) {
        guard let category = row.string("category").flatMap(ObstacleCategory.init(rawValue:)),
            let text = row.string("text"), let position = row.position(Column.position)
        else { return nil }
        self.init(
            obstacle: id,
            category: category,
            text: text,
            solution: row.slug("solution"),
            city: row.slug("city"),
            project: row.slug("project"),
            at: row.string(Column.at) ?? "",
            position: position
        )
        if let how = row.string(OvercomeColumn.how), let overcomePosition = row.position(OvercomeColumn.position) {
            overcome = (how, row.string(OvercomeColumn.at) ?? "", overcomePosition)
        }
    }
}
