import EventStore

/// A profile's subject is not in the record.
public struct NotFound: Error, Sendable, CustomStringConvertible {
    /// What was looked up: `city`, `project` or `solution`.
    public let kind: String
    /// The id looked up, as given.
    public let id: String

    /// The message, with the id escaped for the terminal.
    public var description: String { "\(kind) '\(SafeText.escaped(id))' is not registered" }
}

extension ReadModels {
    /// What the record says about one city (keys documented in README.md).
    func cityProfile(_ city: Slug, in state: borrowing some KeyValueReader & ~Copyable) throws -> JSONValue {
        guard let record = try state.record(Key.of(city), in: cities) else {
            throw NotFound(kind: "city", id: city.rawValue)
        }
        var projectsList: [JSONValue] = []
        try state.scan(cityRoles, prefix: Key.prefix(city)) { key, value in
            let parts = Key.parts(key)
            if parts.count == 2 {
                projectsList.append(["project": .string(parts[1]), "role": Record(bytes: value)?[Row.role] ?? .null])
            }
            return true
        }
        var demonstrationList: [JSONValue] = []
        let demonstrationIDs = try state.ids(in: demonstrationsByCity, of: city)
        for id in demonstrationIDs {
            guard let demonstration = try state.record(Key.of(id), in: demonstrations) else { continue }
            demonstrationList.append(
                [
                    "demonstration": .string(id.rawValue), "solution": demonstration["solution"] ?? .null,
                    "project": demonstration["project"] ?? .null, "at": demonstration["at"] ?? .null,
                ])
        }
        var replicationsIn: [JSONValue] = []
        var replicationsOut: [JSONValue] = []
        var edgePositions: [(Position, String)] = []
        try state.scan(replicationsByCity, prefix: Key.prefix(city)) { key, value in
            if let position = Key.position(key) {
                edgePositions.append((position, Record(bytes: value)?.string(Row.direction) ?? ""))
            }
            return true
        }
        for (position, direction) in edgePositions {
            guard let edge = try state.record(position.key, in: replications) else { continue }
            var item: JSONObject = [
                "solution": edge["solution"] ?? .null, "at": edge["at"] ?? .null, "position": Record.position(position),
                "funding": edge["funding"] ?? .null, "project": edge["project"] ?? .null,
            ]
            if direction == Direction.in.rawValue {
                item["from"] = edge["from"] ?? .null
                replicationsIn.append(.object(item))
            } else {
                item["to"] = edge["city"]
                replicationsOut.append(.object(item))
            }
        }
        var plansList: [JSONValue] = []
        var planPositions: [Position] = []
        try state.scan(plansByCity, prefix: Key.prefix(city)) { key, _ in
            if let position = Key.position(key) { planPositions.append(position) }
            return true
        }
        for position in planPositions {
            guard let key = try state.value(forKey: position.key, in: openPlans),
                let plan = try state.record(key, in: plans)
            else { continue }
            plansList.append(
                [
                    "solution": plan["solution"] ?? .null, "city": plan["city"] ?? .null, "from": plan["from"] ?? .null,
                    "project": plan["project"] ?? .null, "at": plan["at"] ?? .null,
                    "position": Record.position(position),
                ])
        }
        let membership = try state.record(Key.of(city), in: members)
        let meetingsAttended = try state.ids(in: attendanceByCity, of: city).map { JSONValue.string($0.rawValue) }
        var travelList: [JSONValue] = []
        try state.scan(travel, prefix: Key.prefix(city)) { key, value in
            let parts = Key.parts(key)
            if parts.count == 2, let contribution = Record(bytes: value) {
                travelList.append(
                    [
                        "meeting": .string(parts[1]), "amount_eur": contribution["amount_eur"] ?? .null,
                        "year": contribution[Row.year] ?? .null, "position": contribution["position"] ?? .null,
                    ])
            }
            return true
        }
        var grantList: [JSONValue] = []
        let grantIDs = try state.ids(in: grantsByCity, of: city)
        for id in grantIDs {
            guard let grant = try state.record(Key.of(id), in: grants) else { continue }
            grantList.append(
                [
                    "grant": .string(id.rawValue), "programme": grant["programme"] ?? .null,
                    "solution": grant["solution"] ?? .null, "amount_eur": grant["amount_eur"] ?? .null,
                ])
        }
        return [
            "city": .string(city.rawValue), "name": record["name"] ?? .null, "country": record["country"] ?? .null,
            "tier": .string(try tier(of: city, in: state).rawValue), "registered": record["at"] ?? .null,
            "position": record["position"] ?? .null, "projects": .array(projectsList),
            "demonstrations": .array(demonstrationList), "replications_in": .array(replicationsIn),
            "replications_out": .array(replicationsOut), "open_plans": .array(plansList),
            "ccg": [
                "member": .bool(membership != nil), "since": membership?["at"] ?? .null,
                "meetings_attended": .array(meetingsAttended), "travel": .array(travelList),
            ],
            "grants": .array(grantList),
            "obstacles": try obstacleList(ObstacleFilter(city: city), in: state),
            "contact": try contactSummary(of: city, in: state),
        ]
    }

    /// The obstacles `filter` selects, as the profiles list them.
    private func obstacleList(
        _ filter: ObstacleFilter,
        in state: borrowing some KeyValueReader & ~Copyable
    ) throws
        -> JSONValue
    {
        .array(try obstacleReport(filter, in: state).obstacles.map(\.json))
    }

    /// What the record says about one project.
    func projectProfile(_ project: Slug, in state: borrowing some KeyValueReader & ~Copyable) throws -> JSONValue {
        guard let record = try state.record(Key.of(project), in: projects) else {
            throw NotFound(kind: "project", id: project.rawValue)
        }
        var cityList: [JSONValue] = []
        var lighthouse = 0
        var fellow = 0
        var members: [(Slug, String)] = []
        try state.scan(roles, prefix: Key.prefix(project)) { key, value in
            let parts = Key.parts(key)
            if parts.count == 2, let city = Key.slug(parts[1]), let role = Record(bytes: value)?.string(Row.role) {
                members.append((city, role))
            }
            return true
        }
        for (city, role) in members {
            if role == Role.lighthouse.rawValue { lighthouse += 1 } else { fellow += 1 }
            let cityRecord = try state.record(Key.of(city), in: cities)
            cityList.append(
                [
                    "city": .string(city.rawValue), "name": cityRecord?["name"] ?? .null,
                    "country": cityRecord?["country"] ?? .null, "role": .string(role),
                ])
        }
        var demonstrationList: [JSONValue] = []
        let demonstrationIDs = try state.ids(in: demonstrationsByProject, of: project)
        for id in demonstrationIDs {
            guard let demonstration = try state.record(Key.of(id), in: demonstrations) else { continue }
            demonstrationList.append(
                [
                    "demonstration": .string(id.rawValue), "solution": demonstration["solution"] ?? .null,
                    "city": demonstration["city"] ?? .null, "at": demonstration["at"] ?? .null,
                ])
        }
        let totals = try impactTotals(project: project, city: nil, in: state)
        return [
            "project": .string(project.rawValue), "name": record["name"] ?? .null, "call": record["call"] ?? .null,
            "start": record["start"] ?? .null, "end": record["end"] ?? .null,
            "ended": .bool(record[Row.ended] != nil), "ended_at": record[Row.endedAt] ?? .null,
            "registered": record["at"] ?? .null, "position": record["position"] ?? .null,
            "lighthouse_cities": Record.integer(lighthouse), "fellow_cities": Record.integer(fellow),
            "cities": .array(cityList), "demonstrations": .array(demonstrationList),
            "kpis": totals.json["totals"] ?? .null, "published": totals.json["published"] ?? .null,
            "obstacles": try obstacleList(ObstacleFilter(project: project), in: state),
        ]
    }

    /// What the record says about one solution.
    func solutionProfile(_ solution: Slug, in state: borrowing some KeyValueReader & ~Copyable) throws -> JSONValue {
        guard let record = try state.record(Key.of(solution), in: solutions) else {
            throw NotFound(kind: "solution", id: solution.rawValue)
        }
        let demonstrationIDs = try state.ids(in: demonstrationsBySolution, of: solution)
        var demonstrationList: [JSONValue] = []
        for id in demonstrationIDs {
            guard let demonstration = try state.record(Key.of(id), in: demonstrations) else { continue }
            demonstrationList.append(
                [
                    "demonstration": .string(id.rawValue), "city": demonstration["city"] ?? .null,
                    "project": demonstration["project"] ?? .null, "at": demonstration["at"] ?? .null,
                ])
        }
        var positions: [Position] = []
        try state.scan(replicationsBySolution, prefix: Key.prefix(solution)) { key, _ in
            if let position = Key.position(key) { positions.append(position) }
            return true
        }
        var adoptions: [JSONValue] = []
        for position in positions {
            guard let edge = try state.record(position.key, in: replications) else { continue }
            adoptions.append(
                [
                    "city": edge["city"] ?? .null, "from": edge["from"] ?? .null, "at": edge["at"] ?? .null,
                    "position": Record.position(position), "funding": edge["funding"] ?? .null,
                    "project": edge["project"] ?? .null,
                ])
        }
        var planList: [JSONValue] = []
        try state.scan(plans, prefix: Key.prefix(solution)) { _, value in
            if let plan = Record(bytes: value) {
                planList.append(
                    [
                        "city": plan["city"] ?? .null, "from": plan["from"] ?? .null,
                        "project": plan["project"] ?? .null, "at": plan["at"] ?? .null,
                        "position": plan["position"] ?? .null, "status": plan[Row.status] ?? .null,
                        "closed_by": plan[Row.closedBy] ?? .null,
                    ])
            }
            return true
        }
        var tiers: [Slug: Tier] = [:]
        let spread = try record.string("area").flatMap(Area.init(rawValue:)).map { area in
            try self.spread(of: solution, name: record.string("name") ?? "", area: area, tiers: &tiers, in: state)
        }
        return [
            "solution": .string(solution.rawValue), "name": record["name"] ?? .null, "area": record["area"] ?? .null,
            "registered": record["at"] ?? .null, "position": record["position"] ?? .null,
            "demonstrations": .array(demonstrationList), "replications": .array(adoptions), "plans": .array(planList),
            "reach": Record.integer(spread?.reach ?? 0),
            "lighthouse_to_fellow": Record.integer(spread?.lighthouseToFellow ?? 0),
            "obstacles": try obstacleList(ObstacleFilter(solution: solution), in: state),
        ]
    }
}
