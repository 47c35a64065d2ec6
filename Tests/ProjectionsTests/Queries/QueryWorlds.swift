import EventStore
import Projections
import Testing

/// Events of any entity, for the worlds the query tests start from (each as `sckb append` takes it).
extension World {
    static func project(_ project: String, name: String? = nil, at: String = "2015-01-01") -> Step {
        Step(.projectRegistered, ["project=\(project)", "name=\(name ?? project.capitalized)"], at: at)
    }

    static func city(_ city: String, name: String? = nil, country: String = "DE", at: String = "2015-01-01") -> Step {
        Step(.cityRegistered, ["city=\(city)", "name=\(name ?? city.capitalized)", "country=\(country)"], at: at)
    }

    static func solution(
        _ solution: String,
        name: String? = nil,
        area: String = "mobility-logistics",
        at: String = "2015-01-01"
    ) -> Step {
        Step(.solutionCatalogued, ["solution=\(solution)", "name=\(name ?? solution)", "area=\(area)"], at: at)
    }

    static func demonstration(
        _ demonstration: String,
        solution: String,
        city: String,
        project: String? = nil,
        at: String = "2016-01-01"
    ) -> Step {
        let fields = ["demonstration=\(demonstration)", "solution=\(solution)", "city=\(city)"]
        return Step(.demonstrationReported, fields + (project.map { ["project=\($0)"] } ?? []), at: at)
    }

    static func impact(of demonstration: String, _ kpi: String, _ value: String, at: String = "2016-06-01") -> Step {
        Step(.impactReported, ["demonstration=\(demonstration)", "kpi=\(kpi)", "value=\(value)"], at: at)
    }

    /// A replication of `solution` into `city`, from a city, a project's lighthouse cities, or both.
    static func replicated(
        _ solution: String,
        to city: String,
        from: String? = nil,
        project: String? = nil,
        funding: String? = nil,
        at: String = "2018-01-01"
    ) -> Step {
        let optional = [("from", from), ("project", project), ("funding", funding)].compactMap { name, value in
            value.map { "\(name)=\($0)" }
        }
        return Step(.solutionReplicated, ["solution=\(solution)", "city=\(city)"] + optional, at: at)
    }

    static func planned(_ solution: String, to city: String, from: String, at: String = "2017-01-01") -> Step {
        Step(.replicationPlanned, ["solution=\(solution)", "city=\(city)", "from=\(from)"], at: at)
    }

    static func attended(_ meeting: String, city: String, at: String) -> Step {
        Step(.meetingAttended, ["meeting=\(meeting)", "city=\(city)"], at: at)
    }

    /// An obstacle naming the entities `names` gives (`solution`, `city`, `project`).
    static func obstacle(
        _ obstacle: String,
        _ category: String = "procurement",
        text: String = "The tender rules did not fit.",
        _ names: [String: String] = ["solution": "e-bus", "city": "leipzig", "project": "triangulum"],
        at: String = "2017-01-01"
    ) -> Step {
        let entities = names.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return Step(
            .obstacleReported,
            ["obstacle=\(obstacle)", "category=\(category)", "text=\(text)"] + entities,
            at: at
        )
    }

    static func overcome(_ obstacle: String, how: String, at: String) -> Step {
        Step(.obstacleOvercome, ["obstacle=\(obstacle)", "how=\(how)"], at: at)
    }

    static func published(_ kpi: String, _ value: String, at: String) -> Step {
        Step(.impactPublished, ["kpi=\(kpi)", "value=\(value)"], at: at)
    }

    static func retraction(of position: Int, reason: String, at: String? = nil) -> Step {
        Step(.eventRetracted, ["position=\(position)", "reason=\(reason)"], at: at)
    }
}

/// The worlds of the query tests.
extension World {
    /// Five cities in two projects, four solutions, four replications appended out of `at` order, and one open plan.
    ///
    /// Tiers: Eindhoven lighthouse; Leipzig fellow; Sabadell fellow of Triangulum, then lighthouse of Grow
    /// Smarter (lighthouse); Stavanger lighthouse of Grow Smarter, then fellow of Triangulum (lighthouse); Tartu no
    /// role (other).
    static let fiveCities = [
        project("triangulum"),  // 1
        project("grow-smarter"),  // 2
        city("eindhoven", country: "NL"),  // 3
        city("leipzig", country: "DE"),  // 4
        city("sabadell", country: "ES"),  // 5
        city("stavanger", country: "NO"),  // 6
        city("tartu", country: "EE"),  // 7
        join("eindhoven", "triangulum", "lighthouse"),  // 8
        join("leipzig", "triangulum", "fellow"),  // 9
        join("sabadell", "triangulum", "fellow"),  // 10
        join("sabadell", "grow-smarter", "lighthouse"),  // 11
        join("stavanger", "grow-smarter", "lighthouse"),  // 12
        join("stavanger", "triangulum", "fellow"),  // 13
        solution("heat-pumps", name: "Heat pumps", area: "buildings"),  // 14
        solution("smart-lamppost", name: "Smart lamppost", area: "urban-data-ict"),  // 15
        solution("citizen-app", name: "Citizen app", area: "citizen-engagement"),  // 16
        solution("e-bus", name: "Electric bus", area: "mobility-logistics"),  // 17
        demonstration("d-eindhoven-e-bus", solution: "e-bus", city: "eindhoven", project: "triangulum"),  // 18
        demonstration("d-sabadell-lamppost", solution: "smart-lamppost", city: "sabadell", project: "grow-smarter"),
        demonstration("d-stavanger-heat", solution: "heat-pumps", city: "stavanger", project: "grow-smarter"),  // 20
        demonstration("d-eindhoven-app", solution: "citizen-app", city: "eindhoven"),  // 21
        demonstration("d-sabadell-app", solution: "citizen-app", city: "sabadell", project: "triangulum"),  // 22
        replicated(
            "e-bus",
            to: "leipzig",
            from: "eindhoven",
            project: "triangulum",
            funding: "scale-grant",
            at: "2018-05-01"
        ),  // 23
        replicated("smart-lamppost", to: "leipzig", from: "sabadell", funding: "own", at: "2017-03-01"),  // 24
        replicated("smart-lamppost", to: "eindhoven", from: "sabadell", at: "2019-01-01"),  // 25
        replicated("e-bus", to: "tartu", from: "leipzig", at: "2019-06-01"),  // 26
        planned("heat-pumps", to: "leipzig", from: "stavanger", at: "2020-01-01"),  // 27
    ]

    /// Impacts of the five demonstrations of ``fiveCities``.
    static let fiveCityImpacts = [
        impact(of: "d-eindhoven-e-bus", "energy_saved_pct", "12.5"),  // 28
        impact(of: "d-eindhoven-e-bus", "smart_meters", "100"),  // 29
        impact(of: "d-eindhoven-e-bus", "co2_reduced_pct", "10"),  // 30
        impact(of: "d-sabadell-lamppost", "energy_saved_pct", "30"),  // 31
        impact(of: "d-sabadell-lamppost", "smart_meters", "250"),  // 32
        impact(of: "d-sabadell-lamppost", "charging_stations", "4"),  // 33
        impact(of: "d-stavanger-heat", "energy_saved_pct", "20"),  // 34
        impact(of: "d-stavanger-heat", "floor_area_m2", "1200.5"),  // 35
        impact(of: "d-eindhoven-app", "citizens_engaged", "500"),  // 36
        impact(of: "d-eindhoven-app", "co2_reduced_pct", "40"),  // 37
        impact(of: "d-sabadell-app", "citizens_engaged", "300"),  // 38
    ]

    /// Triangulum ended; Leipzig and Tartu (no project) are CCG members; Eindhoven joined and left. Leipzig has
    /// travel contributions in 2025 and 2026.
    static let ccgAttendance =
        triangulum + [
            ended("triangulum", at: "2020-01-31"),  // 9
            city("tartu", country: "EE"),  // 10
            joinedCCG("leipzig"),  // 11
            joinedCCG("tartu"),  // 12
            joinedCCG("eindhoven"),  // 13
            leftCCG("eindhoven", at: "2022-01-01"),  // 14
            meeting("ccg-2025-lisbon", on: "2025-03-10"),  // 15
            meeting("ccg-2025-online", on: "2025-04-10", format: "virtual", kind: "advocacy"),  // 16
            meeting("ccg-2025-utrecht", on: "2025-06-10", kind: "co-creation"),  // 17
            meeting("ccg-2026-milan", on: "2026-03-10"),  // 18
            attended("ccg-2025-lisbon", city: "leipzig", at: "2025-03-10"),  // 19
            attended("ccg-2025-lisbon", city: "tartu", at: "2025-03-10"),  // 20
            travel("leipzig", "ccg-2025-lisbon", "300", at: "2025-03-11"),  // 21
            travel("leipzig", "ccg-2026-milan", "200", at: "2026-03-11"),  // 22
        ]

    /// Triangulum (lighthouses Eindhoven and Manchester, fellow Leipzig), Sabadell in no project, the e-bus
    /// demonstrated in Eindhoven (position 9).
    static let twoLighthouses = [
        project("triangulum"),  // 1
        city("eindhoven", country: "NL"),  // 2
        city("manchester", country: "GB"),  // 3
        city("leipzig", country: "DE"),  // 4
        city("sabadell", country: "ES"),  // 5
        join("eindhoven", "triangulum", "lighthouse"),  // 6
        join("manchester", "triangulum", "lighthouse"),  // 7
        solution("e-bus", name: "Electric bus"),  // 8
        demonstration("d-eindhoven-e-bus", solution: "e-bus", city: "eindhoven", project: "triangulum"),  // 9
        join("leipzig", "triangulum", "fellow"),  // 10
    ]
}

/// The JSON object a view prints with `--format json` (its `jsonLine`), parsed back.
func printedObject(_ view: some JSONView, sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONObject {
    let value = try JSONParser.parse(view.jsonLine)
    return try #require(value.objectValue, "not a JSON object: \(value)", sourceLocation: sourceLocation)
}

/// The keys of a JSON object; none for any other value.
func keys(_ value: JSONValue?) -> Set<String> {
    Set(value?.objectValue?.keys ?? [])
}

/// A JSON number as an integer, if it is one.
func integer(_ value: JSONValue?) -> Int? {
    value?.numberValue?.integerValue.map { Int($0) }
}

/// `from>to` for each edge (`?` for an origin that is a project).
func pairs(_ edges: [GraphEdge]) -> [String] {
    edges.map { "\($0.from?.rawValue ?? "?")>\($0.to.rawValue)" }
}

/// The positions of the edges, as numbers.
func positions(_ edges: [GraphEdge]) -> [UInt64] {
    edges.map(\.position.rawValue)
}

/// The cut `--until text` makes.
func until(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ViewCut {
    let cut: TransactionCut = try #require(TransactionCut(parsing: text), sourceLocation: sourceLocation)
    return ViewCut(until: cut)
}

/// The cut `--as-of text` makes.
func asOf(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ViewCut {
    let time = try #require(ValidTime(parsing: text), sourceLocation: sourceLocation)
    return ViewCut(asOf: ValidTimeCut(through: time))
}
