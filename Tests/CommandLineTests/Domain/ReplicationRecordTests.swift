import Foundation
import Testing

/// What only a process shows of the replication record: a project origin drawn by DOT and Mermaid, and the tables of
/// obstacles and figures. Origins via a project, obstacles and published figures are tested in process
/// (Tests/ProjectionsTests/Queries).
@Suite("The replication record")
struct ReplicationRecordTests {
    typealias E = DomainEvent

    @Test("dot and mermaid draw one escaped node for a project's lighthouse cities")
    func projectOriginNode() throws {
        let hostile = #"Tri "quoted" <b>|#x\"#
        let lines = [E.project("triangulum", name: hostile)] + E.triangulum.dropFirst()
        try withDomainStore(seededWith: Array(lines)) { store throws in
            try store.accept("ReplicationPlanned", ["solution=e-bus", "city=sabadell", "project=triangulum"])
            let dot = try store.run(["graph", "--planned", "--format", "dot"])
            #expect(dot.status == 0)
            #expect(dot.standardOutput.contains(#""lighthouses:triangulum" -> "sabadell""#))
            #expect(dot.standardOutput.contains(#"label="Tri \"quoted\" <b>|#x\\: lighthouse cities""#))
            let mermaid = try store.run(["graph", "--planned", "--format", "mermaid"])
            #expect(mermaid.standardOutput.contains("lighthouses_triangulum -.->"))
            #expect(mermaid.standardOutput.contains("Tri #quot;quoted#quot; #lt;b#gt;#124;#35;x\\: lighthouse cities"))
            #expect(!mermaid.standardOutput.contains("<b>"))
        }
    }

    @Test("the obstacles table fits 100 columns, wraps long text and never cuts an id")
    func obstaclesTable() throws {
        let longID = "obs-" + String(repeating: "very-long-", count: 5) + "id"
        let text = String(repeating: "The procurement framework did not allow a joint tender. ", count: 6)
        let obstacle = eventLine(
            "ObstacleReported",
            [
                "obstacle": longID, "category": "procurement", "text": text, "solution": "e-bus", "city": "leipzig",
                "project": "triangulum",
            ],
            at: "2017-01-01"
        )
        try withDomainStore(seededWith: E.triangulum + [obstacle]) { store throws in
            let table = try store.run(["obstacles"])
            #expect(table.status == 0)
            #expect(table.standardOutput.contains(longID))
            let lines = table.standardOutput.split(separator: "\n")
            #expect(lines.allSatisfy { $0.count <= 100 }, "\(lines.map(\.count).max() ?? 0) columns")
            let words = text.split(separator: " ")
            let shown = table.standardOutput.split(whereSeparator: { $0 == " " || $0 == "\n" })
            #expect(words.allSatisfy { shown.contains($0) }, "a word of the text is missing or cut")
        }
    }

    @Test("kpis shows the reported total beside the published figure in its table")
    func kpisTable() throws {
        let lines = E.triangulum + [E.impact("d-eindhoven-e-bus", "e_vehicles", "12")]
        try withDomainStore(seededWith: lines) { store throws in
            try store.accept("ImpactPublished", ["kpi=e_vehicles", "value=5270"])
            let table = try store.run(["kpis"])
            let row = table.standardOutput.split(separator: "\n").first { $0.hasPrefix("e_vehicles") }
            #expect(row?.split(separator: " ").prefix(3) == ["e_vehicles", "12", "5270"], "\(table.standardOutput)")
        }
    }
}
