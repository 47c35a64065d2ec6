import EventStore

/// What ranks a candidate, known from the holder counts without reading its holders.
struct NextStanding: Sendable {
    var solution: Slug
    var reasons: Int
    var count: HolderCount

    /// More reasons first, then more adoptions by replication, then more reach, then the solution id (ascending).
    static func precedes(_ left: NextStanding, _ right: NextStanding) -> Bool {
        (right.reasons, right.count.adoptions, right.count.reach, left.solution.rawValue)
            < (left.reasons, left.count.adoptions, left.count.reach, right.solution.rawValue)
    }
}

/// What `next` knows about the city asked about before it looks at any candidate.
struct NextContext {
    var city: Slug
    var country: String
    /// The lighthouse cities of the city's projects, each with the projects it is a lighthouse city of.
    var projectsOf: [Slug: [Slug]] = [:]
    var projectNames: [Slug: String] = [:]
    /// The positions of the city's open plans, by solution.
    var plans: [Slug: [Position]] = [:]

    var lighthouses: [Slug] { projectsOf.keys.sorted() }
}

/// What a candidate needs to know of a holder: name, country, tier and CCG membership.
typealias HolderFacts = (name: String, country: String, tier: Tier, isMember: Bool)

extension ReadModels {
    /// What `city` could take up next, from the tables: every candidate ranked, then the candidates of `page`
    /// detailed. With `countsKept` false (a store whose holder counts are not built yet) the ranking counts the
    /// holders from the adoptions table instead.
    func nextSteps(
        for city: Slug,
        page: NextPage,
        countsKept: Bool,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> NextSteps {
        guard let cityRow = try tables.row(Key.of(city), in: cities) else {
            throw NotFound(kind: "city", id: city.rawValue)
        }
        let context = try nextContext(city, country: cityRow.string("country") ?? "", in: tables)
        let ranked = try rankedCandidates(context, countsKept: countsKept, in: tables)
        let start = min(page.offset, ranked.count)
        let end = page.limit.map { min(ranked.count, start + $0) } ?? ranked.count
        var facts: [Slug: HolderFacts] = [:]
        var candidates: [NextSteps.Candidate] = []
        for index in start..<end {
            candidates.append(
                try candidate(ranked[index], rank: index + 1, context, holders: page.holders, facts: &facts, in: tables)
            )
        }
        return NextSteps(
            city: city,
            name: cityRow.string("name") ?? city.rawValue,
            total: ranked.count,
            candidates: candidates
        )
    }

    private func nextContext(
        _ city: Slug,
        country: String,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> NextContext {
        var context = NextContext(city: city, country: country)
        for project in try tables.ids(in: cityRoles, of: city) {
            context.projectNames[project] = try projectName(project, in: tables)
            for lighthouse in try lighthouseCities(of: project, in: tables) {
                context.projectsOf[lighthouse, default: []].append(project)
            }
        }
        var planPositions: [Position] = []
        try tables.scan(plansByCity, prefix: Key.prefix(city)) { key, _ in
            if let position = Key.position(key) { planPositions.append(position) }
            return true
        }
        for position in planPositions {
            guard let planKey = try tables.value(forKey: position.key, in: openPlans),
                let plan = try tables.row(planKey, in: plans), plan.slug("city") == city,
                let solution = plan.slug("solution")
            else { continue }
            context.plans[solution, default: []].append(position)
        }
        return context
    }

    /// Every candidate, best first, ranked from the holder counts: per held solution, whether the city, its
    /// projects' lighthouse cities and its country hold it.
    private func rankedCandidates(
        _ context: NextContext,
        countsKept: Bool,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> [NextStanding] {
        var counts: [(Slug, HolderCount)] = []
        var inCountry = Set<Slug>()
        if countsKept {
            try tables.scan(holderCounts, from: nil, reverse: false) { key, value in
                if let solution = Key.slug(String(decoding: key, as: UTF8.self)), let count = HolderCount(bytes: value)
                {
                    counts.append((solution, count))
                }
                return true
            }
            try tables.scan(countryHolders, prefix: Key.of(context.country) + [0]) { key, _ in
                let parts = Key.parts(key)
                if parts.count == 2, let solution = Key.slug(parts[1]) { inCountry.insert(solution) }
                return true
            }
        } else {
            (counts, inCountry) = try scannedHolderCounts(country: context.country, in: tables)
        }
        let lighthouses = context.lighthouses
        var ranked: [NextStanding] = []
        for (solution, count) in counts where count.reach > 0 {
            guard try !holds(context.city, solution, in: tables), try tables.contains(Key.of(solution), in: solutions)
            else { continue }
            var reasons = 0
            for lighthouse in lighthouses {
                guard try holds(lighthouse, solution, in: tables) else { continue }
                reasons += 1
                break
            }
            if context.plans[solution] != nil { reasons += 1 }
            if count.adoptions > 0 { reasons += 1 }
            if inCountry.contains(solution) { reasons += 1 }
            ranked.append(NextStanding(solution: solution, reasons: reasons, count: count))
        }
        return ranked.sorted(by: NextStanding.precedes)
    }

    /// Whether `city` holds `solution`: one cursor seek in the adoptions table.
    private func holds(
        _ city: Slug,
        _ solution: Slug,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> Bool {
        var found = false
        try tables.scan(adoptions, prefix: Key.of(solution, city) + [0]) { _, _ in
            found = true
            return false
        }
        return found
    }

    /// The holder counts of every held solution and the solutions held in `country`, counted from the adoptions
    /// table (for a store whose holder counts are not built yet).
    private func scannedHolderCounts(
        country: String,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> ([(Slug, HolderCount)], Set<Slug>) {
        var holders: [Slug: Set<Slug>] = [:]
        var adopters: [Slug: Set<Slug>] = [:]
        try tables.scan(adoptions, from: nil, reverse: false) { key, value in
            guard key.count > 8 else { return true }
            let parts = Key.parts(UnsafeRawBufferPointer(rebasing: key[..<(key.count - 8)]))
            guard parts.count >= 2, let solution = Key.slug(parts[0]), let holder = Key.slug(parts[1]) else {
                return true
            }
            holders[solution, default: []].insert(holder)
            if RowReader(value).string(Column.how) == Adoption.adopted.rawValue {
                adopters[solution, default: []].insert(holder)
            }
            return true
        }
        var countries: [Slug: String] = [:]
        var inCountry = Set<Slug>()
        for (solution, cities) in holders {
            for holder in cities {
                if countries[holder] == nil {
                    countries[holder] = try tables.row(Key.of(holder), in: self.cities)?.string("country") ?? ""
                }
                if countries[holder] == country { inCountry.insert(solution) }
            }
        }
        let counts = holders.map { solution, cities in
            (solution, HolderCount(reach: cities.count, adoptions: adopters[solution]?.count ?? 0))
        }
        return (counts, inCountry)
    }

    private func holderFacts(
        _ holder: Slug,
        _ known: inout [Slug: HolderFacts],
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> HolderFacts {
        if let facts = known[holder] { return facts }
        let row = try tables.row(Key.of(holder), in: cities)
        let facts = (
            row?.string("name") ?? holder.rawValue, row?.string("country") ?? "", try tier(of: holder, in: tables),
            try tables.contains(Key.of(holder), in: members)
        )
        known[holder] = facts
        return facts
    }

    /// One candidate in detail: its holders, reasons, whom to ask, obstacles and funding; at most `cap` holders.
    private func candidate(
        _ standing: NextStanding,
        rank: Int,
        _ context: NextContext,
        holders cap: Int?,
        facts: inout [Slug: HolderFacts],
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> NextSteps.Candidate {
        let solution = standing.solution
        let solutionRow = try tables.row(Key.of(solution), in: solutions)
        // The holdings of the solution: city → its holding events (position, how, at), in log order.
        var holdings: [Slug: [(position: Position, how: NextSteps.How, at: String)]] = [:]
        try tables.scan(adoptions, prefix: Key.prefix(solution)) { key, value in
            guard key.count > 8, let position = Key.position(key) else { return true }
            let parts = Key.parts(UnsafeRawBufferPointer(rebasing: key[..<(key.count - 8)]))
            guard parts.count >= 2, let holder = Key.slug(parts[1]) else { return true }
            let row = RowReader(value)
            let how: NextSteps.How = row.string(Column.how) == Adoption.demonstrated.rawValue ? .demonstrated : .adopted
            holdings[holder, default: []].append((position, how, row.string(Column.at) ?? ""))
            return true
        }
        var everyHolder: [NextSteps.Holder] = []
        for (holder, events) in holdings {
            guard let first = events.first else { continue }
            let known = try holderFacts(holder, &facts, in: tables)
            everyHolder.append(
                .init(
                    city: holder,
                    name: known.name,
                    country: known.country,
                    tier: known.tier,
                    how: first.how,
                    position: first.position,
                    at: first.at,
                    isMember: known.isMember
                )
            )
        }
        everyHolder.sort { $0.position < $1.position }
        let adopters = holdings.filter { $0.value.contains { $0.how == .adopted } }.map(\.key).sorted()
        let isLighthouse = { (holder: Slug) in context.projectsOf[holder] != nil }
        var ask: [Slug] = []
        for group in [
            everyHolder.filter { $0.country == context.country }, everyHolder.filter { adopters.contains($0.city) },
            everyHolder.filter { isLighthouse($0.city) },
        ] {
            let ordered = group.sorted { ($0.isMember ? 0 : 1, $0.position) < ($1.isMember ? 0 : 1, $1.position) }
            for holder in ordered where ask.count < 3 && !ask.contains(holder.city) { ask.append(holder.city) }
        }
        // The holders listed: all, or the cities to ask and then the earliest others, up to the cap.
        var listed = everyHolder
        if let cap, everyHolder.count > cap {
            var chosen = Set(ask)
            for holder in everyHolder where chosen.count < cap { chosen.insert(holder.city) }
            listed = everyHolder.filter { chosen.contains($0.city) }
        }
        let isListed = Set(listed.map(\.city))
        func reason(_ kind: NextSteps.ReasonKind, _ cities: [Slug], _ only: NextSteps.How? = nil) -> NextSteps.Reason {
            func positions(of cities: [Slug]) -> [Position] {
                cities.flatMap { holder in
                    (holdings[holder] ?? []).filter { only == nil || $0.how == only }.map(\.position)
                }.sorted()
            }
            let cited = cities.filter(isListed.contains)
            var reason = NextSteps.Reason(reason: kind, cities: cited, positions: positions(of: cited))
            reason.citiesTotal = cities.count
            reason.positionsTotal = cited.count == cities.count ? reason.positions.count : positions(of: cities).count
            return reason
        }
        var reasons: [NextSteps.Reason] = []
        let fromProjects = holdings.keys.filter(isLighthouse).sorted()
        if !fromProjects.isEmpty {
            var own = reason(.ownProject, fromProjects)
            own.projects = Array(Set(fromProjects.flatMap { context.projectsOf[$0] ?? [] })).sorted()
            own.projectNames = own.projects.map { context.projectNames[$0] ?? $0.rawValue }
            reasons.append(own)
        }
        if let plans = context.plans[solution], !plans.isEmpty {
            let sorted = plans.sorted()
            var plan = NextSteps.Reason(reason: .openPlan, cities: [context.city], positions: sorted)
            plan.citiesTotal = 1
            plan.positionsTotal = sorted.count
            reasons.append(plan)
        }
        if !adopters.isEmpty { reasons.append(reason(.adoptedElsewhere, adopters, .adopted)) }
        let sameCountry = everyHolder.filter { $0.country == context.country }.map(\.city).sorted()
        if !sameCountry.isEmpty { reasons.append(reason(.sameCountry, sameCountry)) }
        return NextSteps.Candidate(
            solution: solution,
            name: solutionRow?.string("name") ?? solution.rawValue,
            area: solutionRow?.string("area").flatMap(Area.init(rawValue:)),
            rank: rank,
            adoptions: adopters.count,
            reach: holdings.count,
            reasons: reasons,
            holders: listed,
            holdersTotal: everyHolder.count,
            ask: ask,
            obstacles: try obstacleReport(ObstacleFilter(solution: solution), in: tables).obstacles.map {
                NextSteps.Obstacle(
                    obstacle: $0.obstacle,
                    category: $0.category,
                    city: $0.city,
                    cityName: $0.cityName,
                    how: $0.overcome?.how
                )
            },
            funding: try replicationFunding(of: solution, in: tables),
            grants: try grantsAwarded(for: solution, in: tables),
            openPlan: context.plans[solution]?.min()
        )
    }

    /// How the replications of `solution` were paid for: counts of the funding values given.
    private func replicationFunding(
        of solution: Slug,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> [Funding: Int] {
        var positions: [Position] = []
        try tables.scan(replicationsBySolution, prefix: Key.prefix(solution)) { key, _ in
            if let position = Key.position(key) { positions.append(position) }
            return true
        }
        var funding: [Funding: Int] = [:]
        for position in positions {
            let value = try tables.withValue(forKey: position.key, in: replications) { RowReader($0).string("funding") }
            if let value = value ?? nil, let given = Funding(rawValue: value) { funding[given, default: 0] += 1 }
        }
        return funding
    }

    /// The grants awarded for `solution`, by grant id.
    private func grantsAwarded(
        for solution: Slug,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> [NextSteps.Grant] {
        var found: [NextSteps.Grant] = []
        for grant in try tables.ids(in: grantsBySolution, of: solution) {
            guard let row = try tables.row(Key.of(grant), in: grants) else { continue }
            found.append(
                .init(
                    grant: grant,
                    programme: row.string("programme").flatMap(Programme.init(rawValue:)),
                    city: row.slug("city"),
                    amountEUR: row.number("amount_eur")
                )
            )
        }
        return found
    }
}

extension KnowledgeBase {
    /// What `city` could take up next (SPEC §9.1), at `cut`: every candidate ranked, the candidates of `page`
    /// detailed; ``NotFound`` for a city not registered there.
    public func nextSteps(for city: Slug, at cut: ViewCut = ViewCut(), page: NextPage = NextPage()) throws -> NextSteps
    {
        func live(_ models: ReadModels, _ tables: borrowing ReadTransaction) throws -> NextSteps {
            let countsKept = try models.storedFormat(in: tables) == .current
            return try models.nextSteps(for: city, page: page, countsKept: countsKept, in: tables)
        }
        func memory(_ models: ReadModels, _ tables: MemoryTables) throws -> NextSteps {
            try models.nextSteps(for: city, page: page, countsKept: true, in: tables)
        }
        return try view(at: cut, reading: ViewTables.next, live: live, memory: memory)
    }
}
