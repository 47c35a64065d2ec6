import EventStore

/// Where a replication or a plan takes its solution from.
///
/// A city when the source names one; else a project, standing for that project's lighthouse cities as a group
/// (fellow cities' plans usually say "from the lighthouse cities"). A project and one of its lighthouse cities are two
/// origins.
public enum Origin: Sendable, Hashable, CustomStringConvertible {
    /// One city, by id.
    case city(Slug)
    /// The lighthouse cities of a project, by the project's id.
    case project(Slug)

    /// The origin as one key part: a city's id, or `project:` and the project's id (a slug never holds a colon).
    var keyPart: String {
        switch self {
        case .city(let city): city.rawValue
        case .project(let project): "project:" + project.rawValue
        }
    }

    /// Reads a key part written by ``keyPart``.
    init?(keyPart: some StringProtocol) {
        if keyPart.hasPrefix("project:") {
            guard let project = Slug(rawValue: String(keyPart.dropFirst(8))) else { return nil }
            self = .project(project)
        } else {
            guard let city = Slug(rawValue: String(keyPart)) else { return nil }
            self = .city(city)
        }
    }

    /// `'leipzig'`, or `the lighthouse cities of 'triangulum'`, for messages.
    public var description: String {
        switch self {
        case .city(let city): "'\(city)'"
        case .project(let project): "the lighthouse cities of '\(project)'"
        }
    }
}

/// An event that takes a solution to a city from an origin: a plan or a replication.
protocol Replicating {
    var solution: Slug { get }
    var city: Slug { get }
    var origin: Origin { get }
    var project: Slug? { get }
    var from: Slug? { get }
}

extension Origin {
    /// The origin city, when the origin is one city.
    public var city: Slug? {
        if case .city(let city) = self { city } else { nil }
    }
}

extension ReplicationPlanned: Replicating {}
extension SolutionReplicated: Replicating {}

extension FieldReader {
    /// Reads `from` and `project`: the origin is `from` when given, else the project's lighthouse cities.
    mutating func origin() throws(InputError) -> (Origin, Slug?) {
        let from = try optionalSlug("from")
        let project = try optionalSlug("project")
        if let from { return (.city(from), project) }
        guard let project else {
            throw InputError(
                "\(type.rawValue): 'from' or 'project' is required (the origin: a city, or the lighthouse cities of a"
                    + " project)"
            )
        }
        return (.project(project), project)
    }
}

/// A city plans to take over a solution from a city or from a project's lighthouse cities.
public struct ReplicationPlanned: EventData {
    /// The event type, `ReplicationPlanned`.
    public static let type = EventType.replicationPlanned
    /// The solution to take over, by id.
    public var solution: Slug
    /// The city that plans to take it over, by id.
    public var city: Slug
    /// Where it is to come from: the `from` city, else the lighthouse cities of `project`.
    public var origin: Origin
    /// The project under which it is planned, by id, if any (the origin when no `from` is given).
    public var project: Slug?
    /// The origin city, when the origin is one city.
    public var from: Slug? { origin.city }

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        solution = try fields.slug("solution")
        city = try fields.slug("city")
        (origin, project) = try fields.origin()
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("solution", solution)
        fields.slug("city", city)
        fields.slug("from", from)
        fields.slug("project", project)
    }

    /// The solution, the city, the origin city if any, and the project if any.
    public var entities: [Slug] { [solution, city] + [from, project].compactMap { $0 } }
}

/// A city has taken over a solution from a city or from a project's lighthouse cities.
public struct SolutionReplicated: EventData {
    /// The event type, `SolutionReplicated`.
    public static let type = EventType.solutionReplicated
    /// The solution taken over, by id.
    public var solution: Slug
    /// The city that has taken it over, by id.
    public var city: Slug
    /// Where it came from: the `from` city, else the lighthouse cities of `project`.
    public var origin: Origin
    /// The project under which it happened, by id, if any (the origin when no `from` is given).
    public var project: Slug?
    /// The origin city, when the origin is one city.
    public var from: Slug? { origin.city }
    /// How the replication was paid for, if given.
    public var funding: Funding?

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        solution = try fields.slug("solution")
        city = try fields.slug("city")
        (origin, project) = try fields.origin()
        funding = try fields.optionalChoice("funding")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("solution", solution)
        fields.slug("city", city)
        fields.slug("from", from)
        fields.slug("project", project)
        fields.choice("funding", funding)
    }

    /// The solution, the city, the origin city if any, and the project if any.
    public var entities: [Slug] { [solution, city] + [from, project].compactMap { $0 } }
}

/// The status of a plan, as its row in the plans table says (the field `status`).
public enum PlanStatus: String, Sendable {
    /// Not yet followed by a replication of the solution to the city.
    case open
    /// The city replicated the solution from the planned origin.
    case fulfilled
    /// The city replicated the solution from another origin.
    case closed
}

/// Whether a replication came into a city or went out of it, as its entry in the replications-by-city table says
/// (the field `direction`).
enum Direction: String {
    case `in`, out
}

// MARK: Rules and fold

extension Replicating {
    /// The rules a plan and a replication share: the solution and the cities registered, no later than the event;
    /// `city` is another city, without the solution; the origin has it, no later than the event.
    func checkReplication(
        _ rule: RuleContext,
        _ models: ReadModels,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws {
        try rule.known("solution", solution, tables.stamp(Key.of(solution), in: models.solutions))
        try rule.known("city", city, tables.stamp(Key.of(city), in: models.cities))
        if let from {
            try rule.known("city", from, tables.stamp(Key.of(from), in: models.cities), field: "from")
            if city == from {
                throw rule.violation("city '\(city)' cannot replicate a solution from itself")
            }
        }
        if let project {
            try rule.known("project", project, tables.stamp(Key.of(project), in: models.projects))
        }
        // The target first, so that a lighthouse city of a project origin that holds the solution itself is told so,
        // not that no other lighthouse city of the project has it.
        var existing: Row?
        try tables.scan(models.adoptions, prefix: Key.of(solution, city) + [0]) { key, value in
            existing = try Row(stored: value, in: models.adoptions, key: key)
            return false
        }
        if let existing {
            let how = existing.string(Column.how) ?? Adoption.adopted.rawValue
            throw rule.violation(
                "city '\(city)' has already \(how) '\(solution)'"
                    + " (position \(existing.positionText))"
            )
        }
        let holders: [Slug]
        switch origin {
        case .city(let from):
            holders = [from]
        case .project(let project):
            holders = try models.lighthouseCities(of: project, in: tables)
            guard !holders.isEmpty else {
                throw rule.violation("project '\(project)' has no lighthouse city to take '\(solution)' from")
            }
        }
        // The origin's earliest holding dated no later than the event serves; else the first at all, to name it.
        var source: Row?
        var servesInTime = false
        for holder in holders where holder != city {
            try tables.scan(models.adoptions, prefix: Key.of(solution, holder) + [0]) { key, value in
                let adoption = try Row(stored: value, in: models.adoptions, key: key)
                if source == nil { source = adoption }
                if let time = adoption.time, !rule.event.at.isBefore(time) {
                    source = adoption
                    servesInTime = true
                    return false
                }
                return true
            }
            if servesInTime { break }
        }
        guard let source else {
            switch origin {
            case .city(let from):
                throw rule.violation("city '\(from)' has neither demonstrated nor adopted '\(solution)'")
            case .project(let project):
                throw rule.violation(
                    "no lighthouse city of project '\(project)' has demonstrated or adopted '\(solution)'"
                )
            }
        }
        try rule.notBefore(source, "\(origin) having '\(solution)'")
    }
}

extension ReplicationPlanned: ProjectedEvent {
    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [FoldEffect(writes: [models.plans, models.openPlans, models.plansByCity])]
    }

    /// A plan's row carries its event, and the closing that ``SolutionReplicated`` marks on it (which also puts
    /// its status back to open before the cut); a city's entry leads to the plan.
    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] {
        let closing = RowCarrier.Mark(
            position: Column.closedBy,
            at: Column.closedAt,
            before: [(Column.status, .string(PlanStatus.open.rawValue))]
        )
        return [
            models.plans: RowCarrier(.row, marks: [closing]),
            models.plansByCity: RowCarrier(.lookup(models.plans, RowCarrier.valueKey)),
        ]
    }

    var payload: Payload { .replicationPlanned(self) }

    /// The rules every replication follows, and no open plan of the city for the solution from the same origin.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try checkReplication(rule, models, in: tables)
        if let plan = try tables.row(Key.plan(solution, city, origin), in: models.plans),
            plan.string(Column.status) == PlanStatus.open.rawValue
        {
            throw rule.violation(
                "city '\(city)' already has an open plan for '\(solution)' from \(origin)"
                    + " (position \(plan.positionText))"
            )
        }
    }

    /// solution ‖ city ‖ origin → the plan, open; position → its key while open; city ‖ position → its key, for the
    /// city and the origin city.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        let key = Key.plan(solution, city, origin)
        try tables.put(
            event.row(object.adding(Column.status, .string(PlanStatus.open.rawValue))),
            forKey: key,
            in: models.plans
        )
        try tables.put(key, forKey: event.position.key, in: models.openPlans)
        try tables.put(key, forKey: Key.prefix(city) + event.position.key, in: models.plansByCity)
        if let from {
            try tables.put(key, forKey: Key.prefix(from) + event.position.key, in: models.plansByCity)
        }
    }
}

extension SolutionReplicated: ProjectedEvent {
    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [
            FoldEffect(
                writes: [
                    models.adoptions, models.replications, models.replicationsByCity, models.replicationsBySolution,
                ]
            ),
            FoldEffect(writes: [models.plans, models.openPlans], reads: [models.plans]),
            models.holdingEffect,
        ]
    }

    /// A replication's key carries its event; the indexes lead to it.
    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] {
        let row = RowCarrier.PositionPlace.lookup(models.replications, RowCarrier.keyPosition)
        return [
            models.replications: RowCarrier(.key),
            models.replicationsByCity: RowCarrier(row),
            models.replicationsBySolution: RowCarrier(row),
        ]
    }

    var payload: Payload { .solutionReplicated(self) }

    /// The rules every replication follows.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try checkReplication(rule, models, in: tables)
    }

    /// The city's adoption of the solution, counted among its holders and adopters; the edge, in log order, under the city (in), the origin city (out)
    /// and the solution; the city's open plans for the solution close, fulfilled where the origin is the planned one.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        var adoption = event.row([Column.how: .string(Adoption.adopted.rawValue)])
        switch origin {
        case .city(let from): adoption["from"] = .string(from.rawValue)
        case .project(let project): adoption["project"] = .string(project.rawValue)
        }
        try models.countHolding(of: solution, by: city, .adopted, in: tables)
        try tables.put(adoption, forKey: Key.of(solution, city) + [0] + event.position.key, in: models.adoptions)
        try tables.put(event.row(object), forKey: event.position.key, in: models.replications)
        try tables.put(
            Row([Column.direction: .string(Direction.in.rawValue)]),
            forKey: Key.prefix(city) + event.position.key,
            in: models.replicationsByCity
        )
        if let from {
            try tables.put(
                Row([Column.direction: .string(Direction.out.rawValue)]),
                forKey: Key.prefix(from) + event.position.key,
                in: models.replicationsByCity
            )
        }
        try tables.put([], forKey: Key.prefix(solution) + event.position.key, in: models.replicationsBySolution)
        try closePlans(by: event, models, in: tables)
    }

    private func closePlans(
        by event: StoredEvent,
        _ models: ReadModels,
        in tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        var closing: [([UInt8], Row)] = []
        try tables.scan(models.plans, prefix: Key.of(solution, city) + [0]) { key, value in
            let plan = try Row(stored: value, in: models.plans, key: key)
            if plan.string(Column.status) == PlanStatus.open.rawValue {
                closing.append((Array(key), plan))
            }
            return true
        }
        for (key, var plan) in closing {
            plan[Column.status] = .string((plan.origin == origin ? PlanStatus.fulfilled : .closed).rawValue)
            plan[Column.closedBy] = Row.position(event.position)
            plan[Column.closedAt] = .string(event.at.text)
            try tables.put(plan, forKey: key, in: models.plans)
            if let opened = plan.position(Column.position) {
                try tables.removeValue(forKey: opened.key, in: models.openPlans)
            }
        }
    }
}

extension JSONObject {
    func adding(_ key: String, _ value: JSONValue) -> JSONObject {
        var copy = self
        copy[key] = value
        return copy
    }
}
