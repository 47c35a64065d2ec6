import Foundation
import Testing

/// Fault tests with real concurrent processes: writers serialize, rules are checked inside the write transaction,
/// and readers see whole transactions only.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct AuditConcurrencyTests {
    /// Leipzig: a fellow city of an ended project, a CCG member, three physical meetings in 2025, 100 EUR granted
    /// for m1 already. 450 more fits the yearly budget once (550 EUR, 2 trips), never twice.
    static let travelSetup: [String] = [
        eventLine("ProjectRegistered", ["project": "triangulum", "name": "Triangulum"], at: "2015-01-01"),
        eventLine("CityRegistered", ["city": "leipzig", "name": "Leipzig", "country": "DE"], at: "2015-01-01"),
        eventLine(
            "CityJoinedProject",
            ["city": "leipzig", "project": "triangulum", "role": "fellow"],
            at: "2015-02-01"
        ),
        eventLine("ProjectEnded", ["project": "triangulum"], at: "2020-01-31"),
        eventLine("CityJoinedCCG", ["city": "leipzig"], at: "2021-01-01"),
        eventLine(
            "MeetingScheduled",
            ["meeting": "m1", "kind": "networking", "format": "physical", "on": "2025-03-01"],
            at: "2024-12-01"
        ),
        eventLine(
            "MeetingScheduled",
            ["meeting": "m2", "kind": "co-creation", "format": "physical", "on": "2025-06-01"],
            at: "2024-12-01"
        ),
        eventLine(
            "MeetingScheduled",
            ["meeting": "m3", "kind": "advocacy", "format": "physical", "on": "2025-09-01"],
            at: "2024-12-01"
        ),
        eventLine(
            "TravelContributionGranted",
            ["city": "leipzig", "meeting": "m1", "amount_eur": 100],
            at: "2025-03-02"
        ),
    ]

    @Test("two racing travel grants that only fit the yearly budget once: exactly one is appended", arguments: 1...20)
    func racingTravelGrants(round: Int) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            try writeJSONLines(Self.travelSetup, to: folder + "/setup.jsonl")
            let setup = try runSCKB(["import", folder + "/setup.jsonl", "--store", store])
            try #require(setup.status == 0, "setup import failed: \(setup.standardError)")

            // Launch both before waiting for either.
            let writers = try ["m2", "m3"].map { meeting in
                try BackgroundSCKB(
                    [
                        "append", "TravelContributionGranted", "city=leipzig", "meeting=\(meeting)", "amount_eur=450",
                        "--store", store,
                    ],
                    folder: folder,
                    name: meeting
                )
            }
            let results = try writers.map { try $0.wait().result }
            #expect(results.map(\.status).sorted() == [0, 1], "round \(round): \(results.map(\.standardError))")
            let loser = try #require(results.first { $0.status == 1 })
            #expect(loser.errorLines.count == 1)
            #expect(loser.standardError.contains("TravelContributionGranted refused"), "\(loser.standardError)")
            let winner = try #require(results.firstIndex { $0.status == 0 })
            let winningMeeting = ["m2", "m3"][winner]

            let travel = try auditJSON(["ccg", "travel", "--store", store])
            let contributions = try #require(travel["contributions"] as? [[String: Any]])
            #expect(contributions.count == 2, "round \(round): \(contributions)")
            #expect(Set(contributions.compactMap { $0["meeting"] as? String }) == ["m1", winningMeeting])
            #expect(try auditEventCount(store: store) == Self.travelSetup.count + 1)
            let verify = try runSCKB(["verify", "--store", store])
            #expect(verify.status == 0, "\(verify.standardOutput)")
        }
    }

    @Test(
        "two writers appending the same id at once: with the same content one appends and one skips; with other content one is refused"
    )
    func racingSameID() throws {
        for round in 1...5 {
            try withTemporaryDirectory { folder in
                let store = folder + "/store"
                try writeJSONLines([], to: folder + "/empty.jsonl")
                try #require(try runSCKB(["import", folder + "/empty.jsonl", "--store", store]).status == 0)
                let same = try ["first", "second"].map { name in
                    try BackgroundSCKB(
                        [
                            "append", "CityRegistered", "city=twin", "name=Twin", "country=DE", "--id", "twin",
                            "--at", "2015-01-01", "--store", store, "--format", "json",
                        ],
                        folder: folder,
                        name: name
                    )
                }
                let results = try same.map { try $0.wait().result }
                #expect(results.map(\.status) == [0, 0], "round \(round): \(results.map(\.standardError))")
                #expect(try auditEventCount(store: store) == 1, "round \(round): an event was doubled")

                let other = try ["bonn", "graz"].map { city in
                    try BackgroundSCKB(
                        [
                            "append", "CityRegistered", "city=\(city)", "name=\(city.capitalized)", "country=DE",
                            "--id", "contested", "--at", "2015-01-01", "--store", store,
                        ],
                        folder: folder,
                        name: city
                    )
                }
                let contested = try other.map { try $0.wait().result }
                #expect(
                    contested.map(\.status).sorted() == [0, 1],
                    "round \(round): \(contested.map(\.standardError))"
                )
                #expect(try auditEventCount(store: store) == 2)
            }
        }
    }

    @Test("writers importing different files at once all succeed; positions run 1…N, each file in one block")
    func concurrentImporters() throws {
        let writerCount = 4
        let eventsPerFile = 150
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            // Create the store first so that no writer races another to create it.
            try writeJSONLines([], to: folder + "/empty.jsonl")
            try #require(try runSCKB(["import", folder + "/empty.jsonl", "--store", store]).status == 0)
            for writer in 0..<writerCount {
                let lines = (0..<eventsPerFile).map { index in
                    cityLine("writer\(writer)-city\(index)", id: "w\(writer)-\(index)", at: "2020-01-01")
                }
                try writeJSONLines(lines, to: folder + "/writer\(writer).jsonl")
            }
            let importers = try (0..<writerCount).map { writer in
                try BackgroundSCKB(
                    ["import", folder + "/writer\(writer).jsonl", "--store", store, "--format", "json"],
                    folder: folder,
                    name: "writer\(writer)"
                )
            }
            for (writer, importer) in importers.enumerated() {
                let result = try importer.wait().result
                #expect(result.status == 0, "writer \(writer): \(result.standardError)")
                let counts = try jsonObject(result.standardOutput)
                #expect(counts["appended"] as? Int == eventsPerFile)
                #expect(counts["skipped"] as? Int == 0)
            }

            let lines = try exportBytes(store: store).split(separator: 0x0A)
            let events = try lines.map { try jsonObject(String(decoding: $0, as: UTF8.self)) }
            let positions = events.compactMap { $0["position"] as? Int }
            #expect(positions == Array(1...(writerCount * eventsPerFile)))
            let ids = events.compactMap { $0["id"] as? String }
            #expect(Set(ids).count == writerCount * eventsPerFile, "an event is lost or doubled")
            for writer in 0..<writerCount {
                let mine = events.filter { ($0["id"] as? String)?.hasPrefix("w\(writer)-") == true }
                    .compactMap { $0["position"] as? Int }
                #expect(mine.count == eventsPerFile)
                if let first = mine.first {
                    #expect(mine == Array(first..<(first + eventsPerFile)), "writer \(writer)'s file is not one block")
                }
            }
            let verify = try runSCKB(["verify", "--store", store])
            #expect(verify.status == 0, "\(verify.standardOutput)")
        }
    }

    @Test("stats during a large import sees the store before it or after it, never part of the file")
    func readerDuringImport() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            let generated = try runSCKB(["generate", "--events", "20000", "--seed", "3"])
            try #require(generated.status == 0)
            try Data(generated.outputBytes).write(to: URL(fileURLWithPath: folder + "/big.jsonl"))
            // The store holds the file's first 1000 events already (a generated log's retractions name absolute
            // positions, so it can only extend its own prefix); importing the whole file skips those.
            let preCount = 1000
            let postCount = 20000
            let prefix = generated.outputLines.prefix(preCount).map(String.init)
            try writeJSONLines(prefix, to: folder + "/before.jsonl")
            try #require(try runSCKB(["import", folder + "/before.jsonl", "--store", store]).status == 0)
            try #require(try auditEventCount(store: store) == preCount)

            let importer = try BackgroundSCKB(
                ["import", folder + "/big.jsonl", "--store", store, "--format", "json"],
                folder: folder,
                name: "import"
            )
            var seen: [Int] = []
            var readsStartedDuringImport = 0
            while importer.isRunning {
                readsStartedDuringImport += 1
                let stats = try auditJSON(["stats", "--store", store])
                let count = try #require(stats["events"] as? Int)
                let byType = try #require(stats["by_type"] as? [String: Int])
                let head = try #require(stats["head"] as? [String: Any])
                #expect(byType.values.reduce(0, +) == count, "by_type does not add up to events: \(stats)")
                #expect(head["position"] as? Int == count)
                seen.append(count)
            }
            let imported = try importer.wait().result
            #expect(imported.status == 0, "\(imported.standardError)")
            #expect(try auditEventCount(store: store) == postCount)
            try #require(readsStartedDuringImport > 0, "no read overlapped the import")
            #expect(seen.allSatisfy { $0 == preCount || $0 == postCount }, "a reader saw part of the file: \(seen)")
        }
    }
}
