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

/// A city demonstrates a solution, in a project or on its own.
public struct DemonstrationReported: EventData {
    /// The event type, `DemonstrationReported`.
    public static let type = EventType.demonstrationReported
    /// The demonstration's id, new to the record.
    public var demonstration: Slug
    /// The solution demonstrated, by id.
    public var solution: Slug
    /// The city that demonstrates it, by id.
    public var city: Slug
    /// The project the demonstration belongs to, by id; nil when the city demonstrates on its own.
    public var project: Slug?

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        demonstration = try fields.slug("demonstration")
        solution = try fields.slug("solution")
        city = try fields.slug("city")
        project = try fields.optionalSlug("project")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("demonstration", demonstration)
        fields.slug("solution", solution)
        fields.slug("city", city)
        fields.slug("project", project)
    }

    /// The demonstration, the solution and the city, and the project if any.
    public var entities: [Slug] { [demonstration, solution, city] + (project.map { [$0] } ?? []) }
}

/// A demonstration's measured impact on one indicator.
public struct ImpactReported: EventData {
    /// The event type, `ImpactReported`.
    public static let type = EventType.impactReported
    /// The demonstration measured, by id.
    public var demonstration: Slug
    /// The indicator measured.
    public var kpi: KPI
    /// The measured value in the indicator's unit (percent, square metres or a count): at least 0, and at most
    /// 100 for a percentage. A later report of the same indicator for the same demonstration replaces it.
    public var value: JSONNumber

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        demonstration = try fields.slug("demonstration")
        kpi = try fields.choice("kpi")
        value = try fields.number("value")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("demonstration", demonstration)
        fields.choice("kpi", kpi)
        fields.number("value", value)
    }

    /// The demonstration.
    public var entities: [Slug] { [demonstration] }
}
