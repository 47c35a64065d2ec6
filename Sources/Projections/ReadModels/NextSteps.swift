import EventStore

/// What a city could take up next (SPEC §9.1): every proven solution it does not hold yet, with the reasons to take
/// it up, who holds it, whom to ask first, what stood in the way elsewhere and how it was paid for.
public struct NextSteps: Sendable, Equatable {
    /// Why a candidate suits the city.
    public enum ReasonKind: String, Sendable, CaseIterable {
        /// A lighthouse city of a project the city belongs to holds it: the replication the project promised.
        case ownProject = "own-project"
        /// The city has an open plan for it.
        case openPlan = "open-plan"
        /// At least one city adopted it by replication: proven to travel.
        case adoptedElsewhere = "adopted-elsewhere"
        /// A city of the city's country holds it.
        case sameCountry = "same-country"
    }

    /// One reason, with the cities and events it rests on.
    public struct Reason: Sendable, Equatable {
        /// The kind of reason.
        public var reason: ReasonKind
        /// The cities it rests on, by id.
        public var cities: [Slug]
        /// The positions of the events it rests on, in log order.
        public var positions: [Position]
        /// For `own-project`, the city's projects whose lighthouse cities hold it, by id and name.
        public var projects: [Slug] = [], projectNames: [String] = []
    }

    /// A city that holds the candidate, by its earliest holding event.
    public struct Holder: Sendable, Equatable {
        /// The city, by id and name, its country and tier.
        public var city: Slug, name: String, country: String, tier: Tier
        /// Whether it demonstrated the solution or adopted it by replication.
        public var how: How
        /// The position of its earliest holding event, and when that event happened (`at`).
        public var position: Position, at: String
        /// Whether it is a CCG member.
        public var isMember: Bool
    }

    /// How a holder came to hold a solution.
    public enum How: String, Sendable {
        case demonstrated, adopted
    }

    /// An obstacle recorded for the candidate.
    public struct Obstacle: Sendable, Equatable {
        /// The obstacle, its category and the city it names, if any, with its name.
        public var obstacle: Slug, category: ObstacleCategory, city: Slug?, cityName: String?
        /// How it was overcome; nil while it is open.
        public var how: String?
    }

    /// A grant awarded for the candidate.
    public struct Grant: Sendable, Equatable {
        /// The grant, its programme, the city it went to and the amount in euros.
        public var grant: Slug, programme: Programme?, city: Slug?, amountEUR: JSONNumber?
    }

    /// One solution the city could take up.
    public struct Candidate: Sendable, Equatable {
        /// The solution, by id and name, and its area.
        public var solution: Slug, name: String, area: Area?
        /// Its place in the order: 1 for the first.
        public var rank: Int
        /// Cities that adopted it by replication, and cities that demonstrated or adopted it (as `spread` counts).
        public var adoptions: Int, reach: Int
        /// Why it suits the city, in ``ReasonKind`` order.
        public var reasons: [Reason]
        /// The cities that hold it, one each, by their earliest holding event.
        public var holders: [Holder]
        /// At most three holders to ask first: in the city's country, then adopters, then the lighthouse cities of the
        /// city's projects; CCG members first within each group, then by position.
        public var ask: [Slug]
        /// The obstacles recorded for it, in log order.
        public var obstacles: [Obstacle]
        /// How its replications were paid for (counts of the funding given), and the grants awarded for it.
        public var funding: [Funding: Int], grants: [Grant]
        /// The position of the city's earliest open plan for it, if any.
        public var openPlan: Position?
    }

    /// The city asked about, by id and name.
    public var city: Slug, name: String
    /// The candidates, best first.
    public var candidates: [Candidate]
}

extension NextSteps: JSONValueView {
    var json: JSONValue {
        let items: [JSONValue] = candidates.map { candidate in
            var funding = JSONObject()
            for value in Funding.allCases { if let count = candidate.funding[value] { funding[value.rawValue] = .integer(count) } }
            return [
                "solution": .string(candidate.solution.rawValue), "name": .string(candidate.name),
                "area": .choice(candidate.area), "rank": .integer(candidate.rank),
                "adoptions": .integer(candidate.adoptions), "reach": .integer(candidate.reach),
                "reasons": .array(
                    candidate.reasons.map {
                        [
                            "reason": .choice($0.reason), "cities": .slugs($0.cities),
                            "positions": .array($0.positions.map { .position($0) }), "projects": .slugs($0.projects),
                        ]
                    }
                ),
                "holders": .array(
                    candidate.holders.map {
                        [
                            "city": .string($0.city.rawValue), "name": .string($0.name), "country": .string($0.country),
                            "tier": .choice($0.tier), "how": .choice($0.how), "position": .position($0.position), "at": .string($0.at),
                            "ccg_member": .bool($0.isMember),
                        ]
                    }
                ),
                "ask": .slugs(candidate.ask),
                "obstacles": .array(
                    candidate.obstacles.map {
                        [
                            "obstacle": .string($0.obstacle.rawValue), "category": .choice($0.category),
                            "city": .slug($0.city), "city_name": .text($0.cityName), "overcome": .bool($0.how != nil),
                            "how": .text($0.how),
                        ]
                    }
                ),
                "funding": [
                    "replications": .object(funding),
                    "grants": .array(
                        candidate.grants.map {
                            [
                                "grant": .string($0.grant.rawValue), "programme": .choice($0.programme),
                                "city": .slug($0.city), "amount_eur": .number($0.amountEUR),
                            ]
                        }
                    ),
                ],
                "open_plan": .position(candidate.openPlan),
            ]
        }
        return ["city": .string(city.rawValue), "city_name": .string(name), "candidates": .array(items)]
    }
}

extension NextSteps: CSVListView { static let csvList = "candidates" }

extension ReadModels {
    /// What `city` could take up next, from the tables.
    func nextSteps(for city: Slug, in tables: borrowing some KeyValueReader & ~Copyable) throws -> NextSteps {
        guard let cityRow = try tables.row(Key.of(city), in: cities) else {
            throw NotFound(kind: "city", id: city.rawValue)
        }
        let country = cityRow.string("country") ?? ""
        // Every holding: solution → city → its holding events (position, how), in log order.
        var holdings: [Slug: [Slug: [(position: Position, how: NextSteps.How, at: String)]]] = [:]
        try tables.scan(adoptions, from: nil, reverse: false) { key, value in
            guard key.count > 8, let position = Key.position(key) else { return true }
            let parts = Key.parts(UnsafeRawBufferPointer(rebasing: key[..<(key.count - 8)]))
            guard parts.count >= 2, let solution = Key.slug(parts[0]), let holder = Key.slug(parts[1]) else {
                return true
            }
            let row = RowReader(value)
            let how: NextSteps.How = row.string(Column.how) == Adoption.demonstrated.rawValue ? .demonstrated : .adopted
            holdings[solution, default: [:]][holder, default: []].append((position, how, row.string(Column.at) ?? ""))
            return true
        }
        var ownProjects: [Slug] = []
        try tables.scan(cityRoles, prefix: Key.prefix(city)) { key, _ in
            let parts = Key.parts(key)
            if parts.count == 2, let project = Key.slug(parts[1]) { ownProjects.append(project) }
            return true
        }
        var projectLighthouses = Set<Slug>()
        var projectsOf: [Slug: [Slug]] = [:]
        var projectNames: [Slug: String] = [:]
        for project in ownProjects {
            projectNames[project] = try projectName(project, in: tables)
            for lighthouse in try lighthouseCities(of: project, in: tables) {
                projectLighthouses.insert(lighthouse)
                projectsOf[lighthouse, default: []].append(project)
            }
        }
        // The city's open plans, by solution.
        var cityPlans: [Slug: [Position]] = [:]
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
            cityPlans[solution, default: []].append(position)
        }
        var grantsBySolution: [Slug: [NextSteps.Grant]] = [:]
        for (grant, row) in try tables.entries(of: grants) {
            guard let solution = row.slug("solution") else { continue }
            grantsBySolution[solution, default: []].append(
                .init(
                    grant: grant,
                    programme: row.string("programme").flatMap(Programme.init(rawValue:)),
                    city: row.slug("city"),
                    amountEUR: row.number("amount_eur")
                )
            )
        }
        var cityFacts: [Slug: (name: String, country: String, tier: Tier, isMember: Bool)] = [:]
        func facts(_ holder: Slug, _ tables: borrowing some KeyValueReader & ~Copyable) throws
            -> (name: String, country: String, tier: Tier, isMember: Bool)
        {
            if let known = cityFacts[holder] { return known }
            let row = try tables.row(Key.of(holder), in: cities)
            let found = (
                row?.string("name") ?? holder.rawValue, row?.string("country") ?? "", try tier(of: holder, in: tables),
                try tables.row(Key.of(holder), in: members) != nil
            )
            cityFacts[holder] = found
            return found
        }
        var candidates: [NextSteps.Candidate] = []
        for (solution, holders) in holdings where holders[city] == nil && !holders.isEmpty {
            guard let solutionRow = try tables.row(Key.of(solution), in: solutions) else { continue }
            var holderList: [NextSteps.Holder] = []
            for (holder, events) in holders {
                guard let first = events.min(by: { $0.position < $1.position }) else { continue }
                let known = try facts(holder, tables)
                holderList.append(
                    .init(
                        city: holder, name: known.name, country: known.country, tier: known.tier, how: first.how,
                        position: first.position, at: first.at, isMember: known.isMember
                    )
                )
            }
            holderList.sort { $0.position < $1.position }
            func positions(of cities: [Slug], _ only: NextSteps.How? = nil) -> [Position] {
                cities.flatMap { holder in
                    (holders[holder] ?? []).filter { only == nil || $0.how == only }.map(\.position)
                }.sorted()
            }
            let adopters = holders.filter { $0.value.contains { $0.how == .adopted } }.map(\.key).sorted()
            let fromProjects = holders.keys.filter(projectLighthouses.contains).sorted()
            let sameCountry = holderList.filter { $0.country == country }.map(\.city).sorted()
            var reasons: [NextSteps.Reason] = []
            if !fromProjects.isEmpty {
                let projects = Array(Set(fromProjects.flatMap { projectsOf[$0] ?? [] })).sorted()
                reasons.append(
                    .init(
                        reason: .ownProject, cities: fromProjects, positions: positions(of: fromProjects),
                        projects: projects, projectNames: projects.map { projectNames[$0] ?? $0.rawValue }
                    )
                )
            }
            if let plans = cityPlans[solution], !plans.isEmpty {
                reasons.append(.init(reason: .openPlan, cities: [city], positions: plans.sorted()))
            }
            if !adopters.isEmpty {
                reasons.append(
                    .init(reason: .adoptedElsewhere, cities: adopters, positions: positions(of: adopters, .adopted))
                )
            }
            if !sameCountry.isEmpty {
                reasons.append(.init(reason: .sameCountry, cities: sameCountry, positions: positions(of: sameCountry)))
            }
            var ask: [Slug] = []
            for group in [
                holderList.filter { $0.country == country }, holderList.filter { adopters.contains($0.city) },
                holderList.filter { projectLighthouses.contains($0.city) },
            ] {
                let ordered = group.sorted { ($0.isMember ? 0 : 1, $0.position) < ($1.isMember ? 0 : 1, $1.position) }
                for holder in ordered where ask.count < 3 && !ask.contains(holder.city) { ask.append(holder.city) }
            }
            var funding: [Funding: Int] = [:]
            try tables.scan(replicationsBySolution, prefix: Key.prefix(solution)) { key, _ in
                guard let position = Key.position(key) else { return true }
                if let value = try tables.row(position.key, in: replications)?.string("funding").flatMap(Funding.init(rawValue:)) {
                    funding[value, default: 0] += 1
                }
                return true
            }
            let obstacles = try obstacleReport(ObstacleFilter(solution: solution), in: tables).obstacles.map {
                NextSteps.Obstacle(
                    obstacle: $0.obstacle, category: $0.category, city: $0.city, cityName: $0.cityName,
                    how: $0.overcome?.how
                )
            }
            candidates.append(
                .init(
                    solution: solution,
                    name: solutionRow.string("name") ?? solution.rawValue,
                    area: solutionRow.string("area").flatMap(Area.init(rawValue:)),
                    rank: 0,
                    adoptions: adopters.count,
                    reach: holders.count,
                    reasons: reasons,
                    holders: holderList,
                    ask: ask,
                    obstacles: obstacles,
                    funding: funding,
                    grants: grantsBySolution[solution] ?? [],
                    openPlan: cityPlans[solution]?.min()
                )
            )
        }
        candidates.sort {
            ($1.reasons.count, $1.adoptions, $1.reach, $0.solution.rawValue)
                < ($0.reasons.count, $0.adoptions, $0.reach, $1.solution.rawValue)
        }
        for index in candidates.indices { candidates[index].rank = index + 1 }
        return NextSteps(city: city, name: cityRow.string("name") ?? city.rawValue, candidates: candidates)
    }
}

extension KnowledgeBase {
    /// What `city` could take up next (SPEC §9.1), at `cut`; ``NotFound`` for a city not registered there.
    public func nextSteps(for city: Slug, at cut: ViewCut = ViewCut()) throws -> NextSteps {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> NextSteps {
            try models.nextSteps(for: city, in: tables)
        }
        return try view(at: cut, reading: ViewTables.next, live: query, memory: query)
    }
}
