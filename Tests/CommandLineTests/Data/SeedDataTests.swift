import Foundation
import Testing

/// The real Scalable Cities data in `events/`, made from `data/*.csv` by `scripts/make_events.py`.
@Suite("seed data", .serialized)
struct SeedDataTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The rows of a CSV file (RFC 4180: quoted fields may hold commas, quotes and line breaks).
    static func rows(_ name: String) throws -> [[String: String]] {
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
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test("events/ imports into a new store with the CSV files' projects, confirmed cities and confirmed roles")
    func importMatchesTheCSVFiles() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let first = try runSCKB(["import", Self.repository + "/events", "--store", store, "--format", "json"])
            #expect(first.status == 0, "stderr: \(first.standardError)")
            let statistics = try runSCKB(["stats", "--store", store, "--format", "json"])
            let byType = try #require(try jsonObject(statistics.standardOutput)["by_type"] as? [String: Int])
            #expect(byType["ProjectRegistered"] == (try Self.rows("projects.csv").count))
            #expect(byType["ProjectRegistered"] == 18)
            #expect(byType["CityRegistered"] == (try Self.rows("cities.csv").filter { $0["confirmed"] == "yes" }.count))
            #expect(
                byType["CityJoinedProject"] == (try Self.rows("roles.csv").filter { $0["confirmed"] == "yes" }.count)
            )
            let lighthouseRoles = try Self.rows("roles.csv").filter {
                $0["confirmed"] == "yes" && $0["role"] == "lighthouse"
            }
            let graph = try runSCKB(["log", "--type", "CityJoinedProject", "--store", store, "--format", "json"])
            let events = try #require(try jsonObject(graph.standardOutput)["events"] as? [[String: Any]])
            let lighthouse = events.filter { ($0["data"] as? [String: Any])?["role"] as? String == "lighthouse" }
            #expect(lighthouse.count == lighthouseRoles.count)

            let export = try runSCKB(["export", "--store", store])
            let lines = export.outputLines
            #expect(!lines.isEmpty)
            for line in lines {
                let event = try jsonObject(line)
                let source = event["source"] as? String
                #expect(source?.isEmpty == false, "an event without a source: \(line)")
                #expect(event["id"] is String, "an event without an id: \(line)")
                #expect(event["actor"] is String, "an event without an actor: \(line)")
            }

            let second = try runSCKB(["import", Self.repository + "/events", "--store", store, "--format", "json"])
            #expect(
                second.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
                    == "{\"appended\":0,\"skipped\":\(lines.count)}"
            )
            let verify = try runSCKB(["verify", "--store", store, "--format", "json"])
            #expect(verify.status == 0)
        }
    }

    @Test("the converter writes byte-identical events/ files on every run, equal to those committed")
    func converterIsDeterministic() throws {
        try withTemporaryDirectory { folder in
            var outputs: [[String: Data]] = []
            for run in 1...2 {
                let out = folder + "/run\(run)"
                let process = Process()
                process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                process.arguments = [
                    "python3", Self.repository + "/scripts/make_events.py",
                    "--data", Self.repository + "/data", "--out", out,
                ]
                process.standardError = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
                #expect(process.terminationStatus == 0)
                var files: [String: Data] = [:]
                for name in try FileManager.default.contentsOfDirectory(atPath: out) {
                    files[name] = try Data(contentsOf: URL(fileURLWithPath: out + "/" + name))
                }
                outputs.append(files)
            }
            #expect(!outputs[0].isEmpty)
            #expect(outputs[0] == outputs[1])
            for (name, bytes) in outputs[0] {
                let committed = try Data(contentsOf: URL(fileURLWithPath: Self.repository + "/events/" + name))
                #expect(committed == bytes, "events/\(name) differs from what the converter writes")
            }
        }
    }
}
