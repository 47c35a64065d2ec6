import Foundation
import Testing

/// JSON Lines events of the domain, for fixtures: each a line that `sckb import` accepts.
enum DomainEvent {
    static func project(_ project: String, name: String? = nil, at: String = "2015-01-01") -> String {
        eventLine("ProjectRegistered", ["project": project, "name": name ?? project.capitalized], at: at)
    }

    static func ended(_ project: String, at: String) -> String {
        eventLine("ProjectEnded", ["project": project], at: at)
    }

    static func city(_ city: String, name: String? = nil, country: String = "DE", at: String = "2015-01-01") -> String {
        eventLine("CityRegistered", ["city": city, "name": name ?? city.capitalized, "country": country], at: at)
    }

    static func join(_ city: String, _ project: String, _ role: String, at: String = "2015-02-01") -> String {
        eventLine("CityJoinedProject", ["city": city, "project": project, "role": role], at: at)
    }

    static func solution(
        _ solution: String,
        name: String? = nil,
        area: String = "mobility-logistics",
        at: String = "2015-01-01"
    )
        -> String
    {
        eventLine("SolutionCatalogued", ["solution": solution, "name": name ?? solution, "area": area], at: at)
    }

    static func demonstration(
        _ demonstration: String,
        solution: String,
        city: String,
        project: String? = nil,
        at: String = "2016-01-01"
    ) -> String {
        eventLine(
            "DemonstrationReported",
            ["demonstration": demonstration, "solution": solution, "city": city, "project": project as Any],
            at: at
        )
    }

    static func impact(_ demonstration: String, _ kpi: String, _ value: String, at: String = "2016-06-01") -> String {
        eventLine("ImpactReported", ["demonstration": demonstration, "kpi": kpi, "value": RawJSON(value)], at: at)
    }

    static func planned(_ solution: String, city: String, from: String, at: String = "2017-01-01") -> String {
        eventLine("ReplicationPlanned", ["solution": solution, "city": city, "from": from], at: at)
    }

    static func replicated(
        _ solution: String,
        city: String,
        from: String,
        funding: String? = nil,
        at: String = "2018-01-01"
    ) -> String {
        eventLine(
            "SolutionReplicated",
            ["solution": solution, "city": city, "from": from, "funding": funding as Any],
            at: at
        )
    }

    static func joinedCCG(_ city: String, at: String = "2021-01-01") -> String {
        eventLine("CityJoinedCCG", ["city": city], at: at)
    }

    static func leftCCG(_ city: String, at: String) -> String {
        eventLine("CityLeftCCG", ["city": city], at: at)
    }

    static func meeting(
        _ meeting: String,
        on: String,
        format: String = "physical",
        kind: String = "networking",
        at: String = "2024-12-01"
    ) -> String {
        eventLine("MeetingScheduled", ["meeting": meeting, "kind": kind, "format": format, "on": on], at: at)
    }

    static func attended(_ meeting: String, city: String, at: String) -> String {
        eventLine("MeetingAttended", ["meeting": meeting, "city": city], at: at)
    }

    static func travel(_ city: String, meeting: String, amount: String, at: String) -> String {
        eventLine(
            "TravelContributionGranted",
            ["city": city, "meeting": meeting, "amount_eur": RawJSON(amount)],
            at: at
        )
    }

    /// Triangulum with its lighthouse Eindhoven and fellow Leipzig, Sabadell registered in no project, and the
    /// e-bus demonstrated in Eindhoven (`d-eindhoven-e-bus`, position 8).
    static let triangulum = [
        project("triangulum"),  // 1
        city("eindhoven", country: "NL"),  // 2
        city("leipzig", country: "DE"),  // 3
        city("sabadell", country: "ES"),  // 4
        join("eindhoven", "triangulum", "lighthouse"),  // 5
        join("leipzig", "triangulum", "fellow"),  // 6
        solution("e-bus", name: "Electric bus"),  // 7
        demonstration("d-eindhoven-e-bus", solution: "e-bus", city: "eindhoven", project: "triangulum"),  // 8
    ]
}

/// One test's store, in a temporary folder that `withDomainStore` deletes afterwards.
struct DomainStore {
    let folder: String
    var path: String { folder + "/kb" }

    /// Runs `sckb arguments --store PATH`.
    func run(_ arguments: [String]) throws -> RunResult {
        try runSCKB(arguments + ["--store", path])
    }

    /// Imports `lines` as one file and requires that every one was appended.
    func seed(_ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = folder + "/seed-\(UUID().uuidString).jsonl"
        try writeJSONLines(lines, to: file)
        let result = try run(["import", file, "--format", "json"])
        try #require(result.status == 0, "seeding failed: \(result.standardError)", sourceLocation: sourceLocation)
        let counts = try jsonObject(result.standardOutput)
        try #require(
            counts["appended"] as? Int == lines.count,
            "seeding appended \(counts)",
            sourceLocation: sourceLocation
        )
    }

    /// `sckb append TYPE FIELDS [--at AT] --format json`.
    func append(_ type: String, _ fields: [String], at: String? = nil, extra: [String] = []) throws -> RunResult {
        var arguments = ["append", type] + fields
        if let at { arguments += ["--at", at] }
        return try run(arguments + extra + ["--format", "json"])
    }

    /// Appends and requires success; returns the stored event.
    @discardableResult
    func accept(
        _ type: String,
        _ fields: [String],
        at: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String: Any] {
        let result = try append(type, fields, at: at)
        try #require(
            result.status == 0,
            "\(type) \(fields) was refused: \(result.standardError)",
            sourceLocation: sourceLocation
        )
        #expect(result.standardError.isEmpty, "\(result.standardError)", sourceLocation: sourceLocation)
        let event = try jsonObject(result.standardOutput)
        #expect(event["type"] as? String == type, sourceLocation: sourceLocation)
        return event
    }

    /// Appends and expects a refusal: exit 1, one stderr line naming `type` and each of `naming`, and an export
    /// byte-identical to the one before. Returns the stderr line.
    @discardableResult
    func refuse(
        _ type: String,
        _ fields: [String],
        at: String? = nil,
        naming: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let before = try exportBytes(store: path, sourceLocation: sourceLocation)
        let result = try append(type, fields, at: at)
        #expect(
            result.status == 1,
            "\(type) \(fields): exit \(result.status), stdout \(result.standardOutput)",
            sourceLocation: sourceLocation
        )
        #expect(result.standardOutput.isEmpty, "stdout: \(result.standardOutput)", sourceLocation: sourceLocation)
        #expect(result.errorLines.count == 1, "stderr: \(result.standardError)", sourceLocation: sourceLocation)
        let line = String(result.errorLines.first ?? "")
        #expect(line.contains(type), "the error does not name \(type): \(line)", sourceLocation: sourceLocation)
        for value in naming {
            #expect(line.contains(value), "the error does not name \(value): \(line)", sourceLocation: sourceLocation)
        }
        let after = try exportBytes(store: path, sourceLocation: sourceLocation)
        #expect(before == after, "a refused \(type) changed the export", sourceLocation: sourceLocation)
        return line
    }
}

/// Runs `body` with a fresh store, seeded with `lines` when there are any.
@discardableResult
func withDomainStore<T>(
    seededWith lines: [String] = [],
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (DomainStore) throws -> T
) throws -> T {
    try withTemporaryDirectory { folder in
        let store = DomainStore(folder: folder)
        if !lines.isEmpty { try store.seed(lines, sourceLocation: sourceLocation) }
        return try body(store)
    }
}
