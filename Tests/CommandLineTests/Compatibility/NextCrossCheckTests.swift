import Foundation
import Projections
import Testing

/// `sckb next` for every fellow city of the real `events/`, checked by `scripts/check_next.py` against the exported
/// log (written apart from sckb): candidates, own-project reasons, the order by reasons, and every cited position.
@Suite("next cross-check", .serialized, .timeLimit(.minutes(5)))
struct NextCrossCheckTests {
    @Test("every fellow city's candidates and citations agree with the log, by the Python check")
    func everyFellowCity() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            let imported = try runSCKB(["import", ViewCompatibilityTests.repository + "/events", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            let export = try runSCKB(["export", "--store", store])
            try Data(export.outputBytes).write(to: URL(fileURLWithPath: folder + "/export.jsonl"))
            let cities = try JSONParser.parse(try runSCKB(["cities", "--store", store, "--format", "json"]).outputBytes)
            let fellows = (cities["cities"]?.arrayValue ?? []).compactMap { city -> String? in
                city["tier"]?.stringValue == "fellow" ? city["city"]?.stringValue : nil
            }
            #expect(fellows.count > 60)
            var answers: [String] = []
            for city in fellows {
                let next = try runSCKB(["next", city, "--store", store, "--format", "json"])
                try #require(next.status == 0, "next \(city): \(next.standardError)")
                answers.append("\"\(city)\":" + next.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            try Data(("{" + answers.joined(separator: ",") + "}").utf8)
                .write(to: URL(fileURLWithPath: folder + "/answers.json"))
            let checked = try runProgram(
                "/usr/bin/env",
                [
                    "python3", ViewCompatibilityTests.repository + "/scripts/check_next.py", folder + "/export.jsonl",
                    folder + "/answers.json",
                ]
            )
            #expect(checked.status == 0, "\(checked.standardError)")
            #expect(checked.standardOutput.contains("\(fellows.count) cities"), "\(checked.standardOutput)")
        }
    }

    @Test("an unknown or malformed city is exit 1 with one line", arguments: ["atlantis", "Not A Slug"])
    func unknownCity(city: String) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            let imported = try runSCKB(["import", ViewCompatibilityTests.repository + "/events", "--store", store])
            try #require(imported.status == 0)
            let next = try runSCKB(["next", city, "--store", store])
            #expect(next.status == 1 && next.errorLines.count == 1, "\(next.standardError)")
        }
    }
}
