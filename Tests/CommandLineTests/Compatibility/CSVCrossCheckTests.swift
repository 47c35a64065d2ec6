import Foundation
import Testing

/// `--format csv` of every table view against its `--format json`, checked by `scripts/check_csv.py` (Python's csv
/// module and the rules of SPEC §8.1, written apart from sckb), on the real `events/` and on hostile names.
@Suite("csv cross-check", .serialized, .timeLimit(.minutes(3)))
struct CSVCrossCheckTests {
    static let views: [([String], String)] = [
        (["graph", "--planned"], "edges"), (["spread"], "solutions"), (["cities"], "cities"),
        (["projects"], "projects"), (["obstacles"], "obstacles"), (["ccg", "members"], "members"),
        (["ccg", "meetings"], "meetings"), (["ccg", "travel"], "contributions"), (["log"], "events"),
        (["history", "sabadell"], "events"), (["search", "a"], "results"), (["next", "sabadell"], "candidates"),
    ]

    static func check(_ arguments: [String], list: String, store: String, folder: String) throws -> RunResult {
        let json = try runSCKB(arguments + ["--store", store, "--format", "json"])
        let csv = try runSCKB(arguments + ["--store", store, "--format", "csv"])
        try #require(json.status == 0 && csv.status == 0, "\(arguments): \(json.standardError) \(csv.standardError)")
        try Data(json.outputBytes).write(to: URL(fileURLWithPath: folder + "/view.json"))
        try Data(csv.outputBytes).write(to: URL(fileURLWithPath: folder + "/view.csv"))
        return try runProgram(
            "/usr/bin/env",
            [
                "python3", ViewCompatibilityTests.repository + "/scripts/check_csv.py", list, folder + "/view.json",
                folder + "/view.csv",
            ]
        )
    }

    @Test("every table view of the real events/ agrees with its JSON, cell by cell")
    func realEvents() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            let imported = try runSCKB(["import", ViewCompatibilityTests.repository + "/events", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            for (arguments, list) in Self.views {
                let checked = try Self.check(arguments, list: list, store: store, folder: folder)
                #expect(checked.status == 0, "\(arguments): \(checked.standardError)")
            }
            let kpis = try runSCKB(["kpis", "--store", store, "--format", "csv"])
            #expect(kpis.standardOutput.hasPrefix("kpi,reported,published\r\nenergy_saved_pct,"))
        }
    }

    @Test("names that look like formulas, hold quotes, commas, line breaks or escapes stay data")
    func hostileNames() throws {
        let lines = [
            eventLine("CityRegistered", ["city": "formula", "name": "=HYPERLINK(\"http://x\",\"y\")", "country": "DE"]),
            eventLine("CityRegistered", ["city": "plus", "name": "+49, \"quoted\"\nnext", "country": "DE"]),
            eventLine("CityRegistered", ["city": "at", "name": "@SUM(A1)\u{1B}[2J", "country": "DE"]),
            eventLine("CityRegistered", ["city": "minus", "name": "-1\tx", "country": "DE"]),
        ]
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            try writeJSONLines(lines, to: folder + "/events.jsonl")
            let imported = try runSCKB(["import", folder + "/events.jsonl", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            let checked = try Self.check(["cities"], list: "cities", store: store, folder: folder)
            #expect(checked.status == 0, "\(checked.standardError)")
            let csv = try runSCKB(["cities", "--store", store, "--format", "csv"]).standardOutput
            #expect(csv.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""))
            #expect(csv.contains("'@SUM(A1)\\u{1B}[2J") && !csv.contains("\u{1B}"))
        }
    }

    @Test("--format csv on a view that is not a table is a usage error", arguments: [["city", "x"], ["stats"]])
    func notATable(arguments: [String]) throws {
        let result = try runSCKB(arguments + ["--format", "csv", "--store", "/nonexistent"])
        #expect(result.status == 2, "\(result.standardError)")
        #expect(result.errorLines.count == 1)
    }
}
