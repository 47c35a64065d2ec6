import EventStore

/// How far one solution has spread: where it was demonstrated, adopted and planned.
public struct SolutionSpread: Sendable, Equatable {
    /// The solution, by id.
    public var solution: Slug
    /// The solution's name.
    public var name: String
    /// The solution's area.
    public var area: Area
    /// The cities that demonstrated it, sorted by id.
    public var demonstratedIn: [Slug]
    /// The cities that replicated it, sorted by id.
    public var adoptedBy: [Slug]
    /// The cities with an open plan to replicate it, sorted by id.
    public var plannedBy: [Slug]
    /// Adoptions by a fellow-tier city from a lighthouse-tier city or from a project's lighthouse cities.
    public var lighthouseToFellow: Int
    /// Distinct cities that demonstrated or adopted it.
    public var reach: Int

    /// The JSON object `spread` prints for the solution.
    var json: JSONValue {
        [
            "solution": .string(solution.rawValue), "name": .string(name), "area": .string(area.rawValue),
            "demonstrated_in": .array(demonstratedIn.map { .string($0.rawValue) }),
            "adopted_by": .array(adoptedBy.map { .string($0.rawValue) }),
            "planned_by": .array(plannedBy.map { .string($0.rawValue) }),
            "lighthouse_to_fellow": Row.integer(lighthouseToFellow), "reach": Row.integer(reach),
        ]
    }
}

/// Per solution: where demonstrated, where adopted, where planned; sorted by reach, then id; with the names of the
/// cities the lists mention.
public struct SpreadReport: Sendable, Equatable {
    /// The solutions, by reach (descending), then id.
    public var solutions: [SolutionSpread]
    /// The name of every city the solutions' lists mention, by id.
    public var cityNames: [Slug: String]

    /// The name of `city`; its id when the report does not mention it.
    public func name(of city: Slug) -> String { cityNames[city] ?? city.rawValue }
}

extension SpreadReport: JSONValueView {
    /// `{"solutions":[…],"city_names":{id:name}}`.
    var json: JSONValue {
        var names = JSONObject()
        for (city, name) in cityNames.sorted(by: { $0.key < $1.key }) { names[city.rawValue] = .string(name) }
        return ["solutions": .array(solutions.map(\.json)), "city_names": .object(names)]
    }
}

extension ReadModels {
    /// Every solution's spread, with the names of the cities it mentions.
    func spreadReport(area: Area?, in tables: borrowing some KeyValueReader & ~Copyable) throws -> SpreadReport {
        let solutions = try spread(area: area, in: tables)
        var names: [Slug: String] = [:]
        for solution in solutions {
            for city in solution.demonstratedIn + solution.adoptedBy + solution.plannedBy where names[city] == nil {
                names[city] = try cityName(city, in: tables)
            }
        }
        return SpreadReport(solutions: solutions, cityNames: names)
    }

    /// Every solution's spread, sorted by reach (descending), then id.
    func spread(area: Area?, in tables: borrowing some KeyValueReader & ~Copyable) throws -> [SolutionSpread] {
        var catalogue: [(Slug, String, Area)] = []
        try tables.scan(solutions, from: nil, reverse: false) { key, value in
            guard let solution = Key.slug(String(decoding: key, as: UTF8.self)) else { return true }
            let row = try Row(stored: value, in: solutions, key: key)
            guard let recordArea = row.string("area").flatMap(Area.init(rawValue:)) else { return true }
            if area == nil || area == recordArea {
                catalogue.append((solution, row.string("name") ?? "", recordArea))
            }
            return true
        }
        var result: [SolutionSpread] = []
        var tiers: [Slug: Tier] = [:]
        for (solution, name, solutionArea) in catalogue {
            result.append(try spread(of: solution, name: name, area: solutionArea, tiers: &tiers, in: tables))
        }
        return result.sorted { ($0.reach, $1.solution) > ($1.reach, $0.solution) }
    }

    /// One solution's spread; `tiers` caches the tiers of cities seen so far.
    func spread(
        of solution: Slug,
        name: String,
        area: Area,
        tiers: inout [Slug: Tier],
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> SolutionSpread {
        var demonstrated = Set<Slug>()
        var adopted: [(city: Slug, from: Slug?)] = []
        try tables.scan(adoptions, prefix: Key.prefix(solution)) { key, value in
            let parts = Key.parts(UnsafeRawBufferPointer(rebasing: key[..<(key.count - 8)]))
            guard parts.count >= 2, let city = Key.slug(parts[1]) else { return true }
            let row = try Row(stored: value, in: adoptions, key: key)
            if row.string(Column.how) == Adoption.demonstrated.rawValue {
                demonstrated.insert(city)
            } else if row.origin != nil {
                adopted.append((city, row.slug("from")))
            }
            return true
        }
        var planned = Set<Slug>()
        try tables.scan(plans, prefix: Key.prefix(solution)) { key, value in
            let plan = try Row(stored: value, in: plans, key: key)
            if plan.string(Column.status) == PlanStatus.open.rawValue, let city = plan.slug("city") {
                planned.insert(city)
            }
            return true
        }
        var lighthouseToFellow = 0
        for adoption in adopted {
            for city in [adoption.city, adoption.from].compactMap({ $0 }) where tiers[city] == nil {
                tiers[city] = try tier(of: city, in: tables)
            }
            let fromTier = adoption.from.map { tiers[$0] ?? .other } ?? .lighthouse
            if tiers[adoption.city] == .fellow && fromTier == .lighthouse { lighthouseToFellow += 1 }
        }
        let adopters = Set(adopted.map(\.city))
        return SolutionSpread(
            solution: solution,
            name: name,
            area: area,
            demonstratedIn: demonstrated.sorted(),
            adoptedBy: adopters.sorted(),
            plannedBy: planned.sorted(),
            lighthouseToFellow: lighthouseToFellow,
            reach: demonstrated.union(adopters).count
        )
    }
}
