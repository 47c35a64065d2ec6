import EventStore

/// A city plans to take over a solution from another city.
public struct ReplicationPlanned: EventData {
    public static let type = EventType.replicationPlanned
    public var solution: Slug
    public var city: Slug
    public var from: Slug
    public var project: Slug?

    public init(reading fields: inout FieldReader) throws(InputError) {
        solution = try fields.slug("solution")
        city = try fields.slug("city")
        from = try fields.slug("from")
        project = try fields.optionalSlug("project")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("solution", solution)
        fields.slug("city", city)
        fields.slug("from", from)
        fields.slug("project", project)
    }

    public var entities: [Slug] { [solution, city, from] + (project.map { [$0] } ?? []) }
}

/// A city has taken over a solution from another city.
public struct SolutionReplicated: EventData {
    public static let type = EventType.solutionReplicated
    public var solution: Slug
    public var city: Slug
    public var from: Slug
    public var project: Slug?
    public var funding: Funding?

    public init(reading fields: inout FieldReader) throws(InputError) {
        solution = try fields.slug("solution")
        city = try fields.slug("city")
        from = try fields.slug("from")
        project = try fields.optionalSlug("project")
        funding = try fields.optionalChoice("funding")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("solution", solution)
        fields.slug("city", city)
        fields.slug("from", from)
        fields.slug("project", project)
        fields.choice("funding", funding)
    }

    public var entities: [Slug] { [solution, city, from] + (project.map { [$0] } ?? []) }
}

/// A grant is awarded to a city to replicate an already proven solution.
public struct GrantAwarded: EventData {
    public static let type = EventType.grantAwarded
    public var grant: Slug
    public var programme: Programme
    public var city: Slug
    public var solution: Slug
    public var amount: JSONNumber

    public init(reading fields: inout FieldReader) throws(InputError) {
        grant = try fields.slug("grant")
        programme = try fields.choice("programme")
        city = try fields.slug("city")
        solution = try fields.slug("solution")
        amount = try fields.number("amount_eur")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("grant", grant)
        fields.choice("programme", programme)
        fields.slug("city", city)
        fields.slug("solution", solution)
        fields.number("amount_eur", amount)
    }

    public var entities: [Slug] { [grant, city, solution] }
}

/// An earlier event is withdrawn from every view; it stays in the log, marked.
public struct EventRetracted: EventData {
    public static let type = EventType.eventRetracted
    public var position: Position
    public var reason: String

    public init(reading fields: inout FieldReader) throws(InputError) {
        position = try fields.position("position")
        reason = try fields.name("reason", maximumLength: 1000)
    }

    public func write(to fields: inout FieldWriter) {
        fields.position("position", position)
        fields.text("reason", reason)
    }

    public var entities: [Slug] { [] }
}
