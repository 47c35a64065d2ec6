import Foundation
import Testing

/// The real Scalable Cities data in `events/`, made from `data/*.csv` by `scripts/make_events.py`.
///
/// Every expected count is derived from the CSV files and from the converter's own report of the rows the rules
/// refuse, so that a row can neither vanish silently nor turn up twice.
@Suite("seed data", .serialized)
struct SeedDataTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A CSV row with its position as the converter names it (`replications.csv:6`: record 6, the header being 1).
    struct Row {
        let file: String
        let line: Int
        let fields: [String: String]

        subscript(_ column: String) -> String { fields[column] ?? "" }
        var isConfirmed: Bool { fields["confirmed"] == "yes" }
        var position: String { "\(file):\(line)" }
    }

    /// The rows of a CSV file (RFC 4180: quoted fields may hold commas, quotes and line breaks).
    static func rows(_ name: String) throws -> [Row] {
        let text = try String(contentsOfFile: repository + "/data/" + name, encoding: .utf8)
        var records: [[String]] = [[]]
        var field = ""
        var isQuoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let scalar = characters.popFirst() {
            if isQuoted {
                if scalar == "\"" {
                    if characters.first == "\"" {
                        field.unicodeScalars.append("\"")
                        characters.removeFirst()
                    } else {
                        isQuoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": isQuoted = true
            case ",":
                records[records.count - 1].append(field)
                field = ""
            case "\r": continue
            case "\n":
                records[records.count - 1].append(field)
                field = ""
                records.append([])
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !(records.last?.isEmpty ?? true) { records[records.count - 1].append(field) }
        records.removeAll { $0.isEmpty || $0 == [""] }
        let header = try #require(records.first)
        return records.dropFirst().enumerated().map { index, values in
            Row(file: name, line: index + 2, fields: Dictionary(uniqueKeysWithValues: zip(header, values)))
        }
    }

    static func confirmed(_ name: String) throws -> [Row] { try rows(name).filter(\.isConfirmed) }

    /// Runs the converter into `out`; returns its exit status and its standard error.
    static func runConverter(out: String) throws -> (status: Int32, report: String) {
        let reportPath = out + ".report"
        guard FileManager.default.createFile(atPath: reportPath, contents: nil) else {
            throw HarnessError(description: "cannot create \(reportPath)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: reportPath))
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", repository + "/scripts/make_events.py", "--data", repository + "/data", "--out", out,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        let report = String(decoding: try Data(contentsOf: URL(fileURLWithPath: reportPath)), as: UTF8.self)
        return (process.terminationStatus, report)
    }

    /// The rows the converter reports as refused by the rules: `file:line` -> reason.
    static func refusedRows() throws -> [String: String] {
        try withTemporaryDirectory { folder in
            let (status, report) = try runConverter(out: folder + "/events")
            #expect(status == 0, "the converter failed: \(report)")
            var refused: [String: String] = [:]
            for line in report.split(separator: "\n") where line.hasPrefix("make_events: ") {
                let rest = line.dropFirst("make_events: ".count)
                guard let marker = rest.range(of: ": left out: ") else { continue }
                refused[String(rest[..<marker.lowerBound])] = String(rest[marker.upperBound...])
            }
            return refused
        }
    }

    /// The event id the converter gives the events of a replication row (see docs/DATA.md).
    static func replicationID(_ row: Row) -> String {
        let kind = row["status"] == "planned" ? "plan" : "replication"
        let origin = row["from_city"].isEmpty ? row["project"] : row["from_city"]
        return "\(kind)-\(row["solution"])-\(origin)-\(row["to_city"])"
    }

    /// Imports `events/` into a new store and runs `body` with the store's path.
    static func withSeedStore(_ body: (String) throws -> Void) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let result = try runSCKB(["import", repository + "/events", "--store", store, "--format", "json"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            try body(store)
        }
    }

    /// The events of one type, as `sckb log --type TYPE --format json` lists them.
    static func events(_ type: String, store: String) throws -> [[String: Any]] {
        let result = try runSCKB(["log", "--type", type, "--store", store, "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.standardError)")
        return try #require(try jsonObject(result.standardOutput)["events"] as? [[String: Any]])
    }

    static func data(_ event: [String: Any]) -> [String: Any] { event["data"] as? [String: Any] ?? [:] }

    @Test("the converter reports only confirmed rows, each once, and counts the unconfirmed ones")
    func converterReport() throws {
        let refused = try Self.refusedRows()
        for (position, reason) in refused {
            let parts = position.split(separator: ":")
            let file = String(try #require(parts.first))
            let line = Int(try #require(parts.last)) ?? 0
            let row = try #require(try Self.rows(file).first { $0.line == line }, "\(position) is no row")
            #expect(row.isConfirmed, "\(position) is reported, but unconfirmed rows are only counted")
            #expect(reason.contains("refused: "), "\(position): \(reason)")
        }
        try withTemporaryDirectory { folder in
            let (_, report) = try Self.runConverter(out: folder + "/events")
            for name in ["cities.csv", "roles.csv", "demonstrations.csv", "replications.csv", "obstacles.csv"] {
                let rows = try Self.rows(name)
                let unconfirmed = rows.filter { !$0.isConfirmed }.count
                let out = refused.keys.filter { $0.hasPrefix(name + ":") }.count
                #expect(
                    report.contains(
                        "\(name): \(rows.count) rows, \(unconfirmed) unconfirmed left out, \(out) refused by the rules"
                    ),
                    "no summary for \(name) in: \(report)"
                )
            }
        }
    }

    @Test(
        "events/ imports with one event per confirmed row, less the rows the converter reports as refused"
    )
    func importMatchesTheCSVFiles() throws {
        let refused = try Self.refusedRows()
        func kept(_ rows: [Row]) -> [Row] { rows.filter { refused[$0.position] == nil } }
        let replications = kept(try Self.confirmed("replications.csv"))
        let obstacles = kept(try Self.confirmed("obstacles.csv"))
        let demonstrations = kept(try Self.confirmed("demonstrations.csv"))
        let impacts = kept(try Self.confirmed("impacts.csv"))
        try Self.withSeedStore { store in
            let statistics = try runSCKB(["stats", "--store", store, "--format", "json"])
            let byType = try #require(try jsonObject(statistics.standardOutput)["by_type"] as? [String: Int])
            #expect(byType["ProjectRegistered"] == (try Self.rows("projects.csv").count))
            #expect(byType["CityRegistered"] == kept(try Self.confirmed("cities.csv")).count)
            #expect(byType["CityJoinedProject"] == (try Self.confirmed("roles.csv").count))
            #expect(byType["DemonstrationReported"] == demonstrations.count)
            #expect(byType["ReplicationPlanned"] == replications.filter { $0["status"] == "planned" }.count)
            #expect(byType["SolutionReplicated"] == replications.filter { $0["status"] == "done" }.count)
            #expect(byType["ObstacleReported"] == obstacles.count)
            #expect(byType["ObstacleOvercome"] == obstacles.filter { !$0["overcome_by"].isEmpty }.count)
            #expect((byType["ImpactPublished"] ?? 0) + (byType["ImpactReported"] ?? 0) == impacts.count)
            let used = Set(demonstrations.map { $0["solution"] } + replications.map { $0["solution"] })
                .union(obstacles.map { $0["solution"] }.filter { !$0.isEmpty })
            #expect(byType["SolutionCatalogued"] == used.count)

            let projects = try Self.rows("projects.csv")
            for end in try Self.events("ProjectEnded", store: store) {
                let project = Self.data(end)["project"] as? String
                let row = projects.first { $0["id"] == project }
                #expect(row?["end"] == end["at"] as? String, "ProjectEnded \(project ?? "?") not at its end date")
            }

            let export = try runSCKB(["export", "--store", store])
            let lines = export.outputLines
            for line in lines {
                let event = try jsonObject(line)
                #expect((event["source"] as? String)?.isEmpty == false, "an event without a source: \(line)")
                #expect(event["id"] is String, "an event without an id: \(line)")
                #expect(event["actor"] as? String == "seed-data", "an event not by seed-data: \(line)")
            }
            let second = try runSCKB(["import", Self.repository + "/events", "--store", store, "--format", "json"])
            #expect(
                second.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
                    == "{\"appended\":0,\"skipped\":\(lines.count)}"
            )
            #expect(try runSCKB(["verify", "--store", store, "--format", "json"]).status == 0)
        }
    }

    @Test(
        "each replication and obstacle row is in the log exactly when it is not reported; from only when the row names one"
    )
    func rowsBecomeEvents() throws {
        let refused = try Self.refusedRows()
        try Self.withSeedStore { store in
            var byID: [String: [String: Any]] = [:]
            for type in ["ReplicationPlanned", "SolutionReplicated", "ObstacleReported", "ObstacleOvercome"] {
                for event in try Self.events(type, store: store) {
                    if let id = event["id"] as? String { byID[id] = event }
                }
            }
            for row in try Self.confirmed("replications.csv") {
                let event = byID[Self.replicationID(row)]
                #expect((event != nil) == (refused[row.position] == nil), "\(row.position): \(Self.replicationID(row))")
                guard let event else { continue }
                let fields = Self.data(event)
                #expect(fields["solution"] as? String == row["solution"])
                #expect(fields["city"] as? String == row["to_city"])
                #expect(fields["project"] as? String == row["project"], "\(row.position): the project is always kept")
                #expect(fields["from"] as? String == (row["from_city"].isEmpty ? nil : row["from_city"]))
                #expect(event["source"] as? String == row["source"])
            }
            for row in try Self.confirmed("obstacles.csv") {
                let reported = byID["obstacle-" + row["obstacle"]]
                #expect((reported != nil) == (refused[row.position] == nil), "\(row.position)")
                guard let reported else { continue }
                let fields = Self.data(reported)
                #expect(fields["category"] as? String == row["category"])
                #expect(fields["text"] as? String == row["text"])
                for column in ["solution", "city", "project"] {
                    #expect(fields[column] as? String == (row[column].isEmpty ? nil : row[column]))
                }
                let overcome = byID["overcome-" + row["obstacle"]]
                #expect(
                    Self.data(overcome ?? [:])["how"] as? String
                        == (row["overcome_by"].isEmpty ? nil : row["overcome_by"])
                )
            }
        }
    }

    @Test(
        "sckb obstacles counts, per category, the confirmed obstacle rows and those with a way out"
    )
    func obstaclesPerCategory() throws {
        let refused = try Self.refusedRows()
        let rows = try Self.confirmed("obstacles.csv").filter { refused[$0.position] == nil }
        try Self.withSeedStore { store in
            let result = try runSCKB(["obstacles", "--store", store, "--format", "json"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let output = try jsonObject(result.standardOutput)
            let byCategory = try #require(output["by_category"] as? [String: [String: Int]])
            let categories = Set(rows.map { $0["category"] })
            for category in categories {
                let inCategory = rows.filter { $0["category"] == category }
                #expect(byCategory[category]?["reported"] == inCategory.count, "\(category)")
                #expect(
                    byCategory[category]?["overcome"] == inCategory.filter { !$0["overcome_by"].isEmpty }.count,
                    "\(category)"
                )
            }
            #expect(Set(byCategory.filter { ($0.value["reported"] ?? 0) > 0 }.keys) == categories)
            #expect((output["obstacles"] as? [Any])?.count == rows.count)
        }
    }

    @Test(
        "impact figures: the community's as ImpactPublished without project or city, each figure once, kpis beside them"
    )
    func impactFigures() throws {
        let rows = try Self.confirmed("impacts.csv")
        let community = rows.filter { $0["scope"] == "scalable-cities" }
        #expect(!community.isEmpty)
        try Self.withSeedStore { store in
            let published = try Self.events("ImpactPublished", store: store)
            let reported = try Self.events("ImpactReported", store: store)
            #expect(published.count + reported.count == rows.count)
            for row in rows {
                let value = Int(row["value"])
                let parts = row["scope"].split(separator: ":").map(String.init)
                let project = row["scope"] == "scalable-cities" ? nil : parts.first
                let city = parts.count == 2 ? parts.last : nil
                let asPublished = published.filter {
                    let fields = Self.data($0)
                    return fields["kpi"] as? String == row["kpi"] && fields["value"] as? Int == value
                        && fields["project"] as? String == project && fields["city"] as? String == city
                }
                let asReported = reported.filter {
                    let fields = Self.data($0)
                    let demonstration = fields["demonstration"] as? String ?? ""
                    return fields["kpi"] as? String == row["kpi"] && fields["value"] as? Int == value
                        && city != nil && demonstration.hasPrefix("\(project ?? "")-\(city ?? "")-")
                }
                #expect(asPublished.count + asReported.count == 1, "\(row.position): \(row["scope"]) \(row["kpi"])")
                if project == nil {
                    #expect(asPublished.count == 1, "\(row.position): a community figure is ImpactPublished")
                    #expect(
                        asPublished.first.map { Self.data($0)["project"] == nil && Self.data($0)["city"] == nil }
                            == true
                    )
                }
            }
            let kpis = try runSCKB(["kpis", "--store", store, "--format", "json"])
            #expect(kpis.status == 0, "stderr: \(kpis.standardError)")
            let figures = try #require(try jsonObject(kpis.standardOutput)["published"] as? [String: Any])
            #expect(figures.count == community.count)
            for row in community {
                #expect((figures[row["kpi"]] as? NSNumber)?.intValue == Int(row["value"]), "\(row["kpi"])")
            }
        }
    }

    @Test("the converter writes byte-identical events/ files on every run, equal to those committed")
    func converterIsDeterministic() throws {
        try withTemporaryDirectory { folder in
            var outputs: [[String: Data]] = []
            for run in 1...2 {
                let out = folder + "/run\(run)"
                let (status, report) = try Self.runConverter(out: out)
                #expect(status == 0, "the converter failed: \(report)")
                var files: [String: Data] = [:]
                for name in try FileManager.default.contentsOfDirectory(atPath: out) {
                    files[name] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name))
                }
                outputs.append(files)
            }
            #expect(!outputs[0].isEmpty)
            #expect(outputs[0] == outputs[1])
            let committed = try FileManager.default.contentsOfDirectory(atPath: Self.repository + "/events")
                .filter { $0.hasSuffix(".jsonl") }
            #expect(Set(committed) == Set(outputs[0].keys), "events/ holds other files than the converter writes")
            for (name, bytes) in outputs[0] {
                let committedBytes = try Data(contentsOf: URL(fileURLWithPath: Self.repository + "/events/" + name))
                #expect(committedBytes == bytes, "events/\(name) differs from what the converter writes")
            }
        }
    }
}
