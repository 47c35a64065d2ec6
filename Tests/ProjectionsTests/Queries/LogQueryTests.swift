import Foundation
import Projections
import Testing

/// The impact totals, the counts of an import, the log, the history and the statistics, in process.
@Suite struct LogQueryTests {
    typealias W = World

    // MARK: - Impact totals

    @Test("the impact totals are {totals, demonstrations}: maximum of the percentages, sum of the counts")
    func impactTotals() throws {
        try withRuleStore(seededWith: W.fiveCities + W.fiveCityImpacts) { store throws in
            #expect(try store.base.impactTotals().demonstrations == 5)
            #expect(
                try store.totals() == [
                    "energy_saved_pct": 30, "co2_reduced_pct": 40, "smart_meters": 350, "charging_stations": 4,
                    "floor_area_m2": 1200.5, "citizens_engaged": 800,
                ]
            )
        }
    }

    @Test("the impact totals of a project, a city, or a city in a project count only their demonstrations")
    func impactTotalsFiltered() throws {
        try withRuleStore(seededWith: W.fiveCities + W.fiveCityImpacts) { store throws in
            func demonstrations(project: String? = nil, city: String? = nil) throws -> Int {
                try store.impactTotals(project: project, city: city).demonstrations
            }
            #expect(
                try store.totals(project: "triangulum") == [
                    "energy_saved_pct": 12.5, "co2_reduced_pct": 10, "smart_meters": 100, "citizens_engaged": 300,
                ]
            )
            #expect(try demonstrations(project: "triangulum") == 2)
            #expect(
                try store.totals(project: "grow-smarter") == [
                    "energy_saved_pct": 30, "smart_meters": 250, "charging_stations": 4, "floor_area_m2": 1200.5,
                ]
            )
            #expect(
                try store.totals(city: "eindhoven") == [
                    "energy_saved_pct": 12.5, "co2_reduced_pct": 40, "smart_meters": 100, "citizens_engaged": 500,
                ]
            )
            #expect(try demonstrations(city: "eindhoven") == 2)
            #expect(try store.totals(project: "triangulum", city: "sabadell") == ["citizens_engaged": 300])
            #expect(try demonstrations(project: "triangulum", city: "sabadell") == 1)
            #expect(try store.totals(city: "leipzig").isEmpty)
        }
    }

    // MARK: - Import, log, history, statistics

    @Test("an import counts {appended, skipped} over every file given, and over a folder's files")
    func importCounts() throws {
        try withRuleStore { store throws in
            let first = store.folder + "/01-cities.jsonl"
            let second = store.folder + "/02-projects.jsonl"
            let project =
                #"{"id":"project-triangulum","type":"ProjectRegistered","#
                + #""data":{"project":"triangulum","name":"TRIANGULUM"}}"#
            for (path, lines) in [
                (first, [ImportFilesTests.registration("leipzig"), ImportFilesTests.registration("eindhoven")]),
                (second, [project]),
            ] {
                try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
            }
            func printedCounts(_ sources: [ImportSource]) throws -> [String: Int] {
                let printed = try printedObject(try store.base.importFiles(sources))
                return printed.members.reduce(into: [:]) { counts, member in counts[member.key] = integer(member.value)
                }
            }
            #expect(try printedCounts([.path(first), .path(second)]) == ["appended": 3, "skipped": 0])
            #expect(try printedCounts([.path(first), .path(second)]) == ["appended": 0, "skipped": 3])
            #expect(try printedCounts([.path(store.folder)]) == ["appended": 0, "skipped": 3])
        }
    }

    @Test("log and history list each event as export writes it, plus retracted_by")
    func logAndHistory() throws {
        let steps =
            W.triangulum + [
                W.impact("smart_meters", "100"),  // 9
                W.retraction(of: 9, reason: "counted twice", at: "2017-01-01"),  // 10
            ]
        try withRuleStore(seededWith: steps) { store throws in
            var exported: [JSONValue] = []
            try store.base.export { exported.append(try JSONParser.parse($0)) }
            var entries: [LogEntry] = []
            try store.base.log(LogFilter()) { entries.append($0) }
            let logged = try #require(try printedObject(EventListing(entries))["events"]?.arrayValue)
            try #require(logged.count == 10)
            for (entry, export) in zip(logged, exported) {
                var withoutMark = try #require(entry.objectValue)
                let mark = withoutMark["retracted_by"]
                withoutMark["retracted_by"] = nil
                #expect(mark != nil, "no retracted_by in \(entry)")
                #expect(JSONValue.object(withoutMark) == export, "\(entry) differs from \(export)")
            }
            #expect(integer(logged[8]["retracted_by"]) == 10)
            #expect(logged[9]["retracted_by"] == .null)
            #expect(logged[0]["retracted_by"] == .null)

            let history = try store.base.history(of: slug("d-eindhoven-e-bus"))
            try #require(history.map(\.stored.position.rawValue) == [8, 9, 10])
            #expect(history[1].retractedBy?.rawValue == 10)
            let listed = try #require(try printedObject(EventListing(history))["events"]?.arrayValue)
            #expect(listed.allSatisfy { $0["recorded"]?.stringValue != nil })

            var typed: [LogEntry] = []
            var filter = LogFilter()
            filter.type = .impactReported
            try store.base.log(filter) { typed.append($0) }
            #expect(typed.map(\.stored.position.rawValue) == [9])
        }
    }

    @Test("the statistics are events, head {position, hash}, by_type and store_bytes")
    func statistics() throws {
        try withRuleStore(seededWith: W.triangulum) { store throws in
            let printed = try printedObject(try store.base.statistics())
            #expect(integer(printed["events"]) == 8)
            let head = try #require(printed["head"])
            #expect(integer(head["position"]) == 8)
            var lastLine: [UInt8] = []
            try store.base.export { lastLine = $0 }
            #expect(head["hash"]?.stringValue == (try JSONParser.parse(lastLine)["hash"]?.stringValue))
            let byType = try #require(printed["by_type"]?.objectValue)
            #expect(
                Dictionary(uniqueKeysWithValues: byType.members.map { ($0.key, integer($0.value)) }) == [
                    "ProjectRegistered": 1, "CityRegistered": 3, "CityJoinedProject": 2, "SolutionCatalogued": 1,
                    "DemonstrationReported": 1,
                ]
            )
            #expect((integer(printed["store_bytes"]) ?? 0) > 0)
        }
    }
}
