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

extension ImpactPublished: ProjectedEvent {
    var payload: Payload { .impactPublished(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] { [FoldEffect(writes: [models.published])] }

    /// A leaf: no rule relies on a published figure.
    static var isLeaf: Bool { true }

    /// The key of the figure published by the event at `position`: scope ‖ kpi ‖ position.
    private func key(at position: Position) -> [UInt8] {
        Key.of(scope, kpi.rawValue) + [0] + position.key
    }

    /// A value at least 0 (at most 100 for a percentage); each entity named is registered and no later than the
    /// event; a city named with a project is in it.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try rule.impactValue(value, of: kpi)
        try models.requirePlace(city: city, project: project, rule, in: tables)
    }

    /// scope ‖ kpi ‖ position → the figure; the last entry of a scope and kpi is current.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.put(event.row([Column.value: .number(value)]), forKey: key(at: event.position), in: models.published)
    }

    /// The earlier figure of the same scope, if any, becomes current again.
    func withdraw(
        _ event: StoredEvent,
        _ models: ReadModels,
        from tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.removeValue(forKey: key(at: event.position), in: models.published)
    }
}

extension RuleContext {
    /// A reported or published value: at least 0, and at most 100 for a percentage.
    func impactValue(_ value: JSONNumber, of kpi: KPI) throws {
        if value.exactHundredths < 0 {
            throw violation("value \(value) of \(kpi.rawValue) is negative")
        }
        if kpi.isPercentage && value.exactHundredths > 100_00 {
            throw violation("value \(value) of \(kpi.rawValue) is a percentage above 100")
        }
    }
}

extension ReadModels {
    /// The current published figure of every indicator that has one in exactly this scope.
    func publishedFigures(
        project: Slug?,
        city: Slug?,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws
        -> [KPI: JSONNumber]
    {
        let scope = Scope.published(project: project, city: city)
        var figures: [KPI: JSONNumber] = [:]
        for kpi in KPI.allCases {
            let last = try tables.last(in: published, prefix: Key.of(scope, kpi.rawValue) + [0])
            if let last,
                let value = try last.value.withUnsafeBytes({
                    try Row(stored: $0, in: published, key: last.key)
                }).number(Column.value)
            {
                figures[kpi] = value
            }
        }
        return figures
    }
}

extension ReadModels {
    /// The published figure of every indicator that has one in exactly this scope inside `window`: the last
    /// figure inside it, from the rows or the window's restored events.
    func publishedFigures(
        project: Slug?,
        city: Slug?,
        within window: RowWindow,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> [KPI: JSONNumber] {
        let scope = Scope.published(project: project, city: city)
        var figures: [KPI: (position: Position, value: JSONNumber)] = [:]
        for kpi in KPI.allCases {
            let prefix = Key.of(scope, kpi.rawValue) + [0]
            try tables.scan(published, from: prefix + [UInt8](repeating: 0xFF, count: 8), reverse: true) { key, row in
                guard key.starts(with: prefix) else { return false }
                let row = RowReader(row)
                guard let position = Key.position(key), window.includes(position, row.time) else { return true }
                if let value = row.number(Column.value) { figures[kpi] = (position, value) }
                return false
            }
        }
        for event in window.restored {
            guard case .impactPublished(let figure) = event.event.payload, figure.project == project,
                figure.city == city, figures[figure.kpi].map({ $0.position < event.position }) ?? true
            else { continue }
            figures[figure.kpi] = (event.position, figure.value)
        }
        return figures.mapValues(\.value)
    }
}
