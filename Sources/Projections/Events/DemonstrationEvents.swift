import EventStore

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
