import EventStore

/// Impact totals over a scope: the maximum of each percentage KPI, the sum of each count KPI.
public struct ImpactTotals: Sendable, Equatable, JSONValueView {
    /// Each indicator's total; an indicator with no current report in scope is absent.
    public var totals: [KPI: JSONNumber]
    /// The number of demonstrations in scope, with or without reports.
    public var demonstrations: Int
    /// The figures published for exactly this scope; an indicator with none is absent.
    public var published: [KPI: JSONNumber] = [:]

    /// `{"totals":{…},"demonstrations":n,"published":{…}}`, the indicators in name order.
    var json: JSONValue {
        func object(_ figures: [KPI: JSONNumber]) -> JSONValue {
            var object = JSONObject()
            for (kpi, value) in figures.sorted(by: { $0.key < $1.key }) { object[kpi.rawValue] = .number(value) }
            return .object(object)
        }
        return [
            "totals": object(totals), "demonstrations": Row.integer(demonstrations), "published": object(published),
        ]
    }
}

extension ReadModels {
    func impactTotals(
        project: Slug?,
        city: Slug?,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws
        -> ImpactTotals
    {
        var result = try reportedTotals(project: project, city: city, in: tables)
        result.published = try publishedFigures(project: project, city: city, in: tables)
        return result
    }

    private func reportedTotals(
        project: Slug?,
        city: Slug?,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws
        -> ImpactTotals
    {
        if let project, let city {
            return try combinedTotals(project: project, city: city, in: tables)
        }
        let scope = city.map(Scope.city) ?? project.map(Scope.project) ?? Scope.everything
        var totals: [KPI: JSONNumber] = [:]
        for kpi in KPI.allCases {
            if kpi.isPercentage {
                let prefix = Key.of(scope, kpi.rawValue) + [0]
                if let last = try tables.last(in: kpiMaxima, prefix: prefix), last.key.count >= prefix.count + 8 {
                    let bits = last.key[prefix.count..<(prefix.count + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                    totals[kpi] = JSONNumber(validatedHundredths: Int64(bitPattern: bits ^ (1 << 63)))
                }
            } else if let sum = try sum(Key.of(scope, kpi.rawValue), in: tables) {
                totals[kpi] = JSONNumber(totalHundredths: sum.total)
            }
        }
        let count = try demonstrationCount(Array(scope.utf8), in: tables)
        return ImpactTotals(totals: totals, demonstrations: Int(count))
    }

    /// Totals for one city's demonstrations in one project, added up from their current reports.
    private func combinedTotals(
        project: Slug,
        city: Slug,
        in tables: borrowing some KeyValueReader & ~Copyable
    )
        throws -> ImpactTotals
    {
        var chosen: [Slug] = []
        try tables.scan(demonstrationsByCity, prefix: Key.prefix(city)) { key, _ in
            let parts = Key.parts(key)
            if parts.count == 2, let demonstration = Key.slug(parts[1]) { chosen.append(demonstration) }
            return true
        }
        var totals: [KPI: JSONNumber] = [:]
        var count = 0
        for demonstration in chosen {
            guard try tables.row(Key.of(demonstration), in: demonstrations)?.slug("project") == project else {
                continue
            }
            count += 1
            for kpi in KPI.allCases {
                let prefix = Key.of(demonstration.rawValue, kpi.rawValue) + [0]
                guard let last = try tables.last(in: impacts, prefix: prefix) else { continue }
                let row = try last.value.withUnsafeBytes { try Row(stored: $0, in: impacts, key: last.key) }
                guard let value = row.number(Column.value) else {
                    throw RowDamage(table: impacts.name, key: last.key, reason: "it holds no value")
                }
                let current = totals[kpi]?.exactHundredths
                totals[kpi] = JSONNumber(
                    totalHundredths: kpi.isPercentage
                        ? max(current ?? 0, value.exactHundredths) : (current ?? 0) + value.exactHundredths
                )
            }
        }
        return ImpactTotals(totals: totals, demonstrations: count)
    }
}

extension ReadModels {
    /// Impact totals inside `window`, computed from the rows of demonstrations, reports and published figures (each
    /// carries its event's position and `at`) and the window's restored events, without folding the log: the same
    /// answer as ``impactTotals(project:city:in:)`` on the fold of the log up to the cut.
    func impactTotals(
        project: Slug?,
        city: Slug?,
        within window: RowWindow,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> ImpactTotals {
        func inScope(_ demonstrationCity: Slug?, _ demonstrationProject: Slug?) -> Bool {
            demonstrationCity != nil && (city == nil || demonstrationCity == city)
                && (project == nil || demonstrationProject == project)
        }
        var chosen: [Slug] = []
        try tables.scan(demonstrations, from: nil, reverse: false) { key, value in
            let row = RowReader(value)
            if window.includes(row.position(), row.time), inScope(row.slug("city"), row.slug("project")),
                let demonstration = Key.slug(String(decoding: key, as: UTF8.self))
            {
                chosen.append(demonstration)
            }
            return true
        }
        var restoredReports: [Slug: [(kpi: KPI, position: Position, value: Int128)]] = [:]
        for event in window.restored {
            switch event.event.payload {
            case .demonstrationReported(let demonstration) where inScope(demonstration.city, demonstration.project):
                chosen.append(demonstration.demonstration)
            case .impactReported(let report):
                restoredReports[report.demonstration, default: []].append(
                    (report.kpi, event.position, report.value.exactHundredths)
                )
            default:
                break
            }
        }
        var totals: [KPI: Int128] = [:]
        for demonstration in chosen {
            // The last report of each indicator inside the window is the demonstration's current one.
            var current: [KPI: (position: Position, value: Int128)] = [:]
            let prefix = Key.prefix(demonstration)
            try tables.scan(impacts, prefix: prefix) { key, value in
                let row = RowReader(value)
                guard key.count > prefix.count + 9, let position = Key.position(key),
                    window.includes(position, row.time),
                    let kpi = KPI(rawValue: String(decoding: key[prefix.count..<(key.count - 9)], as: UTF8.self)),
                    let value = row.hundredths(Column.value)
                else { return true }
                if current[kpi].map({ $0.position < position }) ?? true { current[kpi] = (position, value) }
                return true
            }
            for report in restoredReports[demonstration] ?? [] {
                if current[report.kpi].map({ $0.position < report.position }) ?? true {
                    current[report.kpi] = (report.position, report.value)
                }
            }
            for (kpi, report) in current {
                let total = totals[kpi]
                totals[kpi] = kpi.isPercentage ? max(total ?? 0, report.value) : (total ?? 0) + report.value
            }
        }
        var result = ImpactTotals(
            totals: totals.mapValues(JSONNumber.init(totalHundredths:)),
            demonstrations: chosen.count
        )
        result.published = try publishedFigures(project: project, city: city, within: window, in: tables)
        return result
    }
}
