import EventStore

/// A valid synthetic log of a given size: hundreds of projects, thousands of cities and solutions, demonstrations,
/// impacts, replications and plans, CCG membership, meetings and travel, grants, and a few retractions.
///
/// Every event passes the rules when imported in order into an empty store; the same seed gives the same bytes.
/// Dates never decrease along the log, from 2014-01-01 to 2026-06-30.
public struct SyntheticLog {
    /// The number of events (lines) to write.
    public let count: Int
    /// The seed of the pseudo-random choices; it also appears in every event id (`g<seed>-N`).
    public let seed: UInt64

    /// A log of `count` events drawn from `seed`.
    public init(count: Int, seed: UInt64) {
        self.count = count
        self.seed = seed
    }

    private struct City {
        var id: String
        var projects: [Int] = []
        var isMember = false
        var inEndedProject = false
        var travel: [Int: (trips: Int, total: Int)] = [:]
        var attended: Set<Int> = []
        var travelled: Set<Int> = []
    }

    private struct Project {
        var id: String
        var members: [Int] = []
        var isEnded = false
    }

    private struct Meeting {
        var id: String
        var isPhysical: Bool
        var year: Int
    }

    private static let countries = [
        "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR", "HR", "HU", "IE", "IS",
        "IT", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "RS", "SE", "SI", "SK", "TR", "UA",
    ]
    private static let areas = Area.allCases.map(\.rawValue)
    private static let kpis = KPI.allCases
    private static let names = ["Nova", "Città", "Ørsted", "Žilina", "São", "Île", "Großstadt", "Città Alta", "Kraków"]

    /// Calls `body` with each line, in log order.
    public func write(_ body: ([UInt8]) throws -> Void) rethrows {
        var random = SeededGenerator(seed: seed)
        let projectCount = max(2, count / 2500)
        let cityCount = max(4, count / 250)
        let solutionCount = max(2, count / 500)
        let meetingCount = max(1, count / 5000)
        let retractionCount = count >= 1000 ? 5 : 0
        var cities: [City] = []
        var projects: [Project] = []
        var solutions: [String] = []
        var holders: [[Int]] = []
        var holderSets: [Set<Int>] = []
        var openPlans: [[Int]: Set<Int>] = [:]
        var demonstrations: [String] = []
        var impacts: [Int] = []
        var meetings: [Meeting] = []
        var members: [Int] = []
        var written = 0
        var line: [UInt8] = []
        line.reserveCapacity(512)
        let startDay = CivilDate(year: 2014, month: 1, day: 1)?.daysSince1970 ?? 0
        let span: Int64 = 4563

        func emit(_ type: EventType, _ data: String) throws {
            let day = CivilDate(daysSince1970: startDay + Int64(written) * span / Int64(max(count, 1)))
            line.removeAll(keepingCapacity: true)
            line.append(
                contentsOf: "{\"id\":\"g\(seed)-\(written + 1)\",\"type\":\"\(type.rawValue)\",\"at\":\"\(day)\"".utf8
            )
            line.append(contentsOf: ",\"actor\":\"generator\",\"data\":{\(data)}}".utf8)
            written += 1
            try body(line)
        }
        func today() -> CivilDate {
            CivilDate(daysSince1970: startDay + Int64(written) * span / Int64(max(count, 1)))
        }

        // Registrations first: projects, cities with their roles, solutions, meetings.
        let setup = projectCount + cityCount * 2 + solutionCount + meetingCount
        guard setup < count else {
            for index in 0..<count {
                try emit(
                    .cityRegistered,
                    "\"city\":\"city-\(index + 1)\",\"name\":\"City \(index + 1)\",\"country\":\"DE\""
                )
            }
            return
        }
        for index in 0..<projectCount {
            projects.append(Project(id: "project-\(index + 1)"))
            try emit(
                .projectRegistered,
                "\"project\":\"project-\(index + 1)\",\"name\":\"Lighthouse project \(index + 1)\",\"call\":\"SCC-01-20\(15 + index % 6)\""
            )
        }
        for index in 0..<cityCount {
            let name = Self.names[index % Self.names.count] + " \(index + 1)"
            let country = Self.countries[Int(random.next() % UInt64(Self.countries.count))]
            cities.append(City(id: "city-\(index + 1)"))
            try emit(.cityRegistered, "\"city\":\"city-\(index + 1)\",\"name\":\"\(name)\",\"country\":\"\(country)\"")
            let project = Int(random.next() % UInt64(projectCount))
            let role = projects[project].members.count < 3 ? "lighthouse" : "fellow"
            projects[project].members.append(index)
            cities[index].projects.append(project)
            try emit(
                .cityJoinedProject,
                "\"city\":\"city-\(index + 1)\",\"project\":\"\(projects[project].id)\",\"role\":\"\(role)\""
            )
        }
        for index in 0..<solutionCount {
            solutions.append("solution-\(index + 1)")
            holders.append([])
            holderSets.append([])
            let area = Self.areas[index % Self.areas.count]
            try emit(
                .solutionCatalogued,
                "\"solution\":\"solution-\(index + 1)\",\"name\":\"Solution \(index + 1)\",\"area\":\"\(area)\""
            )
        }
        // Every solution is demonstrated once, so replications always have a source.
        for index in 0..<solutionCount where written < count - meetingCount {
            let project = Int(random.next() % UInt64(projectCount))
            guard let city = projects[project].members.first else { continue }
            let id = "demo-\(demonstrations.count + 1)"
            demonstrations.append(id)
            holders[index].append(city)
            holderSets[index].insert(city)
            try emit(
                .demonstrationReported,
                "\"demonstration\":\"\(id)\",\"solution\":\"\(solutions[index])\",\"city\":\"\(cities[city].id)\",\"project\":\"\(projects[project].id)\""
            )
        }
        var retractionsLeft = retractionCount
        var nextRetraction = count / (retractionCount + 1)
        while written < count {
            let roll = random.next() % 100
            if retractionsLeft > 0, written >= nextRetraction, !impacts.isEmpty {
                let target = impacts.remove(at: Int(random.next() % UInt64(impacts.count)))
                retractionsLeft -= 1
                nextRetraction += count / (retractionCount + 1)
                try emit(
                    .eventRetracted,
                    "\"position\":\(target),\"reason\":\"Figure withdrawn by the city after review\""
                )
                continue
            }
            switch roll {
            case 0..<15:
                let solution = Int(random.next() % UInt64(solutionCount))
                let city = Int(random.next() % UInt64(cityCount))
                let id = "demo-\(demonstrations.count + 1)"
                if let project = cities[city].projects.first, !holderSets[solution].contains(city) {
                    demonstrations.append(id)
                    holders[solution].append(city)
                    holderSets[solution].insert(city)
                    openPlans[[solution, city]] = nil
                    try emit(
                        .demonstrationReported,
                        "\"demonstration\":\"\(id)\",\"solution\":\"\(solutions[solution])\",\"city\":\"\(cities[city].id)\",\"project\":\"\(projects[project].id)\""
                    )
                    continue
                }
            case 15..<45:
                if !demonstrations.isEmpty {
                    let demonstration = demonstrations[Int(random.next() % UInt64(demonstrations.count))]
                    let kpi = Self.kpis[Int(random.next() % UInt64(Self.kpis.count))]
                    let value =
                        kpi.isPercentage
                        ? "\(random.next() % 90 + 1).\(random.next() % 100)" : "\(random.next() % 5000 + 1)"
                    impacts.append(written + 1)
                    try emit(
                        .impactReported,
                        "\"demonstration\":\"\(demonstration)\",\"kpi\":\"\(kpi.rawValue)\",\"value\":\(value)"
                    )
                    continue
                }
            case 45..<55, 55..<65:
                let solution = Int(random.next() % UInt64(solutionCount))
                let city = Int(random.next() % UInt64(cityCount))
                guard let from = holders[solution].randomElement(using: &random), from != city,
                    !holderSets[solution].contains(city)
                else { break }
                let project = cities[city].projects.first.map { ",\"project\":\"\(projects[$0].id)\"" } ?? ""
                if roll < 55 {
                    guard openPlans[[solution, city], default: []].insert(from).inserted else { break }
                    try emit(
                        .replicationPlanned,
                        "\"solution\":\"\(solutions[solution])\",\"city\":\"\(cities[city].id)\",\"from\":\"\(cities[from].id)\"\(project)"
                    )
                } else {
                    let funding = ["action-grant", "scale-grant", "project", "own", "other"][Int(random.next() % 5)]
                    holders[solution].append(city)
                    holderSets[solution].insert(city)
                    openPlans[[solution, city]] = nil
                    try emit(
                        .solutionReplicated,
                        "\"solution\":\"\(solutions[solution])\",\"city\":\"\(cities[city].id)\",\"from\":\"\(cities[from].id)\"\(project),\"funding\":\"\(funding)\""
                    )
                }
                continue
            case 65..<72:
                let city = Int(random.next() % UInt64(cityCount))
                if cities[city].isMember && random.next() % 5 == 0 {
                    cities[city].isMember = false
                    members.removeAll { $0 == city }
                    try emit(.cityLeftCCG, "\"city\":\"\(cities[city].id)\"")
                } else if !cities[city].isMember {
                    cities[city].isMember = true
                    members.append(city)
                    try emit(.cityJoinedCCG, "\"city\":\"\(cities[city].id)\"")
                } else {
                    break
                }
                continue
            case 72..<74:
                let index = meetings.count
                let physical = random.next() % 3 != 0
                let on = today()
                meetings.append(Meeting(id: "meeting-\(index + 1)", isPhysical: physical, year: on.year))
                let kind = ["networking", "co-creation", "advocacy"][index % 3]
                try emit(
                    .meetingScheduled,
                    "\"meeting\":\"meeting-\(index + 1)\",\"kind\":\"\(kind)\",\"format\":\"\(physical ? "physical" : "virtual")\",\"on\":\"\(on)\",\"place\":\"\(Self.names[index % Self.names.count])\""
                )
                continue
            case 74..<84:
                guard let meeting = meetings.indices.last.map({ max(0, $0 - Int(random.next() % 3)) }),
                    let city = members.randomElement(using: &random), !cities[city].attended.contains(meeting)
                else { break }
                cities[city].attended.insert(meeting)
                try emit(.meetingAttended, "\"meeting\":\"\(meetings[meeting].id)\",\"city\":\"\(cities[city].id)\"")
                continue
            case 84..<90:
                guard let meeting = meetings.indices.last, meetings[meeting].isPhysical,
                    let city = members.randomElement(using: &random), cities[city].inEndedProject,
                    !cities[city].travelled.contains(meeting)
                else { break }
                let year = meetings[meeting].year
                let used = cities[city].travel[year] ?? (0, 0)
                let amount = Int(random.next() % 400) + 50
                guard used.trips < 2, used.total + amount <= 900 else { break }
                cities[city].travel[year] = (used.trips + 1, used.total + amount)
                cities[city].travelled.insert(meeting)
                try emit(
                    .travelContributionGranted,
                    "\"city\":\"\(cities[city].id)\",\"meeting\":\"\(meetings[meeting].id)\",\"amount_eur\":\(amount)"
                )
                continue
            case 90..<92:
                let project = Int(random.next() % UInt64(projectCount))
                guard !projects[project].isEnded, written > count / 4 else { break }
                projects[project].isEnded = true
                for city in projects[project].members { cities[city].inEndedProject = true }
                try emit(.projectEnded, "\"project\":\"\(projects[project].id)\"")
                continue
            case 95..<97:
                let city = Int(random.next() % UInt64(cityCount))
                let lat = Int(random.next() % 5000) + 3500
                let lon = Int(random.next() % 6000) - 1000
                let lonText = (lon < 0 ? "-" : "") + "\(abs(lon) / 100).\(abs(lon) % 100 / 10)\(abs(lon) % 10)"
                try emit(
                    .cityLocated,
                    "\"city\":\"\(cities[city].id)\",\"lat\":\(lat / 100).\(lat % 100 / 10)\(lat % 10),\"lon\":\(lonText)"
                )
                continue
            case 92..<95:
                let solution = Int(random.next() % UInt64(solutionCount))
                let city = Int(random.next() % UInt64(cityCount))
                let programme = random.next() % 2 == 0 ? "action-grant" : "scale-grant"
                try emit(
                    .grantAwarded,
                    "\"grant\":\"grant-\(written + 1)\",\"programme\":\"\(programme)\",\"city\":\"\(cities[city].id)\",\"solution\":\"\(solutions[solution])\",\"amount_eur\":\(random.next() % 45_000 + 5000)"
                )
                continue
            default:
                break
            }
            // Fallback, always valid: an impact report on a known demonstration, else a new city.
            guard !demonstrations.isEmpty else {
                try emit(
                    .cityRegistered,
                    "\"city\":\"extra-city-\(written + 1)\",\"name\":\"Extra\",\"country\":\"DE\""
                )
                continue
            }
            let demonstration = demonstrations[Int(random.next() % UInt64(demonstrations.count))]
            impacts.append(written + 1)
            try emit(
                .impactReported,
                "\"demonstration\":\"\(demonstration)\",\"kpi\":\"citizens_engaged\",\"value\":\(random.next() % 900 + 1)"
            )
        }
    }
}
