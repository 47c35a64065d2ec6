import EventStore

/// A lighthouse project enters the record.
public struct ProjectRegistered: EventData {
    public static let type = EventType.projectRegistered
    public var project: Slug
    public var name: String
    public var call: String?
    public var start: CivilDate?
    public var end: CivilDate?

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

    public func write(to fields: inout FieldWriter) {
        fields.slug("project", project)
        fields.text("name", name)
        fields.text("call", call)
        fields.date("start", start)
        fields.date("end", end)
    }

    public var entities: [Slug] { [project] }
}

/// A project comes to its end.
public struct ProjectEnded: EventData {
    public static let type = EventType.projectEnded
    public var project: Slug

    public init(reading fields: inout FieldReader) throws(InputError) {
        project = try fields.slug("project")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("project", project)
    }

    public var entities: [Slug] { [project] }
}

/// A city enters the record.
public struct CityRegistered: EventData {
    public static let type = EventType.cityRegistered
    public var city: Slug
    public var name: String
    public var country: String

    public init(reading fields: inout FieldReader) throws(InputError) {
        city = try fields.slug("city")
        name = try fields.name("name")
        country = try fields.country("country")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("city", city)
        fields.text("name", name)
        fields.text("country", country)
    }

    public var entities: [Slug] { [city] }
}

/// A city becomes a lighthouse or fellow city of a project.
public struct CityJoinedProject: EventData {
    public static let type = EventType.cityJoinedProject
    public var city: Slug
    public var project: Slug
    public var role: Role

    public init(reading fields: inout FieldReader) throws(InputError) {
        city = try fields.slug("city")
        project = try fields.slug("project")
        role = try fields.choice("role")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("city", city)
        fields.slug("project", project)
        fields.choice("role", role)
    }

    public var entities: [Slug] { [city, project] }
}

/// A kind of solution enters the catalogue.
public struct SolutionCatalogued: EventData {
    public static let type = EventType.solutionCatalogued
    public var solution: Slug
    public var name: String
    public var area: Area

    public init(reading fields: inout FieldReader) throws(InputError) {
        solution = try fields.slug("solution")
        name = try fields.name("name")
        area = try fields.choice("area")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("solution", solution)
        fields.text("name", name)
        fields.choice("area", area)
    }

    public var entities: [Slug] { [solution] }
}

/// A city demonstrates a solution, in a project or on its own.
public struct DemonstrationReported: EventData {
    public static let type = EventType.demonstrationReported
    public var demonstration: Slug
    public var solution: Slug
    public var city: Slug
    public var project: Slug?

    public init(reading fields: inout FieldReader) throws(InputError) {
        demonstration = try fields.slug("demonstration")
        solution = try fields.slug("solution")
        city = try fields.slug("city")
        project = try fields.optionalSlug("project")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("demonstration", demonstration)
        fields.slug("solution", solution)
        fields.slug("city", city)
        fields.slug("project", project)
    }

    public var entities: [Slug] { [demonstration, solution, city] + (project.map { [$0] } ?? []) }
}

/// A demonstration's measured impact on one indicator.
public struct ImpactReported: EventData {
    public static let type = EventType.impactReported
    public var demonstration: Slug
    public var kpi: KPI
    public var value: JSONNumber

    public init(reading fields: inout FieldReader) throws(InputError) {
        demonstration = try fields.slug("demonstration")
        kpi = try fields.choice("kpi")
        value = try fields.number("value")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("demonstration", demonstration)
        fields.choice("kpi", kpi)
        fields.number("value", value)
    }

    public var entities: [Slug] { [demonstration] }
}
