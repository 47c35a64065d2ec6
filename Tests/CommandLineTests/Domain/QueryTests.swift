import Foundation
import Testing

/// What only a process shows of the read commands of SPEC §5: exit codes, stderr, tables, and DOT and Mermaid
/// output. The answers and their JSON are tested in process (Tests/ProjectionsTests/Queries).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct DomainQueryTests {
    typealias E = DomainEvent

    // MARK: - append

    @Test("append --format json prints the stored event exactly as export writes it")
    func appendIsExportForm() throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            let result = try store.append(
                "SolutionReplicated",
                ["solution=e-bus", "city=leipzig", "from=eindhoven", "funding=scale-grant"],
                at: "2018-01-01",
                extra: ["--actor", "secretariat", "--source", "https://example.org/report.pdf", "--id", "rep-1"]
            )
            try #require(result.status == 0, "\(result.standardError)")
            let exported = try exportBytes(store: store.path)
            let lastLine = try #require(String(decoding: exported, as: UTF8.self).split(separator: "\n").last)
            #expect(result.standardOutput.trimmingCharacters(in: .newlines) == String(lastLine))
            let event = try jsonObject(lastLine)
            #expect((event["position"] as? Int) == 9)
            #expect((event["actor"] as? String) == "secretariat")
            #expect((event["source"] as? String) == "https://example.org/report.pdf")
            #expect((event["id"] as? String) == "rep-1")
            #expect(((event["hash"] as? String) ?? "").count == 64)
            #expect(((event["recorded"] as? String) ?? "").hasSuffix("Z"))
        }
    }

    // MARK: - Profiles

    @Test(
        "city, project and solution profiles exit 0 with a table naming their id",
        arguments: [("city", "leipzig"), ("project", "triangulum"), ("solution", "e-bus")]
    )
    func profiles(command: String, id: String) throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            let table = try store.run([command, id])
            #expect(table.status == 0, "\(table.standardError)")
            #expect(table.standardOutput.contains(id))
        }
    }

    @Test(
        "city, project and solution profiles and the history of an unknown id exit 1 with one line naming it",
        arguments: [
            ("city", "oslo"), ("project", "sharing-cities"), ("solution", "hyperloop"), ("city", "e-bus"),
            ("history", "nobody-named"),
        ]
    )
    func unknownProfiles(command: String, id: String) throws {
        try withDomainStore(seededWith: E.triangulum) { store throws in
            for format in ["table", "json"] {
                let result = try store.run([command, id, "--format", format])
                #expect(result.status == 1, "\(command) \(id) --format \(format)")
                #expect(result.standardOutput.isEmpty)
                #expect(result.errorLines.count == 1)
                #expect(result.standardError.contains(id), "\(result.standardError)")
            }
        }
    }

    // MARK: - ccg eligibility

    /// Triangulum ended; Leipzig and Tartu (no project) are CCG members; Eindhoven joined and left; one physical and
    /// one virtual meeting.
    static let eligibilityWorld =
        E.triangulum + [
            E.ended("triangulum", at: "2020-01-31"),  // 9
            E.city("tartu", country: "EE"),  // 10
            E.joinedCCG("leipzig"),  // 11
            E.joinedCCG("tartu"),  // 12
            E.joinedCCG("eindhoven"),  // 13
            E.leftCCG("eindhoven", at: "2022-01-01"),  // 14
            E.meeting("ccg-2025-online", on: "2025-04-10", format: "virtual", kind: "advocacy"),  // 15
            E.meeting("ccg-2025-utrecht", on: "2025-06-10", kind: "co-creation"),  // 16
        ]

    /// `ccg eligibility` with `--format json`: the exit status and `eligible`.
    func eligibility(_ store: DomainStore, _ arguments: [String]) throws -> (status: Int32, eligible: Bool?) {
        let result = try store.run(["ccg", "eligibility"] + arguments + ["--format", "json"])
        return (result.status, try jsonObject(result.standardOutput)["eligible"] as? Bool)
    }

    @Test("ccg eligibility exits 0 when eligible and 1 when not (an unknown city or meeting too), writing nothing")
    func ccgEligibility() throws {
        try withDomainStore(seededWith: Self.eligibilityWorld) { store throws in
            let before = try exportBytes(store: store.path)
            let yes = try eligibility(store, ["leipzig", "--meeting", "ccg-2025-utrecht", "--amount", "150"])
            #expect(yes.status == 0)
            #expect(yes.eligible == true)
            #expect(try store.run(["ccg", "eligibility", "leipzig", "--meeting", "ccg-2025-utrecht"]).status == 0)

            for arguments in [
                ["tartu", "--meeting", "ccg-2025-utrecht", "--amount", "150"],
                ["eindhoven", "--meeting", "ccg-2025-utrecht"],
                ["leipzig", "--meeting", "ccg-2025-online"],
                ["oslo", "--meeting", "ccg-2025-utrecht"],
                ["leipzig", "--meeting", "ccg-2030-oslo"],
                ["oslo", "--meeting", "ccg-2030-oslo"],
            ] {
                let no = try eligibility(store, arguments)
                #expect(no.status == 1, "\(arguments)")
                #expect(no.eligible == false, "\(arguments)")
            }

            let table = try store.run(["ccg", "eligibility", "tartu", "--meeting", "ccg-2025-utrecht"])
            #expect(table.status == 1)
            #expect(try exportBytes(store: store.path) == before)
        }
    }

    @Test("ccg eligibility without a store is not a no but a missing store: exit 3")
    func ccgEligibilityWithoutStore() throws {
        let missing = try withDomainStore { empty throws in
            try empty.run(["ccg", "eligibility", "oslo", "--meeting", "ccg-2030-oslo"])
        }
        #expect(missing.status == 3)
    }

    // MARK: - Safe printing

    static let hostileName = "Bad\u{1B}[31m\nCity\"X"

    /// Sabadell, named with an ESC, a newline and a double quote, adopted the e-bus from Eindhoven and joined the CCG.
    static let hostileWorld = [
        E.project("triangulum", name: "Triangulum \"SCC1\"\u{7F}"),  // 1
        E.city("sabadell", name: hostileName, country: "ES"),  // 2
        E.city("eindhoven", name: "Eindhoven\u{7}\t\r", country: "NL"),  // 3
        E.join("eindhoven", "triangulum", "lighthouse"),  // 4
        E.join("sabadell", "triangulum", "fellow"),  // 5
        E.solution("e-bus", name: "E-bus \"XL\"\u{1B}]0;pwned\u{7}"),  // 6
        E.demonstration("d-eindhoven-e-bus", solution: "e-bus", city: "eindhoven", project: "triangulum"),  // 7
        E.replicated("e-bus", city: "sabadell", from: "eindhoven"),  // 8
        E.joinedCCG("sabadell"),  // 9
    ]

    /// Bytes below 0x20 other than the line feed, and DEL.
    func rawControlBytes(_ bytes: [UInt8]) -> [UInt8] {
        bytes.filter { ($0 < 0x20 && $0 != 0x0A) || $0 == 0x7F }
    }

    @Test(
        "names with control characters and quotes print safely in tables, dot and mermaid",
        arguments: [
            ["graph"], ["graph", "--format", "dot"], ["graph", "--format", "mermaid"], ["city", "sabadell"], ["log"],
            ["history", "sabadell"], ["spread"], ["solution", "e-bus"], ["project", "triangulum"], ["ccg", "members"],
            ["cities"],
        ]
    )
    func safeOutput(command: [String]) throws {
        try withDomainStore(seededWith: Self.hostileWorld) { store throws in
            let result = try store.run(command)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(
                rawControlBytes(result.outputBytes).isEmpty,
                "raw control bytes: \(rawControlBytes(result.outputBytes))"
            )
            // The newline in the name must not have started a line of its own.
            #expect(!result.outputLines.contains { $0.hasPrefix("City") }, "\(result.standardOutput)")
        }
    }

    /// Whether every line of DOT output closes each string it opens (a quote escaped by a backslash does not count).
    func unbalancedDOTLines(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { line in
            var inString = false
            var escaped = false
            for character in line {
                if escaped {
                    escaped = false
                } else if character == "\\" && inString {
                    escaped = true
                } else if character == "\"" {
                    inString.toggle()
                }
            }
            return inString
        }
    }

    @Test("graph --format dot escapes the quotes of labels, and Graphviz accepts it")
    func dotEscaping() throws {
        try withDomainStore(seededWith: Self.hostileWorld) { store throws in
            let result = try store.run(["graph", "--format", "dot", "--planned"])
            try #require(result.status == 0, "\(result.standardError)")
            #expect(unbalancedDOTLines(result.standardOutput).isEmpty, "\(result.standardOutput)")
            let sabadell = result.outputLines.filter { $0.contains("City") }
            #expect(sabadell.count == 1)
            #expect(sabadell.allSatisfy { $0.contains("City\\\"X") }, "\(sabadell)")

            // Graphviz itself must parse it (skipped where Graphviz is not installed).
            let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            guard let dot = path.map({ "\($0)/dot" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) })
            else {
                return
            }
            let input = store.folder + "/graph.dot"
            try Data(result.outputBytes).write(to: URL(fileURLWithPath: input))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: dot)
            process.arguments = ["-Tsvg", input, "-o", store.folder + "/graph.svg"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "dot -Tsvg refused:\n\(result.standardOutput)")
        }
    }

    @Test("graph --format mermaid keeps double quotes out of its quoted labels")
    func mermaidEscaping() throws {
        try withDomainStore(seededWith: Self.hostileWorld) { store throws in
            let result = try store.run(["graph", "--format", "mermaid", "--planned"])
            try #require(result.status == 0, "\(result.standardError)")
            for line in result.outputLines where line.contains("[") {
                #expect(line.filter { $0 == "\"" }.count == 2, "\(line)")
            }
            #expect(result.outputLines.contains { $0.contains("sabadell[") })
        }
    }
}
