import Foundation
import Projections
import Testing

/// `sckb search` on the real `events/` against an implementation written apart from sckb, in Python
/// (`scripts/check_search.py`: unicodedata's NFKD and its own ranking), and the command's refusals.
@Suite("search cross-check", .serialized, .timeLimit(.minutes(3)))
struct SearchCrossCheckTests {
    static let queries = [
        "koln", "KÖLN", "lamppost", "vendor lock-in", "a", "in", "e-car", "smart", "ö", "city", "growsmarter",
        "barcelona", "data platform", "sabadell", "Øresund", "grow", "xyzzy",
    ]

    @Test("every result, its order and its fields agree with the Python implementation, for many queries")
    func agreesWithPython() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            let imported = try runSCKB(["import", ViewCompatibilityTests.repository + "/events", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            let export = try runSCKB(["export", "--store", store])
            var nonEmpty = 0
            for query in Self.queries {
                let ours = try runSCKB(["search", query, "--store", store, "--format", "json"])
                try #require(ours.status == 0, "search \(query): \(ours.standardError)")
                let theirs = try runProgram(
                    "/usr/bin/env",
                    ["python3", ViewCompatibilityTests.repository + "/scripts/check_search.py", query],
                    input: export.outputBytes
                )
                try #require(theirs.status == 0, "check_search.py \(query): \(theirs.standardError)")
                let expected = try JSONParser.parse(theirs.outputBytes)
                #expect(try JSONParser.parse(ours.outputBytes) == expected, "search \(query)")
                if expected["results"]?.arrayValue?.isEmpty == false { nonEmpty += 1 }
            }
            // Not vacuous: most queries find something.
            #expect(nonEmpty >= Self.queries.count - 3)
        }
    }

    @Test("an empty search text is a usage error (exit 2) with one line", arguments: ["", "   ", "\u{301}"])
    func emptyText(text: String) throws {
        let result = try runSCKB(["search", text, "--store", "/nonexistent"])
        #expect(result.status == 2)
        #expect(result.errorLines.count == 1 && result.standardError.contains("empty"), "\(result.standardError)")
    }
}
