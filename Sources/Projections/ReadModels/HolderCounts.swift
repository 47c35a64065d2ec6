import EventStore

/// How many cities hold a solution, and how many adopted it by replication: the figures `spread` counts from the
/// adoptions table, kept per solution as the fold adds holdings, so that `next` ranks every candidate without
/// reading every holding.
struct HolderCount: Equatable, Sendable {
    /// Distinct cities that demonstrated or adopted the solution.
    var reach = 0
    /// Distinct cities that adopted it by replication.
    var adoptions = 0

    init(reach: Int = 0, adoptions: Int = 0) {
        self.reach = reach
        self.adoptions = adoptions
    }

    init?(bytes: UnsafeRawBufferPointer) {
        let row = RowReader(bytes)
        guard let reach = row.number(Column.reach)?.integerValue,
            let adoptions = row.number(Column.adoptions)?.integerValue
        else { return nil }
        self.reach = Int(reach)
        self.adoptions = Int(adoptions)
    }

    var row: Row { Row([Column.reach: Row.integer(reach), Column.adoptions: Row.integer(adoptions)]) }
}

extension ReadModels {
    /// Counts the holding of `solution` by `city` that the fold is about to add to the adoptions table: the city
    /// joins the solution's reach (and its country's holders) with its first holding, and its adoptions with its
    /// first adoption by replication. Called before the holding's own row is written.
    func countHolding(
        of solution: Slug,
        by city: Slug,
        _ how: Adoption,
        in tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        var holds = false
        var adopted = false
        try tables.scan(adoptions, prefix: Key.of(solution, city) + [0]) { _, value in
            holds = true
            adopted = RowReader(value).string(Column.how) == Adoption.adopted.rawValue
            return !adopted
        }
        let joinsAdopters = how == .adopted && !adopted
        guard !holds || joinsAdopters else { return }
        var count = try holderCount(of: solution, in: tables) ?? HolderCount()
        if !holds { count.reach += 1 }
        if joinsAdopters { count.adoptions += 1 }
        try tables.put(count.row, forKey: Key.of(solution), in: holderCounts)
        guard !holds, let country = try tables.row(Key.of(city), in: cities)?.string("country") else { return }
        let key = Key.of(country, solution.rawValue)
        let holders = try tables.withValue(forKey: key, in: countryHolders) { RowCodec.count($0) } ?? nil
        try tables.put(RowCodec.count((holders ?? 0) + 1), forKey: key, in: countryHolders)
    }

    /// The holder counts of `solution`, or nil while no city holds it.
    func holderCount(of solution: Slug, in tables: borrowing some KeyValueReader & ~Copyable) throws -> HolderCount? {
        try tables.withValue(forKey: Key.of(solution), in: holderCounts) { HolderCount(bytes: $0) } ?? nil
    }
}

extension ReadModels {
    /// What counting a solution's holders does, for the types that make a city hold one
    /// (``DemonstrationReported``, ``SolutionReplicated``): it writes the counts from the adoptions, the counts
    /// themselves and the holder's country.
    var holdingEffect: FoldEffect {
        FoldEffect(writes: [holderCounts, countryHolders], reads: [adoptions, holderCounts, countryHolders, cities])
    }
}
