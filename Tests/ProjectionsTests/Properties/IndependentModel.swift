import Projections

// An in-memory model of the event catalogue's rules and of the read views, written from SPEC §4 and §5 alone: plain
// dictionaries and arrays of the entities, fed with nothing but the text each random event was made from (its type
// name, its fields as written, its id and `at`). It shares no code with the knowledge base's rules, fold or views;
// it uses the JSON types only to write its answers in the shape the views print.

/// A moment or a whole day of valid time, in seconds since 1970: a date covers its day, an instant one second.
struct ModelTime: Equatable {
    let text: String
    let earliest: Int64
    let latest: Int64

    /// Reads `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (the forms the random history and the recording clock write).
    init?(_ text: String) {
        let digits = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= digits.count else { return nil }
            var value: Int64 = 0
            for byte in digits[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard digits.count >= 10, let year = number(0..<4), let month = number(5..<7), let day = number(8..<10)
        else { return nil }
        let midnight = ModelTime.days(year: year, month: month, day: day) * 86_400
        self.text = text
        if digits.count == 10 {
            earliest = midnight
            latest = midnight + 86_399
        } else {
            guard digits.count == 20, let hour = number(11..<13), let minute = number(14..<16),
                let second = number(17..<19)
            else { return nil }
            earliest = midnight + hour * 3600 + minute * 60 + second
            latest = earliest
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Whether this time lies wholly before `other` (the date-order rule refuses an event dated so).
    func isBefore(_ other: ModelTime) -> Bool { latest < other.earliest }
}

/// Hundredths of a decimal written with at most two fractional digits (`12`, `12.5`, `12.50`).
func modelHundredths(_ text: String) -> Int64? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard let whole = parts.first.flatMap({ Int64($0) }), parts.count <= 2 else { return nil }
    var fraction: Int64 = 0
    if parts.count == 2 {
        let digits = String(parts[1])
        guard (1...2).contains(digits.count), let value = Int64(digits) else { return nil }
        fraction = digits.count == 1 ? value * 10 : value
    }
    return whole * 100 + (text.hasPrefix("-") ? -fraction : fraction)
}

/// One accepted event as the model keeps it.
struct ModelFact {
    let position: Int
    let type: String
    let data: [String: String]
    let time: ModelTime
    /// Where the fact comes from, as the event gives it.
    var source: String? = nil

    subscript(_ field: String) -> String? { data[field] }

    /// A field the catalogue requires (the history only builds events that have it).
    func required(_ field: String) -> String { data[field] ?? "" }
}

/// When and where an entity or a fact entered the record.
struct Dated {
    let position: Int
    let time: ModelTime
}

/// The state of the world after a sequence of facts: the fold, by hand.
struct ModelWorld {
    struct Project {
        var name: String
        var since: Dated
        var ended: Dated?
    }
    struct City {
        var name: String
        var country: String
        var since: Dated
    }
    struct Role {
        var role: String
        var since: Dated
    }
    struct Solution {
        var name: String
        var area: String
        var since: Dated
    }
    struct Demonstration {
        var solution: String
        var city: String
        var project: String?
        var since: Dated
    }
    struct Replication {
        var solution: String
        var city: String
        var from: String?
        var project: String?
        var funding: String?
        var since: Dated
        /// The `source` of the SolutionReplicated event.
        var source: String?
        var origin: String { from ?? "project:" + (project ?? "") }
    }
    struct Plan {
        var solution: String
        var city: String
        var from: String?
        var project: String?
        var since: Dated
        /// The `source` of the ReplicationPlanned event.
        var source: String?
        var status = "open"
        var closedBy: Int?
        var origin: String { from ?? "project:" + (project ?? "") }
    }
    struct Meeting {
        var kind: String
        var format: String
        var on: String
        var place: String?
        var since: Dated
        var year: Int { Int(on.prefix(4)) ?? 0 }
    }
    struct Contribution {
        var city: String
        var meeting: String
        var amount: Int64
        var year: Int
        var since: Dated
    }
    struct Grant {
        var programme: String
        var city: String
        var solution: String
        var amount: Int64
        var since: Dated
    }
    struct Obstacle {
        var category: String
        var text: String
        var solution: String?
        var city: String?
        var project: String?
        var since: Dated
        var overcome: (how: String, when: Dated)?
    }
    struct Contact {
        var city: String
        var since: Dated
        var erased: Dated?
    }
    struct Figure {
        var value: Int64
        var position: Int
    }

    var projects: [String: Project] = [:]
    var cities: [String: City] = [:]
    /// project → city → role.
    var roles: [String: [String: Role]] = [:]
    var solutions: [String: Solution] = [:]
    var demonstrations: [String: Demonstration] = [:]
    /// demonstration → kpi → reports in log order; the last one is current.
    var reports: [String: [String: [Figure]]] = [:]
    var replications: [Replication] = []
    var plans: [Plan] = []
    var members: [String: Dated] = [:]
    /// city → its last CityLeftCCG.
    var lastLeft: [String: Dated] = [:]
    var meetings: [String: Meeting] = [:]
    /// meeting → city → attendance.
    var attendance: [String: [String: Dated]] = [:]
    var contributions: [Contribution] = []
    var grants: [String: Grant] = [:]
    var obstacles: [String: Obstacle] = [:]
    /// scope → kpi → figures in log order; the last one is current.
    var published: [String: [String: [Figure]]] = [:]
    var contacts: [String: Contact] = [:]
    /// city → its location (hundredths of a degree) and the position of the CityLocated; the last applied stands.
    var locations: [String: (lat: Int64, lon: Int64, position: Int)] = [:]

    static let percentages: Set<String> = ["energy_saved_pct", "co2_reduced_pct"]
    static let kpis = [
        "energy_saved_pct", "co2_reduced_pct", "smart_meters", "floor_area_m2", "e_vehicles", "charging_stations",
        "citizens_engaged",
    ]
    static let categories = [
        "legislative", "procurement", "financial", "technical", "data-privacy", "organisational", "social",
    ]

    // MARK: The rules (SPEC §4), each answering why an event is refused, or nil

    func refusal(of fact: ModelFact) -> String? {
        let at = fact.time
        /// An entity that must exist and be dated no later than the event.
        func known<T>(_ kind: String, _ id: String, _ table: [String: T], _ since: (T) -> Dated) -> String? {
            guard let entry = table[id] else { return "\(kind) \(id) is not registered" }
            return notBefore(since(entry), "\(kind) \(id)")
        }
        func notBefore(_ dated: Dated, _ what: String) -> String? {
            at.isBefore(dated.time) ? "dated before \(what) (position \(dated.position))" : nil
        }
        func city(_ id: String) -> String? { known("city", id, cities, \.since) }
        func project(_ id: String) -> String? { known("project", id, projects, \.since) }
        func solution(_ id: String) -> String? { known("solution", id, solutions, \.since) }
        func inProject(_ city: String, _ project: String) -> String? {
            guard let role = roles[project]?[city] else { return "city \(city) is not in project \(project)" }
            return notBefore(role.since, "city \(city) joining project \(project)")
        }
        func value(_ kpi: String, _ text: String) -> String? {
            guard let hundredths = modelHundredths(text) else { return "value \(text) unreadable" }
            if hundredths < 0 { return "negative value" }
            if Self.percentages.contains(kpi) && hundredths > 100_00 { return "percentage above 100" }
            return nil
        }
        func first(_ checks: String?...) -> String? { checks.compactMap { $0 }.first }

        switch fact.type {
        case "ProjectRegistered":
            return projects[fact.required("project")] == nil ? nil : "project already registered"
        case "ProjectEnded":
            let id = fact.required("project")
            return first(project(id), projects[id]?.ended == nil ? nil : "project already ended")
        case "CityRegistered":
            return cities[fact.required("city")] == nil ? nil : "city already registered"
        case "CityJoinedProject":
            let (cityID, projectID) = (fact.required("city"), fact.required("project"))
            return first(
                city(cityID),
                project(projectID),
                roles[projectID]?[cityID] == nil ? nil : "city already in the project",
                projects[projectID]?.ended == nil ? nil : "project has ended"
            )
        case "SolutionCatalogued":
            return solutions[fact.required("solution")] == nil ? nil : "solution already catalogued"
        case "DemonstrationReported":
            let cityID = fact.required("city")
            return first(
                demonstrations[fact.required("demonstration")] == nil ? nil : "demonstration already reported",
                solution(fact.required("solution")),
                city(cityID),
                fact["project"].flatMap { project($0) ?? inProject(cityID, $0) }
            )
        case "ImpactReported":
            return first(
                known("demonstration", fact.required("demonstration"), demonstrations, \.since),
                value(fact.required("kpi"), fact.required("value"))
            )
        case "ReplicationPlanned", "SolutionReplicated":
            return replicationRefusal(fact, city: city, project: project, solution: solution)
        case "CityJoinedCCG":
            let id = fact.required("city")
            return first(
                city(id),
                members[id] == nil ? nil : "already a member",
                lastLeft[id].flatMap { notBefore($0, "leaving the CCG") }
            )
        case "CityLeftCCG":
            let id = fact.required("city")
            guard let membership = members[id] else { return city(id) ?? "not a member" }
            return first(city(id), notBefore(membership, "joining the CCG"))
        case "MeetingScheduled":
            return meetings[fact.required("meeting")] == nil ? nil : "meeting already scheduled"
        case "MeetingAttended":
            let (meetingID, cityID) = (fact.required("meeting"), fact.required("city"))
            guard let membership = members[cityID] else { return "not a member" }
            return first(
                known("meeting", meetingID, meetings, \.since),
                city(cityID),
                notBefore(membership, "joining the CCG"),
                attendance[meetingID]?[cityID] == nil ? nil : "already attended"
            )
        case "TravelContributionGranted":
            return travelRefusal(fact, notBefore: notBefore)
        case "GrantAwarded":
            let solutionID = fact.required("solution")
            let proven = demonstrations.values.contains { $0.solution == solutionID && !at.isBefore($0.since.time) }
            return first(
                grants[fact.required("grant")] == nil ? nil : "grant already awarded",
                city(fact.required("city")),
                solution(solutionID),
                (modelHundredths(fact.required("amount_eur")) ?? 0) > 0 ? nil : "amount not above 0",
                proven ? nil : "solution not demonstrated by then"
            )
        case "ContactRegistered":
            let cityID = fact.required("city")
            guard let membership = members[cityID] else { return "not a member" }
            return first(
                contacts[fact.required("contact")] == nil ? nil : "contact already registered",
                city(cityID),
                notBefore(membership, "joining the CCG")
            )
        case "ContactErased":
            let id = fact.required("contact")
            return first(
                known("contact", id, contacts, \.since),
                contacts[id]?.erased == nil ? nil : "contact already erased"
            )
        case "ObstacleReported":
            return first(
                obstacles[fact.required("obstacle")] == nil ? nil : "obstacle already reported",
                fact["solution"].flatMap(solution),
                fact["city"].flatMap(city),
                fact["project"].flatMap(project),
                fact["city"].flatMap { city in fact["project"].flatMap { inProject(city, $0) } }
            )
        case "ObstacleOvercome":
            let id = fact.required("obstacle")
            return first(
                known("obstacle", id, obstacles, \.since),
                obstacles[id]?.overcome == nil ? nil : "obstacle already overcome"
            )
        case "CityLocated":
            let lat = modelHundredths(fact.required("lat")) ?? Int64.max
            let lon = modelHundredths(fact.required("lon")) ?? Int64.max
            return first(
                city(fact.required("city")),
                abs(lat) <= 90_00 ? nil : "lat outside -90 to 90",
                abs(lon) <= 180_00 ? nil : "lon outside -180 to 180"
            )
        case "ImpactPublished":
            return first(
                value(fact.required("kpi"), fact.required("value")),
                fact["project"].flatMap(project),
                fact["city"].flatMap(city),
                fact["city"].flatMap { city in fact["project"].flatMap { inProject(city, $0) } }
            )
        default:
            return "unknown type \(fact.type)"
        }
    }

    /// Plans and replications: the origin (`from`, else the project's lighthouse cities) has demonstrated or adopted
    /// the solution by the event's date; the city is another one and has neither; a plan is not open twice.
    private func replicationRefusal(
        _ fact: ModelFact,
        city: (String) -> String?,
        project: (String) -> String?,
        solution: (String) -> String?
    ) -> String? {
        let (solutionID, cityID) = (fact.required("solution"), fact.required("city"))
        if let refusal = solution(solutionID) ?? city(cityID) { return refusal }
        if let from = fact["from"] {
            if let refusal = city(from) { return refusal }
            if from == cityID { return "replication from itself" }
        }
        if let projectID = fact["project"], let refusal = project(projectID) { return refusal }
        let holders: [String]
        if let from = fact["from"] {
            holders = [from]
        } else {
            let projectID = fact.required("project")
            holders = (roles[projectID] ?? [:]).filter { $0.value.role == "lighthouse" }.map(\.key)
            if holders.isEmpty { return "project has no lighthouse city" }
        }
        let served = holders.contains { holder in
            holder != cityID && holdings(of: solutionID, by: holder).contains { !fact.time.isBefore($0.time) }
        }
        if !served { return "the origin has not demonstrated or adopted the solution by then" }
        if !holdings(of: solutionID, by: cityID).isEmpty { return "the city has the solution already" }
        if fact.type == "ReplicationPlanned" {
            let origin = fact["from"] ?? "project:" + fact.required("project")
            if plans.contains(where: {
                $0.status == "open" && $0.solution == solutionID && $0.city == cityID && $0.origin == origin
            }) {
                return "an open plan from the same origin exists"
            }
        }
        return nil
    }

    /// The CCG travel rules.
    private func travelRefusal(_ fact: ModelFact, notBefore: (Dated, String) -> String?) -> String? {
        let (cityID, meetingID) = (fact.required("city"), fact.required("meeting"))
        let amount = modelHundredths(fact.required("amount_eur")) ?? 0
        guard cities[cityID] != nil else { return "city not registered" }
        guard let membership = members[cityID] else { return "not a member" }
        guard let meeting = meetings[meetingID] else { return "meeting not scheduled" }
        if meeting.format != "physical" { return "not a physical meeting" }
        let endedProjects = roles.filter { $0.value[cityID] != nil }.compactMap { projects[$0.key]?.ended }
        if endedProjects.isEmpty { return "not in a project that has ended" }
        if contributions.contains(where: { $0.city == cityID && $0.meeting == meetingID }) {
            return "already has a contribution for the meeting"
        }
        if amount <= 0 || amount > 450_00 { return "amount outside 0 < amount <= 450" }
        let thatYear = contributions.filter { $0.city == cityID && $0.year == meeting.year }
        if thatYear.count >= 2 { return "two trips that year already" }
        if thatYear.reduce(0, { $0 + $1.amount }) + amount > 900_00 { return "above 900 EUR that year" }
        if let refusal = notBefore(membership, "joining the CCG") ?? notBefore(meeting.since, "the meeting") {
            return refusal
        }
        if !endedProjects.contains(where: { !fact.time.isBefore($0.time) }) {
            return "dated before the end of every project of the city that has ended"
        }
        return nil
    }

    /// When `city` demonstrated or adopted `solution`: every such fact.
    func holdings(of solution: String, by city: String) -> [Dated] {
        demonstrations.values.filter { $0.solution == solution && $0.city == city }.map(\.since)
            + replications.filter { $0.solution == solution && $0.city == city }.map(\.since)
    }

    // MARK: The fold

    mutating func apply(_ fact: ModelFact) {
        let since = Dated(position: fact.position, time: fact.time)
        switch fact.type {
        case "ProjectRegistered":
            projects[fact.required("project")] = Project(name: fact.required("name"), since: since)
        case "ProjectEnded":
            projects[fact.required("project")]?.ended = since
        case "CityRegistered":
            cities[fact.required("city")] = City(
                name: fact.required("name"),
                country: fact.required("country"),
                since: since
            )
        case "CityJoinedProject":
            roles[fact.required("project"), default: [:]][fact.required("city")] = Role(
                role: fact.required("role"),
                since: since
            )
        case "SolutionCatalogued":
            solutions[fact.required("solution")] = Solution(
                name: fact.required("name"),
                area: fact.required("area"),
                since: since
            )
        case "DemonstrationReported":
            demonstrations[fact.required("demonstration")] = Demonstration(
                solution: fact.required("solution"),
                city: fact.required("city"),
                project: fact["project"],
                since: since
            )
        case "ImpactReported":
            reports[fact.required("demonstration"), default: [:]][fact.required("kpi"), default: []].append(
                Figure(value: modelHundredths(fact.required("value")) ?? 0, position: fact.position)
            )
        case "ReplicationPlanned":
            plans.append(
                Plan(
                    solution: fact.required("solution"),
                    city: fact.required("city"),
                    from: fact["from"],
                    project: fact["project"],
                    since: since,
                    source: fact.source
                )
            )
        case "SolutionReplicated":
            let replication = Replication(
                solution: fact.required("solution"),
                city: fact.required("city"),
                from: fact["from"],
                project: fact["project"],
                funding: fact["funding"],
                since: since,
                source: fact.source
            )
            replications.append(replication)
            for index in plans.indices
            where plans[index].status == "open" && plans[index].solution == replication.solution
                && plans[index].city == replication.city
            {
                plans[index].status = plans[index].origin == replication.origin ? "fulfilled" : "closed"
                plans[index].closedBy = fact.position
            }
        case "CityJoinedCCG":
            members[fact.required("city")] = since
        case "CityLeftCCG":
            members[fact.required("city")] = nil
            lastLeft[fact.required("city")] = since
        case "MeetingScheduled":
            meetings[fact.required("meeting")] = Meeting(
                kind: fact.required("kind"),
                format: fact.required("format"),
                on: fact.required("on"),
                place: fact["place"],
                since: since
            )
        case "MeetingAttended":
            attendance[fact.required("meeting"), default: [:]][fact.required("city")] = since
        case "TravelContributionGranted":
            contributions.append(
                Contribution(
                    city: fact.required("city"),
                    meeting: fact.required("meeting"),
                    amount: modelHundredths(fact.required("amount_eur")) ?? 0,
                    year: meetings[fact.required("meeting")]?.year ?? 0,
                    since: since
                )
            )
        case "GrantAwarded":
            grants[fact.required("grant")] = Grant(
                programme: fact.required("programme"),
                city: fact.required("city"),
                solution: fact.required("solution"),
                amount: modelHundredths(fact.required("amount_eur")) ?? 0,
                since: since
            )
        case "ContactRegistered":
            contacts[fact.required("contact")] = Contact(city: fact.required("city"), since: since)
        case "ContactErased":
            contacts[fact.required("contact")]?.erased = since
        case "ObstacleReported":
            obstacles[fact.required("obstacle")] = Obstacle(
                category: fact.required("category"),
                text: fact.required("text"),
                solution: fact["solution"],
                city: fact["city"],
                project: fact["project"],
                since: since
            )
        case "ObstacleOvercome":
            obstacles[fact.required("obstacle")]?.overcome = (fact.required("how"), since)
        case "CityLocated":
            locations[fact.required("city")] = (
                modelHundredths(fact.required("lat")) ?? 0, modelHundredths(fact.required("lon")) ?? 0, fact.position
            )
        case "ImpactPublished":
            let scope: String
            switch (fact["project"], fact["city"]) {
            case (let project?, let city?): scope = "project:\(project)/city:\(city)"
            case (let project?, nil): scope = "project:\(project)"
            case (nil, let city?): scope = "city:\(city)"
            case (nil, nil): scope = "*"
            }
            published[scope, default: [:]][fact.required("kpi"), default: []].append(
                Figure(value: modelHundredths(fact.required("value")) ?? 0, position: fact.position)
            )
        default:
            break
        }
    }
}

/// The model of the knowledge base: the accepted facts, the retractions among them, and the world they make.
struct KnowledgeModel {
    enum Decision: Equatable {
        case appended(position: Int)
        case skipped(position: Int)
        case refused(String)
    }

    /// Every accepted event, retractions included, in log order (index = position - 1).
    private(set) var log: [ModelFact] = []
    /// target → the position of its retraction.
    private(set) var retractedBy: [Int: Int] = [:]
    /// id → the position that carries it, and its content as given.
    private var ids: [String: (position: Int, content: [String: String], at: String)] = [:]
    /// The fold of every accepted event that is neither a retraction nor retracted.
    private(set) var world = ModelWorld()

    /// The facts that count: not retractions, not retracted.
    var live: [ModelFact] { log.filter { $0.type != "EventRetracted" && retractedBy[$0.position] == nil } }

    /// Offers one event; `clock` is the moment of recording, the `at` of an event that gives none.
    mutating func offer(_ event: GeneratedEvent, clock: String) -> Decision {
        var content: [String: String] = ["type": event.type]
        for field in event.fields { content["data." + field.name] = field.value }
        if let source = event.source { content["source"] = source }
        if let id = event.id, let stored = ids[id] {
            let sameAt = event.at.map { $0 == stored.at } ?? true
            return stored.content == content && sameAt ? .skipped(position: stored.position) : .refused("id reused")
        }
        guard let time = ModelTime(event.at ?? clock) else { return .refused("unreadable time") }
        var data: [String: String] = [:]
        for field in event.fields { data[field.name] = field.value }
        let fact = ModelFact(
            position: log.count + 1,
            type: event.type,
            data: data,
            time: time,
            source: event.source
        )
        if fact.type == "EventRetracted" {
            if let refusal = retract(fact) { return .refused(refusal) }
        } else {
            if let refusal = world.refusal(of: fact) { return .refused(refusal) }
            world.apply(fact)
        }
        log.append(fact)
        if let id = event.id { ids[id] = (fact.position, content, time.text) }
        return .appended(position: fact.position)
    }

    /// SPEC §4: the target exists, is no retraction, is not retracted yet; the retraction is refused while a later
    /// unretracted event needs the target (re-checked against the world without it); else the target stops counting.
    private mutating func retract(_ retraction: ModelFact) -> String? {
        guard let target = Int(retraction.required("position")), target >= 1, target <= log.count else {
            return "no such position"
        }
        let targetType = log[target - 1].type
        if targetType == "EventRetracted" { return "a retraction" }
        if targetType == "ContactRegistered" || targetType == "ContactErased" { return "a contact event" }
        if let earlier = retractedBy[target] { return "already retracted by \(earlier)" }
        var rebuilt = ModelWorld()
        for fact in live where fact.position != target {
            if fact.position > target, let refusal = rebuilt.refusal(of: fact) {
                return "position \(target) is needed by position \(fact.position): \(refusal)"
            }
            rebuilt.apply(fact)
        }
        world = rebuilt
        retractedBy[target] = retraction.position
        return nil
    }

    /// The world as the record stood after `position` (retractions after it do not count), about the world through
    /// `asOf` (facts dated later do not count).
    func world(through position: Int, asOf: ModelTime? = nil) -> ModelWorld {
        var result = ModelWorld()
        for fact in log.prefix(position) where fact.type != "EventRetracted" {
            if let by = retractedBy[fact.position], by <= position { continue }
            if let asOf, fact.time.earliest > asOf.latest { continue }
            result.apply(fact)
        }
        return result
    }
}
