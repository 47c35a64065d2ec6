import EventStore

/// What a city could take up next (SPEC §9.1): every proven solution it does not hold yet, with the reasons to take
/// it up, who holds it, whom to ask first, what stood in the way elsewhere and how it was paid for.
///
/// Every candidate is ranked; a ``NextPage`` says which of them the answer details, and how many holders each lists.
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
        /// How many cities and events the reason rests on in all; ``cities`` and ``positions`` name those among
        /// the candidate's listed holders (all of them when the holders are not capped).
        public var citiesTotal = 0, positionsTotal = 0
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
        /// The cities that hold it, one each, by their earliest holding event, in log order: all of them, or when
        /// capped, the cities in ``ask`` and then the earliest others.
        public var holders: [Holder]
        /// How many cities hold it in all.
        public var holdersTotal: Int
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
    /// How many candidates there are in all, on every page.
    public var total: Int
    /// The candidates of the page asked for, best first.
    public var candidates: [Candidate]
}

/// Which part of a ``NextSteps`` answer to detail: a page of the ranked candidates, and for each candidate at most so
/// many holders (every reason then cites those of them it rests on).
public struct NextPage: Sendable, Equatable {
    /// How many candidates to skip, best first.
    public var offset: Int
    /// How many candidates to give at most; nil for all.
    public var limit: Int?
    /// How many holders to list per candidate at most (at least 3, so that whom to ask is among them); nil for all.
    public var holders: Int?

    /// Candidates from `offset` on, at most `limit`, with at most `holders` holders each (raised to 3).
    public init(offset: Int = 0, limit: Int? = NextPage.defaultLimit, holders: Int? = NextPage.defaultHolders) {
        self.offset = max(0, offset)
        self.limit = limit.map { max(0, $0) }
        self.holders = holders.map { max(3, $0) }
    }

    /// The candidates a page gives unless told otherwise.
    public static let defaultLimit = 50
    /// The holders a candidate lists unless told otherwise.
    public static let defaultHolders = 25
    /// Every candidate with every holder: the whole answer, however large the record.
    public static let everything = NextPage(limit: nil, holders: nil)
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
                            "cities_total": .integer($0.citiesTotal), "positions_total": .integer($0.positionsTotal),
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
                "holders_total": .integer(candidate.holdersTotal), "ask": .slugs(candidate.ask),
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
        return [
            "city": .string(city.rawValue), "city_name": .string(name), "candidates_total": .integer(total),
            "candidates": .array(items),
        ]
    }
}

extension NextSteps: CSVListView { static let csvList = "candidates" }
