import Foundation
import Testing

/// The store, import, export, log and stats through the built `sckb` binary, each test against its own store.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct FoundationTests {
    // MARK: - Helpers

    /// Writes `lines` to `folder/name` and imports that file into `store`, asking for JSON counts.
    func importLines(
        _ lines: [String],
        into store: String,
        folder: String,
        name: String = "events.jsonl"
    ) throws -> (result: RunResult, path: String) {
        let path = folder + "/" + name
        try writeJSONLines(lines, to: path)
        return (try runSCKB(["import", path, "--store", store, "--format", "json"]), path)
    }

    /// Imports `lines` and requires that all were appended.
    func populate(_ store: String, folder: String, with lines: [String], name: String = "setup.jsonl") throws {
        let (result, _) = try importLines(lines, into: store, folder: folder, name: name)
        try #require(result.status == 0, "setting up the store failed: \(result.standardError)")
        let counts = try jsonObject(result.standardOutput)
        try #require(counts["skipped"] as? Int == 0, "setting up the store skipped events: \(result.standardOutput)")
    }

    /// The events of the store's export, parsed.
    func exportedEvents(_ store: String) throws -> [[String: Any]] {
        let result = try runSCKB(["export", "--store", store])
        try #require(result.status == 0, "export failed: \(result.standardError)")
        return try result.outputLines.map(jsonObject)
    }

    /// The import counts printed with `--format json`.
    func counts(_ result: RunResult) throws -> (appended: Int?, skipped: Int?) {
        let object = try jsonObject(result.standardOutput)
        return (object["appended"] as? Int, object["skipped"] as? Int)
    }

    static let threeCities = [
        cityLine("aachen", name: "Aachen", id: "city-aachen", at: "2014-01-01"),
        cityLine("bonn", name: "Bonn", id: "city-bonn", at: "2014-01-02"),
        cityLine("celle", name: "Celle", id: "city-celle", at: "2014-01-03"),
    ]

    // MARK: - Positions and re-import

    @Test("positions run 1…N without gaps across appends, file imports and standard input")
    func positionsHaveNoGaps() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            for city in ["aachen", "bonn", "celle"] {
                let result = try runSCKB([
                    "append", "CityRegistered", "city=\(city)", "name=\(city.capitalized)", "country=DE",
                    "--store", store,
                ])
                #expect(result.status == 0, "append \(city): \(result.standardError)")
            }
            try populate(
                store,
                folder: folder,
                with: [
                    cityLine("dresden"), cityLine("essen"), cityLine("freiburg"), cityLine("gera"),
                    projectLine("triangulum"), projectLine("grow-smarter"),
                ]
            )
            let stdin = [solutionLine("bike-sharing"), solutionLine("heat-pumps", area: "buildings")]
            let piped = try runSCKB(
                ["import", "-", "--store", store],
                input: Array(stdin.map { $0 + "\n" }.joined().utf8)
            )
            #expect(piped.status == 0, "import -: \(piped.standardError)")

            let positions = try exportedEvents(store).map { $0["position"] as? Int }
            #expect(positions == Array(1...11))

            let stats = try jsonObject(try runSCKB(["stats", "--store", store, "--format", "json"]).standardOutput)
            let head = try #require(stats["head"] as? [String: Any])
            #expect(head["position"] as? Int == 11)
            #expect(stats["events"] as? Int == 11)
        }
    }

    @Test("re-importing the same file appends nothing and skips every event")
    func reimportIsNoOp() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let lines =
                Self.threeCities + [
                    projectLine("triangulum", id: "project-triangulum", at: "2014-02-01"),
                    solutionLine("bike-sharing", id: "solution-bike-sharing", at: "2014-03-01"),
                ]
            let (first, path) = try importLines(lines, into: store, folder: folder)
            #expect(first.status == 0, "first import: \(first.standardError)")
            #expect(try counts(first) == (5, 0))
            let before = try exportBytes(store: store)

            let second = try runSCKB(["import", path, "--store", store, "--format", "json"])
            #expect(second.status == 0, "second import: \(second.standardError)")
            #expect(
                second.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
                    == #"{"appended":0,"skipped":5}"#
            )
            #expect(try exportBytes(store: store) == before)
        }
    }

    @Test("an id already stored with other content is refused, naming the id, and nothing of the file is kept")
    func sameIDOtherContentIsRefused() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try populate(store, folder: folder, with: Self.threeCities)
            let before = try exportBytes(store: store)

            let conflicting = cityLine("aachen", name: "Aix-la-Chapelle", id: "city-aachen", at: "2014-01-01")
            let (result, _) = try importLines(
                [cityLine("dresden", id: "city-dresden"), conflicting],
                into: store,
                folder: folder,
                name: "conflict.jsonl"
            )
            #expect(result.status == 1)
            #expect(result.errorLines.count == 1, "stderr: \(result.standardError)")
            #expect(result.standardError.contains("city-aachen"), "stderr: \(result.standardError)")
            #expect(try exportBytes(store: store) == before)
        }
    }

    @Test("an id of exactly 128 characters is accepted")
    func longestIDIsAccepted() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let id = String(repeating: "i", count: 128)
            try populate(store, folder: folder, with: [cityLine("aachen", id: id)])
            #expect(try exportedEvents(store).first?["id"] as? String == id)
        }
    }

    @Test("an id repeated within one file: the same content is skipped, other content refuses the whole file")
    func idRepeatedWithinFile() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let line = cityLine("aachen", id: "city-aachen", at: "2014-01-01")
            let (same, _) = try importLines(
                [line, cityLine("bonn"), line],
                into: store,
                folder: folder,
                name: "same.jsonl"
            )
            #expect(same.status == 0, "stderr: \(same.standardError)")
            #expect(try counts(same) == (2, 1))
            let before = try exportBytes(store: store)

            let (other, path) = try importLines(
                [cityLine("celle", id: "city-celle"), cityLine("dresden", id: "city-celle")],
                into: store,
                folder: folder,
                name: "other.jsonl"
            )
            #expect(other.status == 1)
            #expect(other.errorLines.count == 1, "stderr: \(other.standardError)")
            #expect(other.standardError.contains("\(path):2"), "stderr: \(other.standardError)")
            #expect(other.standardError.contains("city-celle"), "stderr: \(other.standardError)")
            #expect(try exportBytes(store: store) == before)
        }
    }

    @Test("an id of 128 four-byte characters (512 bytes) is deduplicated like a short one")
    func longMultibyteIDIsDeduplicated() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let id = String(repeating: "🚲", count: 128)
            let (first, path) = try importLines(
                [cityLine("aachen", id: id, at: "2014-01-01")],
                into: store,
                folder: folder
            )
            #expect(first.status == 0, "stderr: \(first.standardError)")
            let again = try runSCKB(["import", path, "--store", store, "--format", "json"])
            #expect(try counts(again) == (0, 1))
            let before = try exportBytes(store: store)
            let (other, _) = try importLines(
                [cityLine("aachen", name: "Aix", id: id, at: "2014-01-01")],
                into: store,
                folder: folder,
                name: "other.jsonl"
            )
            #expect(other.status == 1)
            #expect(try exportBytes(store: store) == before)
            #expect(try exportedEvents(store).first?["id"] as? String == id)
        }
    }

    // MARK: - Whole files or nothing

    static let badSeventhLines = [
        #"{"type":"CityRegistered","data":{"city":"g"#,
        cityLine("Not_A_Slug"),
    ]

    @Test(
        "a bad line 7 of 10 names FILE:7 and leaves the store as it was",
        arguments: [false, true],
        badSeventhLines
    )
    func badLineSevenLeavesStoreUnchanged(storeHasEvents: Bool, badLine: String) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            if storeHasEvents {
                try populate(store, folder: folder, with: Self.threeCities)
            }
            let before = try runSCKB(["export", "--store", store]).outputBytes
            var lines = (1...10).map { cityLine("city-\($0)", name: "City \($0)") }
            lines[6] = badLine
            let (result, path) = try importLines(lines, into: store, folder: folder, name: "ten.jsonl")
            #expect(result.status == 1)
            #expect(result.errorLines.count == 1, "stderr: \(result.standardError)")
            #expect(result.standardError.contains("\(path):7"), "stderr: \(result.standardError)")
            let after = try runSCKB(["export", "--store", store]).outputBytes
            #expect(after == before)
            #expect(after.filter { $0 == UInt8(ascii: "\n") }.count == (storeHasEvents ? 3 : 0))
        }
    }

    @Test("a folder imports its *.jsonl files in name order and ignores other files")
    func folderImportsJSONLinesInNameOrder() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let input = folder + "/events"
            try FileManager.default.createDirectory(atPath: input, withIntermediateDirectories: false)
            try writeJSONLines([cityLine("bremen"), cityLine("bochum")], to: input + "/b.jsonl")
            try writeJSONLines([cityLine("aachen")], to: input + "/a.jsonl")
            try writeJSONLines([cityLine("celle")], to: input + "/c.txt")

            let result = try runSCKB(["import", input, "--store", store, "--format", "json"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            #expect(try counts(result) == (3, 0))
            let cities = try exportedEvents(store).map { ($0["data"] as? [String: Any])?["city"] as? String }
            #expect(cities == ["aachen", "bremen", "bochum"])
        }
    }

    @Test("import - reads standard input")
    func dashReadsStandardInput() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let input = [cityLine("aachen"), projectLine("triangulum")].map { $0 + "\n" }.joined()
            let result = try runSCKB(["import", "-", "--store", store, "--format", "json"], input: Array(input.utf8))
            #expect(result.status == 0, "stderr: \(result.standardError)")
            #expect(try counts(result) == (2, 0))
            let types = try exportedEvents(store).map { $0["type"] as? String }
            #expect(types == ["CityRegistered", "ProjectRegistered"])
        }
    }

    // MARK: - Refusals

    /// A store in which each refused line below would be valid but for its one fault.
    static let refusalSetup = [
        cityLine("aachen", id: "city-aachen", at: "2014-01-01"),
        solutionLine("bike-sharing", id: "solution-bike-sharing", at: "2014-01-01"),
        eventLine(
            "DemonstrationReported",
            ["demonstration": "aachen-bikes", "solution": "bike-sharing", "city": "aachen"],
            at: "2015-01-01"
        ),
    ]

    static let refusals: [(fault: String, line: String, named: String)] = [
        (
            "unknown top-level field",
            #"{"type":"CityRegistered","colour":"red","data":{"city":"bonn","name":"Bonn","country":"DE"}}"#,
            "colour"
        ),
        (
            "unknown data field",
            #"{"type":"CityRegistered","data":{"city":"bonn","name":"Bonn","country":"DE","colour":"red"}}"#,
            "colour"
        ),
        ("bad slug", cityLine("Bonn_City"), "Bonn_City"),
        ("bad date", cityLine("bonn", at: "2021-02-30"), "2021-02-30"),
        ("missing required field", eventLine("CityRegistered", ["city": "bonn", "name": "Bonn"]), "country"),
        (
            "number with exponent",
            eventLine(
                "ImpactReported",
                ["demonstration": "aachen-bikes", "kpi": "smart_meters", "value": RawJSON("1e3")],
                at: "2016-01-01"
            ),
            "1e3"
        ),
        (
            "decimal with three fractional digits",
            eventLine(
                "ImpactReported",
                ["demonstration": "aachen-bikes", "kpi": "floor_area_m2", "value": RawJSON("12.505")],
                at: "2016-01-01"
            ),
            "12.505"
        ),
        ("id longer than 128 characters", cityLine("bonn", id: String(repeating: "i", count: 129)), "id"),
        (
            "actor that is an e-mail address",
            eventLine(
                "CityRegistered",
                ["city": "bonn", "name": "Bonn", "country": "DE"],
                actor: "someone@example.org"
            ),
            "someone@example.org"
        ),
    ]

    @Test("a faulty line is refused: exit 1, one stderr line naming it, store unchanged", arguments: refusals)
    func faultyLineIsRefused(fault: String, line: String, named: String) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try populate(store, folder: folder, with: Self.refusalSetup)
            let before = try exportBytes(store: store)
            let (result, path) = try importLines(
                [cityLine("dresden"), line],
                into: store,
                folder: folder,
                name: "faulty.jsonl"
            )
            #expect(result.status == 1, "\(fault): status \(result.status)")
            #expect(result.errorLines.count == 1, "\(fault): stderr: \(result.standardError)")
            #expect(result.standardError.contains("\(path):2"), "\(fault): stderr: \(result.standardError)")
            #expect(result.standardError.contains(named), "\(fault): stderr: \(result.standardError)")
            #expect(try exportBytes(store: store) == before, "\(fault): the store changed")
        }
    }

    @Test(
        "usage errors exit 2 with one stderr line and create no store",
        arguments: [
            ["append"], ["append", "NoSuchType"], ["append", "CityRegistered", "city"], ["log", "--limit", "x"],
        ]
    )
    func usageErrorsExitWith2(arguments: [String]) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let result = try runSCKB(arguments + ["--store", store])
            #expect(result.status == 2)
            #expect(result.errorLines.count == 1, "stderr: \(result.standardError)")
            #expect(result.standardOutput.isEmpty)
            #expect(!FileManager.default.fileExists(atPath: store))
        }
    }

    @Test("a read command on a missing store exits 3 and creates nothing", arguments: ["log", "export", "stats"])
    func missingStoreExitsWith3(command: String) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let result = try runSCKB([command, "--store", store])
            #expect(result.status == 3)
            #expect(result.errorLines.count == 1, "stderr: \(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: store))
        }
    }

    // MARK: - Export and the envelope

    @Test("export, import into a new store, export: equal in every field but recorded and hash")
    func exportImportRoundTrips() throws {
        try withTemporaryDirectory { folder in
            let first = folder + "/first"
            let second = folder + "/second"
            try populate(
                first,
                folder: folder,
                with: [
                    cityLine("leipzig", name: "Leipzig", id: "city-leipzig", at: "2014-05-01T10:00:00+02:00"),
                    cityLine("lodz", name: "Łódź", country: "PL", id: "city-lodz"),
                    eventLine(
                        "ProjectRegistered",
                        [
                            "project": "triangulum", "name": "Triangulum", "call": "SCC-01-2014", "start": "2015-02-01",
                            "end": "2020-01-31",
                        ],
                        id: "project-triangulum",
                        at: "2015-01-15",
                        actor: "secretariat",
                        source: "https://cordis.europa.eu/project/id/646578"
                    ),
                    eventLine(
                        "CityJoinedProject",
                        ["city": "leipzig", "project": "triangulum", "role": "fellow"],
                        at: "2015-02-01"
                    ),
                    solutionLine("e-bus", name: "Electric buses \"Linie 1\" \\ night", at: "2015-03-01"),
                    eventLine(
                        "DemonstrationReported",
                        [
                            "demonstration": "leipzig-e-bus", "solution": "e-bus", "city": "leipzig",
                            "project": "triangulum",
                        ],
                        at: "2016-06-30T23:30:00-01:00"
                    ),
                    eventLine(
                        "ImpactReported",
                        ["demonstration": "leipzig-e-bus", "kpi": "floor_area_m2", "value": RawJSON("12.50")],
                        at: "2017-01-01",
                        actor: "secretariat"
                    ),
                ],
                name: "first.jsonl"
            )
            let exported = try runSCKB(["export", "--store", first])
            try #require(exported.status == 0, "export: \(exported.standardError)")
            let exportPath = folder + "/export.jsonl"
            try Data(exported.outputBytes).write(to: URL(fileURLWithPath: exportPath))

            let imported = try runSCKB(["import", exportPath, "--store", second, "--format", "json"])
            #expect(imported.status == 0, "import of the export: \(imported.standardError)")
            #expect(try counts(imported) == (7, 0))

            let original = try exported.outputLines.map(jsonObject)
            let copy = try exportedEvents(second)
            try #require(copy.count == original.count)
            for (left, right) in zip(original, copy) {
                for key in ["recorded", "hash"] {
                    #expect(left[key] != nil && right[key] != nil, "\(key) missing")
                }
                var leftRest = left
                var rightRest = right
                for key in ["recorded", "hash"] {
                    leftRest[key] = nil
                    rightRest[key] = nil
                }
                #expect(NSDictionary(dictionary: leftRest).isEqual(to: rightRest), "\(left) became \(right)")
            }
            #expect((original.last?["data"] as? [String: Any])?["value"] as? Double == 12.5)
        }
    }

    static let validTimes: [(given: String, stored: String)] = [
        ("2020-01-01T10:00:00+02:00", "2020-01-01T08:00:00Z"),
        ("2020-01-01T00:30:00-01:00", "2020-01-01T01:30:00Z"),
        ("2020-03-01T01:00:00+02:00", "2020-02-29T23:00:00Z"),
        ("2019-12-31T23:00:00Z", "2019-12-31T23:00:00Z"),
        ("2019-05-06", "2019-05-06"),
    ]

    @Test("'at' is stored normalized: date-times in UTC with Z, dates as dates, none as the recorded time")
    func validTimeIsNormalized() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            var lines = Self.validTimes.enumerated().map { index, time in cityLine("city-\(index)", at: time.given) }
            lines.append(cityLine("undated"))
            try populate(store, folder: folder, with: lines)
            let events = try exportedEvents(store)
            try #require(events.count == Self.validTimes.count + 1)
            for (event, time) in zip(events, Self.validTimes) {
                #expect(event["at"] as? String == time.stored, "given \(time.given)")
            }
            let undated = try #require(events.last)
            let recorded = try #require(undated["recorded"] as? String)
            #expect(undated["at"] as? String == recorded)
            #expect(recorded.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/) != nil)

            let appended = try runSCKB([
                "append", "CityRegistered", "city=zwickau", "name=Zwickau", "country=DE",
                "--at", "2020-01-01T10:00:00+02:00", "--store", store, "--format", "json",
            ])
            #expect(appended.status == 0, "append: \(appended.standardError)")
            #expect(try jsonObject(appended.standardOutput)["at"] as? String == "2020-01-01T08:00:00Z")
        }
    }

    // MARK: - Read commands

    @Test("stats --format json gives events, head, counts by type and the store's size")
    func statsShape() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try populate(
                store,
                folder: folder,
                with: Self.threeCities + [projectLine("triangulum"), projectLine("ruggedised"), solutionLine("e-bus")]
            )
            let result = try runSCKB(["stats", "--store", store, "--format", "json"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let stats = try jsonObject(result.standardOutput)
            #expect(Set(stats.keys).isSuperset(of: ["events", "head", "by_type", "store_bytes"]))
            #expect(stats["events"] as? Int == 6)
            let head = try #require(stats["head"] as? [String: Any])
            #expect(head["position"] as? Int == 6)
            let hash = try #require(head["hash"] as? String)
            #expect(hash.wholeMatch(of: /[0-9a-f]{64}/) != nil)
            #expect(hash == (try exportedEvents(store).last?["hash"] as? String))
            let byType = try #require(stats["by_type"] as? [String: Int])
            #expect(byType == ["CityRegistered": 3, "ProjectRegistered": 2, "SolutionCatalogued": 1])
            let bytes = try #require(stats["store_bytes"] as? Int)
            #expect(bytes > 0)
        }
    }

    /// 1 aachen, 2 bonn, 3 triangulum, 4 aachen joins, 5 celle, 6 bonn joins, 7 e-bus.
    static let logSetup = [
        cityLine("aachen", at: "2014-01-01"),
        cityLine("bonn", at: "2014-01-01"),
        projectLine("triangulum", at: "2014-06-01"),
        eventLine(
            "CityJoinedProject",
            ["city": "aachen", "project": "triangulum", "role": "lighthouse"],
            at: "2015-01-01"
        ),
        cityLine("celle", at: "2014-01-01"),
        eventLine("CityJoinedProject", ["city": "bonn", "project": "triangulum", "role": "fellow"], at: "2015-01-01"),
        solutionLine("e-bus", at: "2014-01-01"),
    ]

    static let logQueries: [(options: [String], positions: [Int])] = [
        ([], [1, 2, 3, 4, 5, 6, 7]),
        (["--type", "CityRegistered"], [1, 2, 5]),
        (["--entity", "aachen"], [1, 4]),
        (["--entity", "triangulum"], [3, 4, 6]),
        (["--from", "4"], [4, 5, 6, 7]),
        (["--limit", "3"], [1, 2, 3]),
        (["--limit", "0"], []),
        (["--type", "CityJoinedProject", "--from", "5"], [6]),
        (["--entity", "bonn", "--limit", "1"], [2]),
        (["--entity", "bonn", "--from", "3"], [6]),
        (["--from", "8"], []),
    ]

    @Test("log --type, --entity, --from and --limit select the right positions", arguments: logQueries)
    func logSelects(options: [String], positions: [Int]) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try populate(store, folder: folder, with: Self.logSetup)
            let result = try runSCKB(["log", "--store", store, "--format", "json"] + options)
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let log = try jsonObject(result.standardOutput)
            let events = try #require(log["events"] as? [[String: Any]])
            #expect(events.map { $0["position"] as? Int } == positions)
        }
    }

    @Test("log --format json gives each event as export writes it, with retracted_by null")
    func logJSONShape() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try populate(store, folder: folder, with: Self.logSetup)
            let result = try runSCKB(["log", "--store", store, "--format", "json"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let events = try #require(try jsonObject(result.standardOutput)["events"] as? [[String: Any]])
            let exported = try exportedEvents(store)
            try #require(events.count == exported.count)
            for (logged, export) in zip(events, exported) {
                #expect(logged["retracted_by"] is NSNull, "retracted_by of \(logged)")
                var rest = logged
                rest["retracted_by"] = nil
                #expect(NSDictionary(dictionary: rest).isEqual(to: export))
            }
        }
    }

    @Test("export --until N gives the first N lines of the export")
    func exportUntilIsPrefix() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try populate(store, folder: folder, with: Self.logSetup)
            let full = try runSCKB(["export", "--store", store]).outputLines
            try #require(full.count == 7)
            for count in [1, 3, 6, 7, 9] {
                let result = try runSCKB(["export", "--until", String(count), "--store", store])
                #expect(result.status == 0, "stderr: \(result.standardError)")
                #expect(result.outputLines == Array(full.prefix(count)), "--until \(count)")
            }
        }
    }

    // MARK: - Text that users entered is printed safely

    /// Whether `text` holds a control character other than the line feeds that end lines.
    static func hasRawControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            scalar != "\n" && (scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value))
        }
    }

    @Test("control characters in a name reach neither log's table nor an error line raw")
    func controlCharactersInNamesAreEscaped() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try populate(store, folder: folder, with: [cityLine("evil", name: "Evil\u{1B}[31mRed\u{7}")])
            let log = try runSCKB(["log", "--store", store])
            #expect(log.status == 0, "stderr: \(log.standardError)")
            #expect(log.standardOutput.contains("Evil"))
            #expect(!Self.hasRawControlCharacter(log.standardOutput), "log: \(log.standardOutput.debugDescription)")

            let (refused, _) = try importLines(
                [cityLine("bad\u{1B}[2J", name: "X")],
                into: store,
                folder: folder,
                name: "bad.jsonl"
            )
            #expect(refused.status == 1)
            #expect(refused.errorLines.count == 1)
            #expect(
                !Self.hasRawControlCharacter(refused.standardError),
                "stderr: \(refused.standardError.debugDescription)"
            )
        }
    }

    @Test(
        "control characters in a rejected option value never reach standard error raw",
        arguments: [["log", "--entity", "x\u{1B}[31m"], ["export", "--until", "\u{1B}[2J"]]
    )
    func controlCharactersInOptionValuesAreEscaped(arguments: [String]) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try populate(store, folder: folder, with: [cityLine("aachen")])
            let result = try runSCKB(arguments + ["--store", store])
            #expect(result.status == 2)
            #expect(result.errorLines.count == 1, "stderr: \(result.standardError.debugDescription)")
            #expect(
                !Self.hasRawControlCharacter(result.standardError),
                "stderr: \(result.standardError.debugDescription)"
            )
        }
    }

    @Test(
        "control characters in a file name never reach standard error raw when the file is refused"
    )
    func controlCharactersInFileNamesAreEscaped() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let (result, _) = try importLines(
                [#"{"type":1}"#],
                into: store,
                folder: folder,
                name: "bad\u{1B}[31m.jsonl"
            )
            #expect(result.status == 1)
            #expect(result.errorLines.count == 1, "stderr: \(result.standardError.debugDescription)")
            #expect(result.standardError.contains(".jsonl:1"), "stderr: \(result.standardError.debugDescription)")
            #expect(
                !Self.hasRawControlCharacter(result.standardError),
                "stderr: \(result.standardError.debugDescription)"
            )
        }
    }

    // MARK: - The store folder and help

    @Test("the store folder is created with owner-only permissions", arguments: ["append", "import"])
    func storeIsOwnerOnly(creatingCommand: String) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/nested/kb"
            let result: RunResult
            if creatingCommand == "append" {
                result = try runSCKB([
                    "append", "CityRegistered", "city=aachen", "name=Aachen", "country=DE", "--store", store,
                ])
            } else {
                result = try importLines([cityLine("aachen")], into: store, folder: folder).result
            }
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let attributes = try FileManager.default.attributesOfItem(atPath: store)
            let mode = try #require(attributes[.posixPermissions] as? Int)
            #expect(mode & 0o777 == 0o700, "mode \(String(mode, radix: 8))")
            for file in try FileManager.default.contentsOfDirectory(atPath: store) {
                let fileAttributes = try FileManager.default.attributesOfItem(atPath: store + "/" + file)
                let fileMode = try #require(fileAttributes[.posixPermissions] as? Int)
                #expect(fileMode & 0o077 == 0, "\(file) has mode \(String(fileMode, radix: 8))")
            }
        }
    }

    @Test(
        "sckb --help and each command's --help show an example",
        arguments: [[], ["append"], ["import"], ["export"], ["log"], ["stats"]]
    )
    func helpShowsExample(command: [String]) throws {
        let result = try runSCKB(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("Example"), "help of \(command): \(result.standardOutput)")
    }
}
