import Foundation
import Testing

@Suite("global options")
struct GlobalOptionTests {
    @Test(
        "global options before the command name work as after it",
        arguments: [
            ["--store", "STORE", "stats", "--format", "json"],
            ["--store=STORE", "--format", "json", "stats"],
            ["stats", "--store", "STORE", "--format", "json"],
        ]
    )
    func globalOptionsMayPrecedeTheCommand(arguments: [String]) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let imported = try runSCKB([
                "append", "CityRegistered", "city=leipzig", "name=Leipzig", "country=DE",
                "--store", store,
            ])
            #expect(imported.status == 0)
            let result = try runSCKB(arguments.map { $0.replacingOccurrences(of: "STORE", with: store) })
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let statistics = try jsonObject(result.standardOutput)
            #expect(statistics["events"] as? Int == 1)
        }
    }

    @Test("an option that is not global before the command name is a usage error")
    func otherOptionsBeforeTheCommandAreRefused() throws {
        let result = try runSCKB(["--limit", "3", "log"])
        #expect(result.status == 2)
        #expect(result.errorLines.count == 1)
    }
}
