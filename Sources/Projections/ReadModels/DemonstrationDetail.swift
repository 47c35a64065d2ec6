import EventStore

/// What the record says about one demonstration: the solution, the city and the project, the impact reports, and
/// the events it rests on.
public struct DemonstrationDetail: Sendable, Equatable, JSONValueView {
    /// One impact report of the demonstration.
    public struct Impact: Sendable, Equatable {
        /// The indicator.
        public var kpi: KPI
        /// The value reported.
        public var value: JSONNumber
        /// When it was reported (`at`) and the position of its ImpactReported.
        public var at: String, position: Position
        /// Whether it is the indicator's current report (a later report of the same indicator replaces it).
        public var isCurrent: Bool

        var json: JSONValue {
            [
                "kpi": .string(kpi.rawValue), "value": .number(value), "at": .string(at),
                "position": .position(position),
                "current": .bool(isCurrent),
            ]
        }
    }

    /// The demonstration, by id, and its name: "SOLUTION NAME in CITY NAME".
    public var demonstration: Slug, name: String
    /// The solution demonstrated, by id and name.
    public var solution: Slug, solutionName: String
    /// The city it was demonstrated in, by id and name.
    public var city: Slug, cityName: String
    /// The project it was demonstrated in, if any, by id and name.
    public var project: Slug?, projectName: String?
    /// When it was reported (`at`) and the position of its DemonstrationReported.
    public var at: String, position: Position
    /// Its impact reports inside the cut, by indicator, each indicator's in log order.
    public var impacts: [Impact]
    /// The events it rests on: those naming it, and their retractions, in log order.
    public var events: [EventReference]

    /// `{"demonstration","name","solution","solution_name","city","city_name","project","project_name","at",
    /// "position","impacts":[{"kpi","value","at","position","current"}],"events":[…]}`.
    var json: JSONValue {
        [
            "demonstration": .string(demonstration.rawValue), "name": .string(name),
            "solution": .string(solution.rawValue), "solution_name": .string(solutionName),
            "city": .string(city.rawValue), "city_name": .string(cityName), "project": .slug(project),
            "project_name": .text(projectName), "at": .string(at), "position": .position(position),
            "impacts": .array(impacts.map(\.json)), "events": .events(events),
        ]
    }
}

extension KnowledgeBase {
    /// One demonstration with its impact reports and the events it rests on; throws ``NotFound`` when it is not
    /// reported inside the cut.
    public func demonstration(_ demonstration: Slug, at cut: ViewCut = ViewCut()) throws -> DemonstrationDetail {
        func query(
            _ models: ReadModels,
            _ tables: borrowing some KeyValueReader & ~Copyable
        ) throws
            -> DemonstrationDetail
        {
            try models.demonstrationDetail(demonstration, in: tables)
        }
        var detail = try view(at: cut, reading: ViewTables.demonstration, live: query, memory: query)
        detail.events = try history(of: demonstration, until: cut.until, asOf: cut.asOf).map(EventReference.init)
        return detail
    }
}

extension ViewTables {
    /// One demonstration and its impact reports.
    static var demonstration: Tables { [\.demonstrations, \.impacts] + names }
}

extension ReadModels {
    func demonstrationDetail(
        _ demonstration: Slug,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> DemonstrationDetail {
        guard let row = try tables.row(Key.of(demonstration), in: demonstrations), let solution = row.slug("solution"),
            let city = row.slug("city"), let position = row.position(Column.position)
        else { throw NotFound(kind: "demonstration", id: demonstration.rawValue, reason: "is not reported") }
        var impacts: [DemonstrationDetail.Impact] = []
        try tables.scan(self.impacts, prefix: Key.prefix(demonstration)) { key, value in
            let parts = Key.parts(UnsafeRawBufferPointer(rebasing: key.dropLast(8)))
            guard parts.count == 3, let kpi = KPI(rawValue: parts[1]) else { return true }
            let row = try Row(stored: value, in: self.impacts, key: key)
            guard let number = row.number(Column.value), let position = row.position(Column.position) else {
                throw RowDamage(table: self.impacts.name, key: key, reason: "it holds no value or position")
            }
            if let last = impacts.last, last.kpi == kpi { impacts[impacts.count - 1].isCurrent = false }
            impacts.append(
                .init(kpi: kpi, value: number, at: row.string(Column.at) ?? "", position: position, isCurrent: true)
            )
            return true
        }
        let solutionName = try self.solutionName(solution, in: tables)
        let cityName = try self.cityName(city, in: tables)
        let project = row.slug("project")
        return DemonstrationDetail(
            demonstration: demonstration,
            name: "\(solutionName) in \(cityName)",
            solution: solution,
            solutionName: solutionName,
            city: city,
            cityName: cityName,
            project: project,
            projectName: try projectName(ifGiven: project, in: tables),
            at: row.string(Column.at) ?? "",
            position: position,
            impacts: impacts,
            events: []
        )
    }
}
