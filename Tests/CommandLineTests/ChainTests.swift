import Foundation
import Testing

/// The hash chain of an export, re-checked with a JCS implementation that is not ours (Python's `jcs`).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ChainTests {
    /// Recomputes every hash of the export on standard input; prints `ok N HEAD` or fails naming the position.
    static let checker = """
        import hashlib, json, sys
        import jcs
        previous = bytes(32)
        count = 0
        for line in sys.stdin:
            event = json.loads(line)
            claimed = event.pop("hash")
            previous = hashlib.sha256(previous + jcs.canonicalize(event)).digest()
            if previous.hex() != claimed:
                sys.exit(f"chain broken at position {event['position']}")
            count += 1
        print("ok", count, previous.hex())
        """

    /// Runs `python3` with `arguments`, feeding it `input`; stdout and stderr go to files.
    func runPython(_ arguments: [String], input: [UInt8] = []) throws -> RunResult {
        try withTemporaryDirectory { folder in
            let inputPath = folder + "/stdin"
            let outputPath = folder + "/stdout"
            let errorPath = folder + "/stderr"
            _ = FileManager.default.createFile(atPath: inputPath, contents: Data(input))
            _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
            _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
            let inputHandle = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
            let outputHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
            let errorHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
            defer {
                try? inputHandle.close()
                try? outputHandle.close()
                try? errorHandle.close()
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"] + arguments
            process.standardInput = inputHandle
            process.standardOutput = outputHandle
            process.standardError = errorHandle
            try process.run()
            process.waitUntilExit()
            let output = [UInt8](try Data(contentsOf: URL(fileURLWithPath: outputPath)))
            let error = try String(contentsOfFile: errorPath, encoding: .utf8)
            return RunResult(
                status: process.terminationStatus,
                standardOutput: String(decoding: output, as: UTF8.self),
                standardError: error,
                outputBytes: output
            )
        }
    }

    /// Fails the test (never skips it) when Python's jcs package is missing.
    func requireJCS() throws {
        let probe = try runPython(["-c", "import jcs"])
        try #require(
            probe.status == 0,
            "Python's jcs package is missing: `make test` installs it (python3 -m pip install jcs). \(probe.standardError)"
        )
    }

    static let cityNames = [
        "Łódź", "Zürich", "São Paulo", "Kraków", "Malmö", "Göteborg", "Reykjavík", "Besançon", "Cluj-Napoca",
        "Helsingør", "Ålesund", "Tartu 🚲", "Smart City ⚡️ Hub", "Città di Milano", "Ελευσίνα", "Київ",
        "Quote \"q\" and back\\slash", "東京", "Dún Laoghaire", "Nürnberg", "Córdoba", "Plzeň", "Écija", "Trondheim 🌍",
        "Porto", "Lyon", "Gdańsk", "Umeå", "Alkmaar", "Sant Cugat del Vallès", "Espoo", "Bordeaux", "Cork",
        "Vitoria-Gasteiz", "Hamburg", "Tampere", "Kladno", "Písek", "Suceava", "Garðabær",
    ]

    static let countries = [
        "PL", "CH", "BR", "PL", "SE", "SE", "IS", "FR", "RO", "DK", "NO", "EE", "DE", "IT", "GR",
        "UA", "BE", "JP", "IE", "DE",
    ]

    static let areas = ["mobility-logistics", "buildings", "urban-data-ict", "citizen-engagement", "urban-governance"]

    static let offsets = ["+02:00", "-05:30", "Z", "+14:00", "-12:00", "+05:45", "+00:00", "-03:00"]

    static let values = ["12.50", "0.05", "99.9", "100", "3", "1234567890123.45", "0", "7.1", "42.00", "15.25"]

    static let kpis = [
        "energy_saved_pct", "smart_meters", "floor_area_m2", "co2_reduced_pct", "e_vehicles",
        "charging_stations", "citizens_engaged",
    ]

    /// About 200 events valid under the catalogue rules: registrations (2014), joins (2015), demonstrations (2016),
    /// impact reports (2017), every reference to an entity registered earlier, each `at` after what it refers to.
    static func variedEvents() -> [String] {
        var lines: [String] = []
        for (index, name) in cityNames.enumerated() {
            let offset = offsets[index % offsets.count]
            lines.append(
                eventLine(
                    "CityRegistered",
                    ["city": "city-\(index)", "name": name, "country": countries[index % countries.count]],
                    id: "city-\(index)",
                    at: index.isMultiple(of: 3)
                        ? "2014-03-\(10 + index % 15)" : "2014-03-\(10 + index % 15)T\(10 + index % 10):15:00\(offset)",
                    actor: index.isMultiple(of: 4) ? "secretariat" : nil,
                    source: index.isMultiple(of: 5) ? "https://scalablecities.eu/cities/\(index)?q=ä&x=\"y\"" : nil
                )
            )
        }
        for project in 0..<10 {
            lines.append(
                eventLine(
                    "ProjectRegistered",
                    [
                        "project": "project-\(project)", "name": "Projekt №\(project) — “Smart” \\ \"Lighthouse\"",
                        "call": "SCC-0\(project % 3 + 1)-2014", "start": "2014-0\(project % 9 + 1)-01",
                        "end": "2019-12-31",
                    ],
                    id: "project-\(project)",
                    at: "2014-01-0\(project % 9 + 1)T08:00:00+01:00"
                )
            )
        }
        for solution in 0..<20 {
            lines.append(
                eventLine(
                    "SolutionCatalogued",
                    [
                        "solution": "solution-\(solution)", "name": "Lösung \(solution) 🔋 déjà vu",
                        "area": areas[solution % areas.count],
                    ],
                    at: "2014-04-\(10 + solution)T23:59:59-02:00"
                )
            )
        }
        for join in 0..<40 {
            lines.append(
                eventLine(
                    "CityJoinedProject",
                    [
                        "city": "city-\(join)", "project": "project-\(join % 10)",
                        "role": join < 10 ? "lighthouse" : "fellow",
                    ],
                    id: "join-\(join)",
                    at: "2015-01-\(10 + join % 18)T00:30:00\(offsets[join % offsets.count])"
                )
            )
        }
        for demonstration in 0..<40 {
            let city = demonstration
            lines.append(
                eventLine(
                    "DemonstrationReported",
                    demonstration.isMultiple(of: 2)
                        ? [
                            "demonstration": "demo-\(demonstration)", "solution": "solution-\(demonstration % 20)",
                            "city": "city-\(city)", "project": "project-\(city % 10)",
                        ]
                        : [
                            "demonstration": "demo-\(demonstration)", "solution": "solution-\(demonstration % 20)",
                            "city": "city-\(city)",
                        ],
                    at: "2016-0\(demonstration % 9 + 1)-15"
                )
            )
        }
        for report in 0..<50 {
            let kpi = kpis[report % kpis.count]
            let value =
                kpi.hasSuffix("_pct")
                ? ["12.50", "99.9", "0.05", "100", "7.1"][report % 5]
                : values[report % values.count]
            lines.append(
                eventLine(
                    "ImpactReported",
                    ["demonstration": "demo-\(report % 40)", "kpi": kpi, "value": RawJSON(value)],
                    at: "2017-0\(report % 9 + 1)-0\(report % 9 + 1)T12:00:00\(offsets[report % offsets.count])",
                    actor: report.isMultiple(of: 3) ? "monitoring-and-evaluation" : nil
                )
            )
        }
        return lines
    }

    @Test("every hash of an export of ~200 varied events is SHA-256(previous ‖ JCS), as Python's jcs computes it")
    func chainMatchesIndependentJCS() throws {
        try requireJCS()
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let lines = Self.variedEvents()
            let path = folder + "/varied.jsonl"
            try writeJSONLines(lines, to: path)
            let imported = try runSCKB(["import", path, "--store", store, "--format", "json"])
            try #require(imported.status == 0, "import: \(imported.standardError)")
            #expect(try jsonObject(imported.standardOutput)["appended"] as? Int == lines.count)

            let export = try runSCKB(["export", "--store", store])
            try #require(export.status == 0, "export: \(export.standardError)")
            #expect(export.outputLines.count == lines.count)
            let checked = try runPython(["-c", Self.checker], input: export.outputBytes)
            #expect(checked.status == 0, "python: \(checked.standardError)")
            let stats = try jsonObject(try runSCKB(["stats", "--store", store, "--format", "json"]).standardOutput)
            let head = try #require((stats["head"] as? [String: Any])?["hash"] as? String)
            #expect(checked.standardOutput == "ok \(lines.count) \(head)\n")

            // The checker is not vacuous: change one byte of one name and it names that position.
            var tampered = export.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).map(
                String.init
            )
            tampered[16] = tampered[16].replacingOccurrences(of: "back\\\\slash", with: "back\\\\slosh")
            #expect(tampered[16] != String(export.outputLines[16]))
            let broken = try runPython(["-c", Self.checker], input: Array(tampered.joined(separator: "\n").utf8))
            #expect(broken.status != 0)
            #expect(broken.standardError.contains("chain broken at position 17"), "python: \(broken.standardError)")
        }
    }

    @Test("names with quotes, backslashes, diacritics and emoji come back from export exactly as given")
    func textSurvivesExport() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let lines = Array(Self.variedEvents().prefix(Self.cityNames.count))
            let path = folder + "/cities.jsonl"
            try writeJSONLines(lines, to: path)
            let imported = try runSCKB(["import", path, "--store", store])
            try #require(imported.status == 0, "import: \(imported.standardError)")
            let export = try runSCKB(["export", "--store", store])
            let names = try export.outputLines.map {
                try (jsonObject($0)["data"] as? [String: Any])?["name"] as? String
            }
            #expect(names == Self.cityNames)
        }
    }
}
