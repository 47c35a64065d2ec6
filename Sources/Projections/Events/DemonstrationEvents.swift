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

/// How a city came to have a solution, as its entry in the adoptions table says (the field `how`).
enum Adoption: String {
    /// It demonstrated the solution (DemonstrationReported).
    case demonstrated
    /// It took the solution over (SolutionReplicated).
    case adopted
}

// MARK: Rules, fold and withdrawal

extension DemonstrationReported: ProjectedEvent {
    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [
            FoldEffect(
                writes: [
                    models.demonstrations, models.adoptions, models.demonstrationsByCity,
                    models.demonstrationsBySolution, models.demonstrationsByProject,
                ]
            ),
            FoldEffect(writes: [models.demonstrationCounts], reads: [models.demonstrationCounts]),
            models.holdingEffect,
        ]
    }

    /// A demonstration's row carries its event, and so does an adoption's key (``SolutionReplicated`` writes
    /// adoptions too); the indexes lead to the row.
    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] {
        let row = RowCarrier.PositionPlace.lookup(models.demonstrations, RowCarrier.lastPart)
        return [
            models.demonstrations: RowCarrier(.row),
            models.adoptions: RowCarrier(.key),
            models.demonstrationsByCity: RowCarrier(row),
            models.demonstrationsBySolution: RowCarrier(row),
            models.demonstrationsByProject: RowCarrier(row),
        ]
    }

    var payload: Payload { .demonstrationReported(self) }

    /// A new demonstration id; the solution, the city and any project registered, no later than the event; a city
    /// named with a project is in it.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try rule.new("demonstration", demonstration, tables.row(Key.of(demonstration), in: models.demonstrations))
        try rule.known("solution", solution, tables.stamp(Key.of(solution), in: models.solutions))
        try models.requirePlace(city: city, project: project, rule, in: tables)
    }

    /// The demonstration's row; the city's adoption of the solution, counted among its holders; the indexes by city, solution and project;
    /// one more demonstration in each scope.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.put(event.row(object), forKey: Key.of(demonstration), in: models.demonstrations)
        try models.countHolding(of: solution, by: city, .demonstrated, in: tables)
        try tables.put(
            event.row([
                Column.how: .string(Adoption.demonstrated.rawValue), "demonstration": .string(demonstration.rawValue),
            ]),
            forKey: Key.of(solution, city) + [0] + event.position.key,
            in: models.adoptions
        )
        try tables.put([], forKey: Key.of(city, demonstration), in: models.demonstrationsByCity)
        try tables.put([], forKey: Key.of(solution, demonstration), in: models.demonstrationsBySolution)
        if let project {
            try tables.put([], forKey: Key.of(project, demonstration), in: models.demonstrationsByProject)
        }
        for scope in Scope.all(city: city, project: project) {
            let key = Array(scope.utf8)
            let count = try models.demonstrationCount(key, in: tables)
            try tables.put(RowCodec.count(count + 1), forKey: key, in: models.demonstrationCounts)
        }
    }
}

extension ImpactReported: ProjectedEvent {
    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [
            FoldEffect(writes: [models.impacts]),
            FoldEffect(
                writes: [models.kpiMaxima, models.kpiSums],
                reads: [models.impacts, models.demonstrations, models.kpiSums]
            ),
        ]
    }

    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] { [models.impacts: RowCarrier(.key)] }

    var payload: Payload { .impactReported(self) }

    /// A leaf: no rule relies on a reported impact.
    static var isLeaf: Bool { true }

    /// demonstration ‖ kpi ‖ 0: the prefix of this demonstration's reports of this indicator, in log order.
    private var prefix: [UInt8] { Key.of(demonstration.rawValue, kpi.rawValue) + [0] }

    /// The demonstration is reported, no later than the event; the value is at least 0, at most 100 for a
    /// percentage.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try rule.known("demonstration", demonstration, tables.stamp(Key.of(demonstration), in: models.demonstrations))
        try rule.impactValue(value, of: kpi)
    }

    /// demonstration ‖ kpi ‖ position → the value; the value replaces the demonstration's earlier one of the
    /// indicator in the sums (or maxima, for a percentage) of its scopes.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        let previous = try models.currentImpact(prefix, in: tables)
        try tables.put(
            event.row([Column.value: .number(value)]),
            forKey: prefix + event.position.key,
            in: models.impacts
        )
        guard let (city, project) = try models.place(of: demonstration, in: tables) else { return }
        for scope in Scope.all(city: city, project: project) {
            if kpi.isPercentage {
                if let previous {
                    try tables.removeValue(
                        forKey: Scope.maximumKey(scope, kpi, previous, demonstration),
                        in: models.kpiMaxima
                    )
                }
                try tables.put([], forKey: Scope.maximumKey(scope, kpi, value, demonstration), in: models.kpiMaxima)
            } else {
                try models.adjustSum(
                    scope,
                    kpi,
                    by: value.exactHundredths - (previous?.exactHundredths ?? 0),
                    reports: previous == nil ? 1 : 0,
                    in: tables
                )
            }
        }
    }

    /// Removes the report; when it was the current one, the one before (if any) counts again.
    func withdraw(
        _ event: StoredEvent,
        _ models: ReadModels,
        from tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        let current = try tables.last(in: models.impacts, prefix: prefix)
        try tables.removeValue(forKey: prefix + event.position.key, in: models.impacts)
        // Only the current (last) report counts; withdrawing an older one changes no total.
        guard let current, current.key == prefix + event.position.key else { return }
        let previous = try models.currentImpact(prefix, in: tables)
        guard let (city, project) = try models.place(of: demonstration, in: tables) else { return }
        for scope in Scope.all(city: city, project: project) {
            if kpi.isPercentage {
                try tables.removeValue(forKey: Scope.maximumKey(scope, kpi, value, demonstration), in: models.kpiMaxima)
                if let previous {
                    try tables.put(
                        [],
                        forKey: Scope.maximumKey(scope, kpi, previous, demonstration),
                        in: models.kpiMaxima
                    )
                }
            } else {
                try models.adjustSum(
                    scope,
                    kpi,
                    by: (previous?.exactHundredths ?? 0) - value.exactHundredths,
                    reports: previous == nil ? -1 : 0,
                    in: tables
                )
            }
        }
    }
}

extension ReadModels {
    /// Changes the sum of a summed KPI over a scope, with the number of demonstrations that report it; the entry
    /// exists exactly while at least one does, so an incremental change and a rebuild leave the same table.
    func adjustSum(
        _ scope: String,
        _ kpi: KPI,
        by change: Int128,
        reports: Int,
        in tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        let key = Key.of(scope, kpi.rawValue)
        let current = try sum(key, in: tables)
        let count = (current?.reports ?? 0) + reports
        guard count > 0 else {
            try tables.removeValue(forKey: key, in: kpiSums)
            return
        }
        try tables.put(RowCodec.sum(total: (current?.total ?? 0) + change, reports: count), forKey: key, in: kpiSums)
    }

    /// The sum of a summed KPI over a scope (`scope ‖ kpi`), with the number of demonstrations that report it.
    func sum(
        _ key: [UInt8],
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> (total: Int128, reports: Int)? {
        try tables.withValue(forKey: key, in: kpiSums) { bytes in
            if let sum = RowCodec.sum(bytes) { return sum }
            // A row of an older format, until the read models are rebuilt.
            let row = try Row(stored: bytes, in: kpiSums, key: key)
            guard let total = row.total(Column.value) else {
                throw RowDamage(table: kpiSums.name, key: key, reason: "it holds no sum")
            }
            return (total, Int(row.number(Column.reports)?.integerValue ?? 0))
        } ?? nil
    }

    /// The number of demonstrations of a scope.
    func demonstrationCount(_ key: [UInt8], in tables: borrowing some KeyValueReader & ~Copyable) throws -> Int {
        let count = try tables.withValue(forKey: key, in: demonstrationCounts) { bytes -> Int in
            if let count = RowCodec.count(bytes) { return count }
            // A row of an older format, until the read models are rebuilt.
            guard
                let count = try Row(stored: bytes, in: demonstrationCounts, key: key).number(Column.count)?
                    .integerValue
            else { throw RowDamage(table: demonstrationCounts.name, key: key, reason: "it holds no count") }
            return Int(count)
        }
        return count ?? 0
    }

    /// The value of the current (last) report under `prefix` (demonstration ‖ kpi ‖ 0) in `impacts`.
    func currentImpact(_ prefix: [UInt8], in tables: borrowing some KeyValueReader & ~Copyable) throws -> JSONNumber? {
        var value: JSONNumber?
        try tables.scan(impacts, from: prefix + [UInt8](repeating: 0xFF, count: 8), reverse: true) { key, row in
            if key.starts(with: prefix) { value = RowReader(row).number(Column.value) }
            return false
        }
        return value
    }

    /// The city and the project (if any) of a reported demonstration.
    func place(
        of demonstration: Slug,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> (city: Slug, project: Slug?)? {
        try tables.withRow(Key.of(demonstration), in: demonstrations) { row in
            row.slug("city").map { ($0, row.slug("project")) }
        } ?? nil
    }

    /// The first demonstration of `solution` in the log dated no later than `time`, else the first at all.
    func firstDemonstration(
        of solution: Slug,
        notAfter time: ValidTime,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> Row? {
        var found: Row?
        try tables.scan(demonstrationsBySolution, prefix: Key.prefix(solution)) { key, _ in
            let parts = Key.parts(key)
            guard parts.count == 2, let demonstration = Key.slug(parts[1]),
                let row = try tables.row(Key.of(demonstration), in: demonstrations)
            else { return true }
            if found == nil { found = row }
            if let at = row.time, !time.isBefore(at) {
                found = row
                return false
            }
            return true
        }
        return found
    }
}

/// The scopes over which impacts and demonstrations add up: everything, one city, one project.
enum Scope {
    static let everything = "*"

    static func city(_ city: Slug) -> String { "city:" + city.rawValue }
    static func project(_ project: Slug) -> String { "project:" + project.rawValue }

    static func all(city: Slug, project: Slug?) -> [String] {
        [everything, Scope.city(city)] + (project.map { [Scope.project($0)] } ?? [])
    }

    /// scope ‖ kpi ‖ 0 ‖ value (8 bytes, ordered) ‖ demonstration: the last key of a scope and kpi is its maximum.
    static func maximumKey(_ scope: String, _ kpi: KPI, _ value: JSONNumber, _ demonstration: Slug) -> [UInt8] {
        Key.of(scope, kpi.rawValue) + [0] + BigEndian.bytes(UInt64(bitPattern: value.hundredths) ^ (1 << 63))
            + Array(demonstration.rawValue.utf8)
    }
}
