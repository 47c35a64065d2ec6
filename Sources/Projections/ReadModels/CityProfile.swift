import EventStore

/// What the record says about one city: its projects, demonstrations, replications in and out, open plans, CCG
/// membership, grants, obstacles and contacts; every id it mentions comes with the name beside it.
public struct CityProfile: Sendable, Equatable {
    /// The city's role in one project.
    public struct Membership: Sendable, Equatable {
        /// The project, by id and name.
        public var project: Slug, projectName: String
        /// Lighthouse or fellow.
        public var role: Role
    }

    /// A demonstration the city reported.
    public struct Demonstration: Sendable, Equatable {
        /// The demonstration, by id.
        public var demonstration: Slug
        /// The solution demonstrated, by id and name.
        public var solution: Slug, solutionName: String
        /// The project it was demonstrated in, if any, by id and name.
        public var project: Slug?, projectName: String?
        /// When it was reported in the world (`at`).
        public var at: String
    }

    /// A replication into or out of the city.
    public struct Replication: Sendable, Equatable {
        /// The solution, by id and name.
        public var solution: Slug, solutionName: String
        /// The other city (the origin for a replication in, the target for one out), by id and name; nil when the
        /// origin of a replication in is a project's lighthouse cities.
        public var city: Slug?, cityName: String?
        /// The project it happened under, if any (the origin when `city` is nil), by id and name.
        public var project: Slug?, projectName: String?
        /// When it happened (`at`) and the position of its SolutionReplicated.
        public var at: String, position: Position
        /// How it was paid for, when given.
        public var funding: Funding?
    }

    /// An open replication plan naming the city, as the one that plans or as the origin.
    public struct Plan: Sendable, Equatable {
        /// The solution, by id and name.
        public var solution: Slug, solutionName: String
        /// The city that plans it, by id and name.
        public var city: Slug, cityName: String
        /// The origin city, if one is named, by id and name.
        public var from: Slug?, fromName: String?
        /// The project, if any, by id and name.
        public var project: Slug?, projectName: String?
        /// When it was planned (`at`) and the position of its ReplicationPlanned.
        public var at: String, position: Position
    }

    /// A CCG travel contribution the city received.
    public struct TravelContribution: Sendable, Equatable {
        /// The meeting, by id.
        public var meeting: Slug
        /// The amount in euros.
        public var amountEUR: JSONNumber
        /// The year of the meeting.
        public var year: Int?
        /// The position of its TravelContributionGranted.
        public var position: Position?
    }

    /// The city in the City Coordinators Group.
    public struct CCG: Sendable, Equatable {
        /// Whether the city is a member now.
        public var isMember: Bool
        /// When it joined (`at` of its CityJoinedCCG), while a member.
        public var since: String?
        /// The meetings it attended, by id.
        public var meetingsAttended: [Slug]
        /// Its travel contributions.
        public var travel: [TravelContribution]
    }

    /// A grant awarded to the city.
    public struct Grant: Sendable, Equatable {
        /// The grant, by id.
        public var grant: Slug
        /// Action grant or scale grant.
        public var programme: Programme?
        /// The solution, by id and name.
        public var solution: Slug?, solutionName: String?
        /// The amount in euros.
        public var amountEUR: JSONNumber?
    }

    /// The city, by id and name.
    public var city: Slug, name: String
    /// ISO 3166-1 alpha-2 country code.
    public var country: String
    /// Lighthouse in any project, else fellow in any, else other.
    public var tier: Tier
    /// When it was registered (`at`) and the position of its CityRegistered.
    public var registered: String, position: Position?
    /// Its roles in projects, by project id.
    public var projects: [Membership]
    /// Its demonstrations, by id.
    public var demonstrations: [Demonstration]
    /// Solutions it replicated from elsewhere, and solutions others replicated from it, in log order.
    public var replicationsIn: [Replication], replicationsOut: [Replication]
    /// Open plans naming it, in log order.
    public var openPlans: [Plan]
    /// Its part in the City Coordinators Group.
    public var ccg: CCG
    /// Grants awarded to it, by id.
    public var grants: [Grant]
    /// Obstacles that name it, in log order.
    public var obstacles: [ObstacleEntry]
    /// Whether a contact is held for it, and its contact registrations (never the personal data).
    public var contact: ContactSummary
    /// Where it lies, by the CityLocated that stands; nil when the record does not say.
    public var location: CityLocation?
}

extension CityProfile: JSONValueView {
    var json: JSONValue {
        let projectItems: [JSONValue] = projects.map {
            [
                "project": .string($0.project.rawValue), "project_name": .string($0.projectName),
                "role": .choice($0.role),
            ]
        }
        let demonstrationItems: [JSONValue] = demonstrations.map {
            [
                "demonstration": .string($0.demonstration.rawValue), "solution": .string($0.solution.rawValue),
                "solution_name": .string($0.solutionName), "project": .slug($0.project),
                "project_name": .text($0.projectName), "at": .string($0.at),
            ]
        }
        func replication(_ item: Replication, cityKey: String) -> JSONValue {
            [
                "solution": .string(item.solution.rawValue), "solution_name": .string(item.solutionName),
                cityKey: .slug(item.city), cityKey + "_name": .text(item.cityName), "at": .string(item.at),
                "position": .position(item.position), "funding": .choice(item.funding),
                "project": .slug(item.project), "project_name": .text(item.projectName),
            ]
        }
        let planItems: [JSONValue] = openPlans.map {
            [
                "solution": .string($0.solution.rawValue), "solution_name": .string($0.solutionName),
                "city": .string($0.city.rawValue), "city_name": .string($0.cityName), "from": .slug($0.from),
                "from_name": .text($0.fromName), "project": .slug($0.project), "project_name": .text($0.projectName),
                "at": .string($0.at), "position": .position($0.position),
            ]
        }
        let travelItems: [JSONValue] = ccg.travel.map {
            [
                "meeting": .string($0.meeting.rawValue), "amount_eur": .number($0.amountEUR),
                "year": $0.year.map { .integer($0) } ?? .null, "position": .position($0.position),
            ]
        }
        let grantItems: [JSONValue] = grants.map {
            [
                "grant": .string($0.grant.rawValue), "programme": .choice($0.programme), "solution": .slug($0.solution),
                "solution_name": .text($0.solutionName), "amount_eur": .number($0.amountEUR),
            ]
        }
        return [
            "city": .string(city.rawValue), "name": .string(name), "country": .string(country),
            "tier": .choice(tier), "registered": .string(registered), "position": .position(position),
            "projects": .array(projectItems), "demonstrations": .array(demonstrationItems),
            "replications_in": .array(replicationsIn.map { replication($0, cityKey: "from") }),
            "replications_out": .array(replicationsOut.map { replication($0, cityKey: "to") }),
            "open_plans": .array(planItems),
            "ccg": [
                "member": .bool(ccg.isMember), "since": .text(ccg.since),
                "meetings_attended": .slugs(ccg.meetingsAttended),
                "travel": .array(travelItems),
            ],
            "grants": .array(grantItems), "obstacles": .array(obstacles.map(\.json)), "contact": contact.json,
            "location": location?.json ?? .null,
        ]
    }
}

extension ReadModels {
    /// What the record says about one city.
    func cityProfile(_ city: Slug, in tables: borrowing some KeyValueReader & ~Copyable) throws -> CityProfile {
        guard let row = try tables.row(Key.of(city), in: cities) else {
            throw NotFound(kind: "city", id: city.rawValue)
        }
        var memberships: [CityProfile.Membership] = []
        for (project, role) in try roles(of: city, in: tables) {
            memberships.append(.init(project: project, projectName: try projectName(project, in: tables), role: role))
        }
        var demonstrationList: [CityProfile.Demonstration] = []
        for id in try tables.ids(in: demonstrationsByCity, of: city) {
            guard let demonstration = try tables.row(Key.of(id), in: demonstrations),
                let solution = demonstration.slug("solution")
            else { continue }
            let project = demonstration.slug("project")
            demonstrationList.append(
                .init(
                    demonstration: id,
                    solution: solution,
                    solutionName: try solutionName(solution, in: tables),
                    project: project,
                    projectName: try projectName(ifGiven: project, in: tables),
                    at: demonstration.string("at") ?? ""
                )
            )
        }
        var replicationsIn: [CityProfile.Replication] = []
        var replicationsOut: [CityProfile.Replication] = []
        var edgePositions: [(Position, String)] = []
        try tables.scan(replicationsByCity, prefix: Key.prefix(city)) { key, value in
            if let position = Key.position(key) {
                let direction = try Row(stored: value, in: replicationsByCity, key: key).string(Column.direction)
                edgePositions.append((position, direction ?? ""))
            }
            return true
        }
        for (position, direction) in edgePositions {
            guard let edge = try tables.row(position.key, in: replications), let solution = edge.slug("solution")
            else { continue }
            let isIn = direction == Direction.in.rawValue
            let other = isIn ? edge.slug("from") : edge.slug("city")
            let project = edge.slug("project")
            let item = CityProfile.Replication(
                solution: solution,
                solutionName: try solutionName(solution, in: tables),
                city: other,
                cityName: try cityName(ifGiven: other, in: tables),
                project: project,
                projectName: try projectName(ifGiven: project, in: tables),
                at: edge.string("at") ?? "",
                position: position,
                funding: edge.string("funding").flatMap(Funding.init(rawValue:))
            )
            if isIn { replicationsIn.append(item) } else { replicationsOut.append(item) }
        }
        var planList: [CityProfile.Plan] = []
        var planKeys: [(Position, [UInt8])] = []
        try tables.scan(plansByCity, prefix: Key.prefix(city)) { key, value in
            if let position = Key.position(key) { planKeys.append((position, Array(value))) }
            return true
        }
        for (position, entry) in planKeys {
            // A store of a format before 7 keeps no key in the entry, only in openPlans while the plan is open.
            let key = entry.isEmpty ? try tables.value(forKey: position.key, in: openPlans) : entry
            // The plan's row holds the latest plan of its solution, city and origin: this one while it is open.
            guard let key, let plan = try tables.row(key, in: plans),
                plan.position(Column.position) == position, plan.string(Column.status) == PlanStatus.open.rawValue,
                let solution = plan.slug("solution"), let planCity = plan.slug("city")
            else { continue }
            let from = plan.slug("from")
            let project = plan.slug("project")
            planList.append(
                .init(
                    solution: solution,
                    solutionName: try solutionName(solution, in: tables),
                    city: planCity,
                    cityName: try cityName(planCity, in: tables),
                    from: from,
                    fromName: try cityName(ifGiven: from, in: tables),
                    project: project,
                    projectName: try projectName(ifGiven: project, in: tables),
                    at: plan.string("at") ?? "",
                    position: position
                )
            )
        }
        // The last change of the city's membership: a member since it joined, unless it left.
        let lastChange = try tables.last(in: membershipEvents, prefix: Key.prefix(city)).map { last in
            try last.value.withUnsafeBytes { try Row(stored: $0, in: membershipEvents, key: last.key) }
        }
        let membership = lastChange?.string(Column.change) == MembershipChange.joined.rawValue ? lastChange : nil
        var travelList: [CityProfile.TravelContribution] = []
        try tables.scan(travel, prefix: Key.prefix(city)) { key, value in
            let parts = Key.parts(key)
            let contribution = try Row(stored: value, in: travel, key: key)
            if parts.count == 2, let meeting = Key.slug(parts[1]), let amount = contribution.number("amount_eur") {
                travelList.append(
                    .init(
                        meeting: meeting,
                        amountEUR: amount,
                        year: contribution.number(Column.year)?.integerValue.map { Int($0) },
                        position: contribution.position(Column.position)
                    )
                )
            }
            return true
        }
        var grantList: [CityProfile.Grant] = []
        for id in try tables.ids(in: grantsByCity, of: city) {
            guard let grant = try tables.row(Key.of(id), in: grants) else { continue }
            let solution = grant.slug("solution")
            grantList.append(
                .init(
                    grant: id,
                    programme: grant.string("programme").flatMap(Programme.init(rawValue:)),
                    solution: solution,
                    solutionName: try solution.map { try solutionName($0, in: tables) },
                    amountEUR: grant.number("amount_eur")
                )
            )
        }
        return CityProfile(
            city: city,
            name: row.string("name") ?? city.rawValue,
            country: row.string("country") ?? "",
            tier: try tier(of: city, in: tables),
            registered: row.string("at") ?? "",
            position: row.position(Column.position),
            projects: memberships,
            demonstrations: demonstrationList,
            replicationsIn: replicationsIn,
            replicationsOut: replicationsOut,
            openPlans: planList,
            ccg: .init(
                isMember: membership != nil,
                since: membership?.string("at"),
                meetingsAttended: try tables.ids(in: attendanceByCity, of: city),
                travel: travelList
            ),
            grants: grantList,
            obstacles: try obstacleReport(ObstacleFilter(city: city), in: tables).obstacles,
            contact: try contactSummary(of: city, in: tables),
            location: try location(of: city, in: tables)
        )
    }
}
