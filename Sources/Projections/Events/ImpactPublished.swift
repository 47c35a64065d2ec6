import EventStore

/// A figure published for a project, a city, a city within a project, or (with neither) the whole community.
///
/// Published figures stand beside the totals that demonstration reports add up to, so that a reader sees how much
/// of a headline claim the reports back. A later figure for the same scope and indicator replaces the earlier.
public struct ImpactPublished: EventData {
    /// The event type, `ImpactPublished`.
    public static let type = EventType.impactPublished
    /// The indicator published.
    public var kpi: KPI
    /// The published value in the indicator's unit: at least 0, and at most 100 for a percentage.
    public var value: JSONNumber
    /// The project it was published for, by id, if any.
    public var project: Slug?
    /// The city it was published for, by id, if any (with a project: that city's figure in that project).
    public var city: Slug?

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        kpi = try fields.choice("kpi")
        value = try fields.number("value")
        project = try fields.optionalSlug("project")
        city = try fields.optionalSlug("city")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.choice("kpi", kpi)
        fields.number("value", value)
        fields.slug("project", project)
        fields.slug("city", city)
    }

    /// The project and the city, where given.
    public var entities: [Slug] { [project, city].compactMap { $0 } }

    /// The scope the figure belongs to.
    var scope: String { Scope.published(project: project, city: city) }
}

extension Scope {
    /// The scope of a published figure: the community, a project, a city, or a city within a project.
    static func published(project: Slug?, city: Slug?) -> String {
        switch (project, city) {
        case (let project?, let city?): Scope.project(project) + "/" + Scope.city(city)
        case (let project?, nil): Scope.project(project)
        case (nil, let city?): Scope.city(city)
        case (nil, nil): Scope.everything
        }
    }
}

// MARK: Rules, fold and withdrawal

extension ReadModels {
    /// The rules of ImpactPublished: a value at least 0 (at most 100 for a percentage); each entity named is
    /// registered and no later than the event; a city named with a project is in it.
    func check(
        _ data: ImpactPublished,
        _ context: RuleContext,
        in state: borrowing some KeyValueReader & ~Copyable
    )
        throws
    {
        try checkImpactValue(data.value, of: data.kpi, context)
        if let project = data.project {
            try context.known("project", project, state.record(Key.of(project), in: projects))
        }
        if let city = data.city {
            try context.known("city", city, state.record(Key.of(city), in: cities))
        }
        if let project = data.project, let city = data.city {
            try requireRole(of: city, in: project, context, in: state)
        }
    }

    /// A reported or published value: at least 0, and at most 100 for a percentage.
    func checkImpactValue(_ value: JSONNumber, of kpi: KPI, _ context: RuleContext) throws {
        if value.exactHundredths < 0 {
            throw context.violation("value \(value) of \(kpi.rawValue) is negative")
        }
        if kpi.isPercentage && value.exactHundredths > 100_00 {
            throw context.violation("value \(value) of \(kpi.rawValue) is a percentage above 100")
        }
    }

    /// Folds an ImpactPublished: scope ‖ kpi ‖ position → the figure; the last entry of a scope and kpi is current.
    func apply(
        _ data: ImpactPublished,
        _ row: Record,
        at position: Position,
        to state: borrowing some KeyValueWriter & ~Copyable
    )
        throws
    {
        try state.put(row, forKey: Key.of(data.scope, data.kpi.rawValue) + [0] + position.key, in: published)
    }

    /// Undoes ``apply(_:_:at:to:)``: the earlier figure of the same scope, if any, becomes current again.
    func withdraw(
        _ data: ImpactPublished,
        at position: Position,
        from state: borrowing some KeyValueWriter & ~Copyable
    )
        throws
    {
        try state.removeValue(forKey: Key.of(data.scope, data.kpi.rawValue) + [0] + position.key, in: published)
    }

    /// The current published figure of every indicator that has one in exactly this scope.
    func publishedFigures(
        project: Slug?,
        city: Slug?,
        in state: borrowing some KeyValueReader & ~Copyable
    ) throws
        -> [KPI: JSONNumber]
    {
        let scope = Scope.published(project: project, city: city)
        var figures: [KPI: JSONNumber] = [:]
        for kpi in KPI.allCases {
            let last = try state.last(in: published, prefix: Key.of(scope, kpi.rawValue) + [0])
            if let value = last.flatMap({ Record(bytes: $0.value) })?.number("value") { figures[kpi] = value }
        }
        return figures
    }
}
