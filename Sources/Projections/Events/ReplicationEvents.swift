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
