import Projections

// The read views of SPEC §5 (and the keys README.md documents for the profiles and CCG views), computed by hand from
// the model's world.

/// A read query, asked of the knowledge base and of the model alike.
enum ModelQuery: CustomStringConvertible {
    case graph(solution: String?, fromTier: String?, toTier: String?, planned: Bool)
    case spread(area: String?)
    case totals(project: String?, city: String?)
    case obstacles(solution: String?, city: String?, project: String?, category: String?, openOnly: Bool)
    case members
    case meetings(year: Int?)
    case travel(year: Int?)
    case city(String)
    case project(String)
    case solution(String)
    case cities
    case projects
    /// `ccg eligibility CITY --meeting M --amount 300`; only whether it is eligible is compared (the reasons are
    /// sentences).
    case eligibility(city: String, meeting: String)

    var description: String {
        switch self {
        case .graph(let solution, let fromTier, let toTier, let planned):
            "graph(solution: \(solution ?? "-"), from-tier: \(fromTier ?? "-"), to-tier: \(toTier ?? "-"), "
                + "planned: \(planned))"
        case .spread(let area): "spread(area: \(area ?? "-"))"
        case .totals(let project, let city): "kpis(project: \(project ?? "-"), city: \(city ?? "-"))"
        case .obstacles(let solution, let city, let project, let category, let openOnly):
            "obstacles(solution: \(solution ?? "-"), city: \(city ?? "-"), project: \(project ?? "-"), "
                + "category: \(category ?? "-"), open: \(openOnly))"
        case .members: "ccg members"
        case .meetings(let year): "ccg meetings(year: \(year.map(String.init) ?? "-"))"
        case .travel(let year): "ccg travel(year: \(year.map(String.init) ?? "-"))"
        case .city(let id): "city \(id)"
        case .project(let id): "project \(id)"
        case .solution(let id): "solution \(id)"
        case .cities: "city list"
        case .projects: "project list"
        case .eligibility(let city, let meeting): "ccg eligibility \(city) --meeting \(meeting) --amount 300"
        }
    }
}

private func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
private func integer(_ value: Int) -> JSONValue { .number(JSONNumber(integer: Int64(value))) }
private func amount(_ hundredths: Int64) -> JSONValue { .number(JSONNumber(totalHundredths: Int128(hundredths))) }

extension ModelWorld {
    /// The name a city, project or solution was registered under in this world; null for no id or no registration.
    func cityName(_ id: String?) -> JSONValue { text(id.flatMap { cities[$0]?.name }) }
    func projectName(_ id: String?) -> JSONValue { text(id.flatMap { projects[$0]?.name }) }
    func solutionName(_ id: String?) -> JSONValue { text(id.flatMap { solutions[$0]?.name }) }

    /// `{id: name}` of the given cities.
    func cityNames(_ ids: some Sequence<String>) -> JSONValue {
        var names = JSONObject()
        for id in Set(ids).sorted() { names[id] = cityName(id) }
        return .object(names)
    }

    func answer(_ query: ModelQuery) -> JSONValue? {
        switch query {
        case .graph(let solution, let fromTier, let toTier, let planned):
            graph(solution: solution, fromTier: fromTier, toTier: toTier, planned: planned)
        case .spread(let area): spreadReport(area: area)
        case .totals(let project, let city): totals(project: project, city: city)
        case .obstacles(let solution, let city, let project, let category, let openOnly):
            obstacleReport(solution: solution, city: city, project: project, category: category, openOnly: openOnly)
        case .members: memberList()
        case .meetings(let year): meetingList(year: year)
        case .travel(let year): travel(year: year)
        case .city(let id): cityProfile(id)
        case .project(let id): projectProfile(id)
        case .solution(let id): solutionProfile(id)
        case .cities: cityList()
        case .projects: projectList()
        case .eligibility(let city, let meeting): ["eligible": .bool(isEligible(city: city, meeting: meeting))]
        }
    }

    /// lighthouse in any project, else fellow in any, else other.
    func tier(_ city: String) -> String {
        let held = roles.values.compactMap { $0[city]?.role }
        return held.contains("lighthouse") ? "lighthouse" : held.contains("fellow") ? "fellow" : "other"
    }

    func lighthouseCities(of project: String) -> [String] {
        (roles[project] ?? [:]).filter { $0.value.role == "lighthouse" }.map(\.key).sorted()
    }

    var openPlans: [Plan] { plans.filter { $0.status == "open" } }

    // MARK: graph

    func graph(solution: String?, fromTier: String?, toTier: String?, planned: Bool) -> JSONValue {
        typealias Edge = (position: Int, json: JSONValue, from: String?, to: String, project: String?, solution: String)
        var edges: [Edge] = replications.map { edge in
            (
                edge.since.position,
                [
                    "solution": .string(edge.solution), "from": text(edge.from), "to": .string(edge.city),
                    "at": .string(edge.since.time.text), "position": integer(edge.since.position),
                    "funding": text(edge.funding), "project": text(edge.project), "status": "done",
                    "source": text(edge.source), "solution_name": solutionName(edge.solution),
                    "from_name": cityName(edge.from), "to_name": cityName(edge.city),
                    "project_name": projectName(edge.project),
                ],
                edge.from, edge.city, edge.project, edge.solution
            )
        }
        if planned {
            edges += openPlans.map { plan in
                (
                    plan.since.position,
                    [
                        "solution": .string(plan.solution), "from": text(plan.from), "to": .string(plan.city),
                        "at": .string(plan.since.time.text), "position": integer(plan.since.position),
                        "funding": .null, "project": text(plan.project), "status": "planned",
                        "source": text(plan.source), "solution_name": solutionName(plan.solution),
                        "from_name": cityName(plan.from), "to_name": cityName(plan.city),
                        "project_name": projectName(plan.project),
                    ],
                    plan.from, plan.city, plan.project, plan.solution
                )
            }
        }
        let kept = edges.sorted { $0.position < $1.position }.filter { edge in
            (solution == nil || edge.solution == solution)
                && (fromTier == nil || (edge.from.map(tier) ?? "lighthouse") == fromTier)
                && (toTier == nil || tier(edge.to) == toTier)
        }
        let nodes = Set(kept.flatMap { [$0.from, $0.to].compactMap { $0 } }).sorted().map { id -> JSONValue in
            [
                "id": .string(id), "name": .string(cities[id]?.name ?? id),
                "country": .string(cities[id]?.country ?? ""),
                "tier": .string(tier(id)),
            ]
        }
        let origins = Set(kept.compactMap { $0.from == nil ? $0.project : nil }).sorted().map { id -> JSONValue in
            [
                "project": .string(id), "name": .string(projects[id]?.name ?? id),
                "lighthouse_cities": .array(lighthouseCities(of: id).map { .string($0) }),
            ]
        }
        return ["nodes": .array(nodes), "edges": .array(kept.map(\.json)), "project_origins": .array(origins)]
    }

    // MARK: spread

    /// The rows, and the names of every city that one of them lists.
    func spreadReport(area: String?) -> JSONValue {
        let rows = spread(area: area)
        let listed = rows.flatMap { row in
            ["demonstrated_in", "adopted_by", "planned_by"].flatMap { key in
                (row[key]?.arrayValue ?? []).compactMap(\.stringValue)
            }
        }
        return ["solutions": .array(rows), "city_names": cityNames(listed)]
    }

    func spread(area: String?) -> [JSONValue] {
        var rows: [(reach: Int, id: String, json: JSONValue)] = []
        for (id, solution) in solutions where area == nil || solution.area == area {
            let demonstrated = Set(demonstrations.values.filter { $0.solution == id }.map(\.city))
            let adoptions = replications.filter { $0.solution == id }
            let adopters = Set(adoptions.map(\.city))
            let planners = Set(openPlans.filter { $0.solution == id }.map(\.city))
            let lighthouseToFellow = adoptions.filter {
                tier($0.city) == "fellow" && ($0.from.map(tier) ?? "lighthouse") == "lighthouse"
            }
            .count
            let reach = demonstrated.union(adopters).count
            rows.append(
                (
                    reach, id,
                    [
                        "solution": .string(id), "name": .string(solution.name), "area": .string(solution.area),
                        "demonstrated_in": .array(demonstrated.sorted().map { .string($0) }),
                        "adopted_by": .array(adopters.sorted().map { .string($0) }),
                        "planned_by": .array(planners.sorted().map { .string($0) }),
                        "lighthouse_to_fellow": integer(lighthouseToFellow), "reach": integer(reach),
                    ]
                )
            )
        }
        return rows.sorted { $0.reach != $1.reach ? $0.reach > $1.reach : $0.id < $1.id }.map(\.json)
    }

    // MARK: kpis

    /// Reported totals over the demonstrations in scope (maximum of a percentage, sum of a count, of each current
    /// report), with the figures published for exactly that scope.
    func totals(project: String?, city: String?) -> JSONValue {
        let inScope = demonstrations.filter { entry in
            (project == nil || entry.value.project == project) && (city == nil || entry.value.city == city)
        }
        var totals = JSONObject()
        for kpi in Self.kpis {
            let current = inScope.keys.compactMap { reports[$0]?[kpi]?.last?.value }
            guard !current.isEmpty else { continue }
            totals[kpi] = amount(
                Self.percentages.contains(kpi) ? current.max() ?? 0 : current.reduce(0, +)
            )
        }
        let scope: String
        switch (project, city) {
        case (let project?, let city?): scope = "project:\(project)/city:\(city)"
        case (let project?, nil): scope = "project:\(project)"
        case (nil, let city?): scope = "city:\(city)"
        case (nil, nil): scope = "*"
        }
        var figures = JSONObject()
        for kpi in Self.kpis {
            if let figure = published[scope]?[kpi]?.last { figures[kpi] = amount(figure.value) }
        }
        return ["totals": .object(totals), "demonstrations": integer(inScope.count), "published": .object(figures)]
    }

    // MARK: obstacles

    func obstacleEntries(
        solution: String? = nil,
        city: String? = nil,
        project: String? = nil,
        category: String? = nil,
        openOnly: Bool = false
    ) -> [JSONValue] {
        obstacles.filter { entry in
            let obstacle = entry.value
            return (solution == nil || obstacle.solution == solution) && (city == nil || obstacle.city == city)
                && (project == nil || obstacle.project == project)
                && (category == nil || obstacle.category == category) && (!openOnly || obstacle.overcome == nil)
        }
        .sorted { $0.value.since.position < $1.value.since.position }
        .map { id, obstacle in
            [
                "obstacle": .string(id), "category": .string(obstacle.category), "text": .string(obstacle.text),
                "solution": text(obstacle.solution), "city": text(obstacle.city), "project": text(obstacle.project),
                "solution_name": solutionName(obstacle.solution), "city_name": cityName(obstacle.city),
                "project_name": projectName(obstacle.project),
                "at": .string(obstacle.since.time.text), "position": integer(obstacle.since.position),
                "overcome": obstacle.overcome.map {
                    [
                        "how": .string($0.how), "at": .string($0.when.time.text),
                        "position": integer($0.when.position),
                    ]
                } ?? .null,
            ]
        }
    }

    func obstacleReport(
        solution: String?,
        city: String?,
        project: String?,
        category: String?,
        openOnly: Bool
    ) -> JSONValue {
        let listed = obstacleEntries(
            solution: solution,
            city: city,
            project: project,
            category: category,
            openOnly: openOnly
        )
        var counts = JSONObject()
        for name in Self.categories {
            let ofCategory = listed.filter { $0["category"]?.stringValue == name }
            counts[name] = [
                "reported": integer(ofCategory.count),
                "overcome": integer(ofCategory.filter { $0["overcome"] != .null }.count),
            ]
        }
        return ["obstacles": .array(listed), "by_category": .object(counts)]
    }

    // MARK: CCG

    func attended(by city: String) -> [String] {
        attendance.filter { $0.value[city] != nil }.map(\.key).sorted()
    }

    func memberList() -> JSONValue {
        let list = members.sorted { $0.key < $1.key }.map { city, since -> JSONValue in
            [
                "city": .string(city), "name": text(cities[city]?.name), "country": text(cities[city]?.country),
                "since": .string(since.time.text), "position": integer(since.position),
                "meetings_attended": integer(attended(by: city).count),
            ]
        }
        return ["members": .array(list)]
    }

    func meetingList(year: Int?) -> JSONValue {
        let chosen =
            meetings
            .filter { year == nil || $0.value.on.hasPrefix("\(year ?? 0)-") }
            .sorted { ($0.value.on, $0.key) < ($1.value.on, $1.key) }
        let attendees = chosen.flatMap { (attendance[$0.key] ?? [:]).keys }
        let list =
            chosen
            .map { id, meeting -> JSONValue in
                [
                    "meeting": .string(id), "kind": .string(meeting.kind), "format": .string(meeting.format),
                    "on": .string(meeting.on), "place": text(meeting.place),
                    "attendees": .array((attendance[id] ?? [:]).keys.sorted().map { .string($0) }),
                ]
            }
        return ["meetings": .array(list), "city_names": cityNames(attendees)]
    }

    func travel(year: Int?) -> JSONValue {
        let chosen = contributions.filter { year == nil || $0.year == year }
        let list = chosen.sorted { ($0.city, $0.meeting) < ($1.city, $1.meeting) }.map { entry -> JSONValue in
            [
                "city": .string(entry.city), "city_name": cityName(entry.city), "meeting": .string(entry.meeting),
                "amount_eur": amount(entry.amount),
                "year": integer(entry.year), "at": .string(entry.since.time.text),
                "position": integer(entry.since.position),
            ]
        }
        var years: [String: [String: (trips: Int, total: Int64)]] = [:]
        for entry in chosen {
            let used = years[entry.city]?[String(entry.year)] ?? (0, 0)
            years[entry.city, default: [:]][String(entry.year)] = (used.trips + 1, used.total + entry.amount)
        }
        var totals: [JSONValue] = []
        for city in years.keys.sorted() {
            for (year, used) in (years[city] ?? [:]).sorted(by: { $0.key < $1.key }) {
                totals.append([
                    "city": .string(city), "city_name": cityName(city), "year": integer(Int(year) ?? 0),
                    "trips": integer(used.trips),
                    "total_eur": amount(used.total),
                ])
            }
        }
        return ["contributions": .array(list), "totals": .array(totals)]
    }

    /// The CCG travel rules for a contribution of 300 EUR, asked without an event (so without its date).
    func isEligible(city: String, meeting id: String) -> Bool {
        guard cities[city] != nil, members[city] != nil, let meeting = meetings[id], meeting.format == "physical"
        else { return false }
        let inEndedProject = roles.contains { project, members in
            members[city] != nil && projects[project]?.ended != nil
        }
        let thatYear = contributions.filter { $0.city == city && $0.year == meeting.year }
        return inEndedProject && !contributions.contains { $0.city == city && $0.meeting == id }
            && thatYear.count < 2 && thatYear.reduce(0, { $0 + $1.amount }) + 300_00 <= 900_00
    }

    // MARK: profiles and lists

    func cityProfile(_ id: String) -> JSONValue? {
        guard let city = cities[id] else { return nil }
        let projectList = roles.compactMap { project, members in members[id].map { (project, $0.role) } }
            .sorted { $0.0 < $1.0 }
            .map { project, role -> JSONValue in
                ["project": .string(project), "project_name": projectName(project), "role": .string(role)]
            }
        let demonstrationList = demonstrations.filter { $0.value.city == id }.sorted { $0.key < $1.key }
            .map { demonstration, entry -> JSONValue in
                [
                    "demonstration": .string(demonstration), "solution": .string(entry.solution),
                    "solution_name": solutionName(entry.solution), "project": text(entry.project),
                    "project_name": projectName(entry.project), "at": .string(entry.since.time.text),
                ]
            }
        /// A replication seen from this city: `other` is the key of the city at the other end, and its id.
        func edge(_ replication: Replication, _ other: (key: String, city: String?)) -> JSONValue {
            var object: JSONObject = [
                "solution": .string(replication.solution), "solution_name": solutionName(replication.solution),
                "at": .string(replication.since.time.text), "position": integer(replication.since.position),
                "funding": text(replication.funding), "project": text(replication.project),
                "project_name": projectName(replication.project),
            ]
            object[other.key] = text(other.city)
            object[other.key + "_name"] = cityName(other.city)
            return .object(object)
        }
        let replicationsIn = replications.filter { $0.city == id }.map { edge($0, ("from", $0.from)) }
        let replicationsOut = replications.filter { $0.from == id }.map { edge($0, ("to", $0.city)) }
        let planList = openPlans.filter { $0.city == id || $0.from == id }.map { plan -> JSONValue in
            [
                "solution": .string(plan.solution), "solution_name": solutionName(plan.solution),
                "city": .string(plan.city), "city_name": cityName(plan.city), "from": text(plan.from),
                "from_name": cityName(plan.from), "project": text(plan.project),
                "project_name": projectName(plan.project), "at": .string(plan.since.time.text),
                "position": integer(plan.since.position),
            ]
        }
        let travelList = contributions.filter { $0.city == id }.sorted { $0.meeting < $1.meeting }
            .map { entry -> JSONValue in
                [
                    "meeting": .string(entry.meeting), "amount_eur": amount(entry.amount), "year": integer(entry.year),
                    "position": integer(entry.since.position),
                ]
            }
        let grantList = grants.filter { $0.value.city == id }.sorted { $0.key < $1.key }
            .map { grant, entry -> JSONValue in
                [
                    "grant": .string(grant), "programme": .string(entry.programme),
                    "solution": .string(entry.solution), "solution_name": solutionName(entry.solution),
                    "amount_eur": amount(entry.amount),
                ]
            }
        let contactList = contacts.filter { $0.value.city == id }.sorted { $0.key < $1.key }
        let membership = members[id]
        return [
            "city": .string(id), "name": .string(city.name), "country": .string(city.country),
            "tier": .string(tier(id)), "registered": .string(city.since.time.text),
            "position": integer(city.since.position), "projects": .array(projectList),
            "demonstrations": .array(demonstrationList), "replications_in": .array(replicationsIn),
            "replications_out": .array(replicationsOut), "open_plans": .array(planList),
            "ccg": [
                "member": .bool(membership != nil), "since": text(membership?.time.text),
                "meetings_attended": .array(attended(by: id).map { .string($0) }), "travel": .array(travelList),
            ],
            "grants": .array(grantList),
            "obstacles": .array(obstacleEntries(city: id)),
            "location": locations[id].map { ["lat": amount($0.lat), "lon": amount($0.lon), "position": integer($0.position)] }
                ?? .null,
            "contact": [
                "held": .bool(contactList.contains { $0.value.erased == nil }),
                "contacts": .array(
                    contactList.map { contact, entry in
                        [
                            "contact": .string(contact), "since": .string(entry.since.time.text),
                            "position": integer(entry.since.position),
                            "erased": entry.erased.map { integer($0.position) } ?? .null,
                        ]
                    }
                ),
            ],
        ]
    }

    func projectProfile(_ id: String) -> JSONValue? {
        guard let project = projects[id] else { return nil }
        let members = (roles[id] ?? [:]).sorted { $0.key < $1.key }
        let cityList = members.map { city, role -> JSONValue in
            [
                "city": .string(city), "name": text(cities[city]?.name), "country": text(cities[city]?.country),
                "role": .string(role.role),
            ]
        }
        let demonstrationList = demonstrations.filter { $0.value.project == id }.sorted { $0.key < $1.key }
            .map { demonstration, entry -> JSONValue in
                [
                    "demonstration": .string(demonstration), "solution": .string(entry.solution),
                    "solution_name": solutionName(entry.solution), "city": .string(entry.city),
                    "city_name": cityName(entry.city), "at": .string(entry.since.time.text),
                ]
            }
        let kpis = totals(project: id, city: nil)
        return [
            "project": .string(id), "name": .string(project.name), "call": .null, "start": .null, "end": .null,
            "ended": .bool(project.ended != nil), "ended_at": text(project.ended?.time.text),
            "registered": .string(project.since.time.text), "position": integer(project.since.position),
            "lighthouse_cities": integer(members.filter { $0.value.role == "lighthouse" }.count),
            "fellow_cities": integer(members.filter { $0.value.role != "lighthouse" }.count),
            "cities": .array(cityList), "demonstrations": .array(demonstrationList),
            "kpis": kpis["totals"] ?? .null, "published": kpis["published"] ?? .null,
            "obstacles": .array(obstacleEntries(project: id)),
        ]
    }

    func solutionProfile(_ id: String) -> JSONValue? {
        guard let solution = solutions[id] else { return nil }
        let demonstrationList = demonstrations.filter { $0.value.solution == id }.sorted { $0.key < $1.key }
            .map { demonstration, entry -> JSONValue in
                [
                    "demonstration": .string(demonstration), "city": .string(entry.city),
                    "city_name": cityName(entry.city), "project": text(entry.project),
                    "project_name": projectName(entry.project), "at": .string(entry.since.time.text),
                ]
            }
        let adoptions = replications.filter { $0.solution == id }.map { edge -> JSONValue in
            [
                "city": .string(edge.city), "city_name": cityName(edge.city), "from": text(edge.from),
                "from_name": cityName(edge.from), "at": .string(edge.since.time.text),
                "position": integer(edge.since.position), "funding": text(edge.funding),
                "project": text(edge.project), "project_name": projectName(edge.project),
            ]
        }
        let planList = plans.filter { $0.solution == id }.sorted { ($0.city, $0.origin) < ($1.city, $1.origin) }
            .map { plan -> JSONValue in
                [
                    "city": .string(plan.city), "city_name": cityName(plan.city), "from": text(plan.from),
                    "from_name": cityName(plan.from), "project": text(plan.project),
                    "project_name": projectName(plan.project), "at": .string(plan.since.time.text),
                    "position": integer(plan.since.position),
                    "status": .string(plan.status), "closed_by": plan.closedBy.map(integer) ?? .null,
                ]
            }
        let row = spread(area: nil).first { $0["solution"]?.stringValue == id }
        return [
            "solution": .string(id), "name": .string(solution.name), "area": .string(solution.area),
            "registered": .string(solution.since.time.text), "position": integer(solution.since.position),
            "demonstrations": .array(demonstrationList), "replications": .array(adoptions), "plans": .array(planList),
            "reach": row?["reach"] ?? integer(0), "lighthouse_to_fellow": row?["lighthouse_to_fellow"] ?? integer(0),
            "obstacles": .array(obstacleEntries(solution: id)),
        ]
    }

    func cityList() -> JSONValue {
        var mentioned = JSONObject()
        for (project, members) in roles where members.keys.contains(where: { cities[$0] != nil }) {
            mentioned[project] = projectName(project)
        }
        let list = cities.sorted { $0.key < $1.key }.map { id, city -> JSONValue in
            let memberships = roles.compactMap { project, members in members[id].map { (project, $0.role) } }
                .sorted { $0.0 < $1.0 }.map { JSONValue.string("\($0.0):\($0.1)") }
            return [
                "city": .string(id), "name": .string(city.name), "country": .string(city.country),
                "tier": .string(tier(id)), "projects": .array(memberships),
                "lat": locations[id].map { amount($0.lat) } ?? .null, "lon": locations[id].map { amount($0.lon) } ?? .null,
            ]
        }
        return ["cities": .array(list), "project_names": .object(mentioned)]
    }

    func projectList() -> JSONValue {
        let list = projects.sorted { $0.key < $1.key }.map { id, project -> JSONValue in
            let members = (roles[id] ?? [:]).values
            return [
                "project": .string(id), "name": .string(project.name), "start": .null, "end": .null,
                "ended": .bool(project.ended != nil),
                "lighthouse_cities": integer(members.filter { $0.role == "lighthouse" }.count),
                "fellow_cities": integer(members.filter { $0.role != "lighthouse" }.count),
            ]
        }
        return ["projects": .array(list)]
    }
}
