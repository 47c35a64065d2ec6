import Foundation
import Testing

/// What only a process shows of a refusal: exit 1, one stderr line, nothing on stdout, and the store as it was. The
/// rules themselves are tested in process (Tests/ProjectionsTests/Rules).
@Suite(.serialized, .timeLimit(.minutes(3)))
struct RefusalTests {
    struct RefusalCase: Sendable, CustomTestStringConvertible {
        let type: String
        let fields: [String]
        /// The offending value.
        let value: String
        let line: String
        let testDescription: String
    }

    static let refusals = [
        RefusalCase(
            type: "CityJoinedProject",
            fields: ["city=tartu", "project=triangulum", "role=fellow"],
            value: "tartu",
            line: "sckb: CityJoinedProject refused: city 'tartu' is not registered",
            testDescription: "a rule"
        ),
        RefusalCase(
            type: "CityRegistered",
            fields: ["city=tartu", "name=Tartu", "country=DEU"],
            value: "DEU",
            line: "sckb: CityRegistered: field 'country': 'DEU' is not an ISO 3166-1 alpha-2 country code (such as DE)",
            testDescription: "a value outside the catalogue"
        ),
    ]

    @Test(
        "a refused append exits 1 with one stderr line naming the type and the value, and leaves the export unchanged",
        arguments: refusals
    )
    func refusedAppend(_ refusal: RefusalCase) throws {
        try withDomainStore(seededWith: DomainEvent.triangulum) { store throws in
            let line = try store.refuse(refusal.type, refusal.fields, at: "2016-01-01", naming: [refusal.value])
            #expect(line == refusal.line)
        }
    }

    @Test("a rule broken inside an import refuses the whole file, naming file:line and the rule")
    func importRefusesWholeFile() throws {
        try withDomainStore(seededWith: DomainEvent.triangulum) { store throws in
            let before = try exportBytes(store: store.path)
            let file = store.folder + "/joins.jsonl"
            try writeJSONLines(
                [
                    DomainEvent.city("tartu", country: "EE"),
                    DomainEvent.join("tartu", "triangulum", "fellow"),
                    DomainEvent.join("leipzig", "triangulum", "lighthouse"),
                ],
                to: file
            )
            let result = try store.run(["import", file])
            #expect(result.status == 1)
            #expect(result.standardOutput.isEmpty, "\(result.standardOutput)")
            #expect(result.errorLines.count == 1, "\(result.standardError)")
            let line = String(result.errorLines.first ?? "")
            #expect(line.hasPrefix("sckb: ") && line.contains("joins.jsonl:3: CityJoinedProject refused"), "\(line)")
            #expect(line.contains("leipzig"), "\(line)")
            #expect(try exportBytes(store: store.path) == before)
        }
    }
}
