import EventStore

/// An event that takes a solution from one city to another: a plan or a replication.
protocol Replicating {
    var solution: Slug { get }
    var city: Slug { get }
    var from: Slug { get }
    var project: Slug? { get }
}

extension ReplicationPlanned: Replicating {}
extension SolutionReplicated: Replicating {}

/// A city plans to take over a solution from another city.
public struct ReplicationPlanned: EventData {
    /// The event type, `ReplicationPlanned`.
    public static let type = EventType.replicationPlanned
    /// The solution to take over, by id.
    public var solution: Slug
    /// The city that plans to take it over, by id.
    public var city: Slug
    /// The city it is to come from, by id: one that has demonstrated or adopted it.
    public var from: Slug
    /// The project under which it is planned, by id, if any.
    public var project: Slug?

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        solution = try fields.slug("solution")
        city = try fields.slug("city")
        from = try fields.slug("from")
        project = try fields.optionalSlug("project")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("solution", solution)
        fields.slug("city", city)
        fields.slug("from", from)
        fields.slug("project", project)
    }

    /// The solution and both cities, and the project if any.
    public var entities: [Slug] { [solution, city, from] + (project.map { [$0] } ?? []) }
}

/// A city has taken over a solution from another city.
public struct SolutionReplicated: EventData {
    /// The event type, `SolutionReplicated`.
    public static let type = EventType.solutionReplicated
    /// The solution taken over, by id.
    public var solution: Slug
    /// The city that has taken it over, by id.
    public var city: Slug
    /// The city it came from, by id: one that has demonstrated or adopted it.
    public var from: Slug
    /// The project under which it happened, by id, if any.
    public var project: Slug?
    /// How the replication was paid for, if given.
    public var funding: Funding?

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        solution = try fields.slug("solution")
        city = try fields.slug("city")
        from = try fields.slug("from")
        project = try fields.optionalSlug("project")
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

    /// The solution and both cities, and the project if any.
    public var entities: [Slug] { [solution, city, from] + (project.map { [$0] } ?? []) }
}

/// A grant is awarded to a city to replicate an already proven solution.
public struct GrantAwarded: EventData {
    /// The event type, `GrantAwarded`.
    public static let type = EventType.grantAwarded
    /// The grant's id, new to the record.
    public var grant: Slug
    /// The programme that awards it.
    public var programme: Programme
    /// The city that receives it, by id.
    public var city: Slug
    /// The solution it replicates, by id: one demonstrated somewhere already.
    public var solution: Slug
    /// The amount awarded, in EUR (the field `amount_eur`).
    public var amount: JSONNumber

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        grant = try fields.slug("grant")
        programme = try fields.choice("programme")
        city = try fields.slug("city")
        solution = try fields.slug("solution")
        amount = try fields.number("amount_eur")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("grant", grant)
        fields.choice("programme", programme)
        fields.slug("city", city)
        fields.slug("solution", solution)
        fields.number("amount_eur", amount)
    }

    /// The grant, the city and the solution.
    public var entities: [Slug] { [grant, city, solution] }
}

/// An earlier event is withdrawn from every view; it stays in the log, marked.
public struct EventRetracted: EventData {
    /// The event type, `EventRetracted`.
    public static let type = EventType.eventRetracted
    /// The position of the event withdrawn: not itself a retraction, and not retracted yet.
    public var position: Position
    /// Why the event is withdrawn: non-empty, at most 1000 Unicode scalars.
    public var reason: String

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        position = try fields.position("position")
        reason = try fields.name("reason", maximumLength: 1000)
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.position("position", position)
        fields.text("reason", reason)
    }

    /// None: a retraction names a position, not an entity.
    public var entities: [Slug] { [] }
}
