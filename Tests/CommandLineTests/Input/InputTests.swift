import Foundation
import Testing

/// Same id with other bytes, malformed id arguments, and tables that keep ids and actors whole.
@Suite("input and tables")
struct InputTests {
    @Test("re-importing an event with the NFD spelling of a name stored in NFC is refused as other content")
    func otherBytesAreOtherContent() throws {
        let nfc = "K\u{00F6}ln"
        let nfd = "Ko\u{0308}ln"
        #expect(nfc == nfd, "Swift's == calls the two spellings equal; the store must not")
        func line(_ name: String) -> String {
            eventLine("CityRegistered", ["city": "cologne", "name": name, "country": "DE"], id: "city-cologne")
        }
        try withDomainStore(seededWith: [line(nfc)]) { store in
            let again = folder(store, "again.jsonl")
            try writeJSONLines([line(nfc)], to: again)
            let same = try store.run(["import", again, "--format", "json"])
            #expect(same.status == 0, "stderr: \(same.standardError)")
            #expect(try jsonObject(same.standardOutput)["skipped"] as? Int == 1)

            let before = try exportBytes(store: store.path)
            let other = folder(store, "nfd.jsonl")
            try writeJSONLines([line(nfd)], to: other)
            let result = try store.run(["import", other])
            #expect(result.status == 1, "exit \(result.status), stdout \(result.standardOutput)")
            #expect(result.errorLines.count == 1, "stderr: \(result.standardError)")
            #expect(result.standardError.contains("other content"), "stderr: \(result.standardError)")
            #expect(result.standardError.contains("nfd.jsonl:1"), "stderr: \(result.standardError)")
            #expect(try exportBytes(store: store.path) == before)
        }
    }

    @Test("a positional id that is no slug is bad input (exit 1, one line); a malformed option value is usage (2)")
    func malformedIDArguments() throws {
        try withDomainStore(seededWith: DomainEvent.triangulum) { store in
            let commands: [[String]] = [
                ["city", "Leipzig"], ["project", "Tri angulum"], ["solution", "E_Bus"], ["history", "LEIPZIG"],
                ["ccg", "eligibility", "Leipzig", "--meeting", "m1"], ["ccg", "contacts", "Leipzig"],
                ["ccg", "contact", "add", "Leipzig", "--name", "Ana", "--email", "ana@example.org"],
                ["ccg", "contact", "forget", "Ana Example", "--reason", "request"],
            ]
            for command in commands {
                let result = try store.run(command)
                #expect(result.status == 1, "\(command): exit \(result.status), stderr \(result.standardError)")
                #expect(result.errorLines.count == 1, "\(command): stderr \(result.standardError)")
                #expect(result.standardError.contains("is not a"), "\(command): stderr \(result.standardError)")
                #expect(result.standardOutput.isEmpty, "\(command): stdout \(result.standardOutput)")
            }
            let unknown = try store.run(["city", "nowhere"])
            #expect(unknown.status == 1, "an unknown id: exit \(unknown.status)")
            let option = try store.run(["graph", "--solution", "Leipzig"])
            #expect(option.status == 2, "--solution Leipzig: exit \(option.status), stderr \(option.standardError)")
            let known = try store.run(["city", "leipzig"])
            #expect(known.status == 0, "city leipzig: \(known.standardError)")
        }
    }

    @Test("history shows a long actor whole, wraps a long name and fits every line in 100 columns")
    func historyTableKeepsActors() throws {
        let actor = "replication-task-group-secretariat"
        let name =
            "Freie und Hansestadt Musterstadt an der Elbe, Bezirk Mitte, Ortsteil Altstadt, Quartier Hafenrand Nord"
        let lines = [
            eventLine(
                "CityRegistered",
                ["city": "musterstadt", "name": name, "country": "DE"],
                at: "2015-01-01",
                actor: actor,
                source: "Deliverable D5.3, replication plans of the fellow cities, section 4.2"
            ),
            eventLine("CityJoinedCCG", ["city": "musterstadt"], at: "2021-01-01", actor: actor),
        ]
        try withDomainStore(seededWith: lines) { store in
            let result = try store.run(["history", "musterstadt"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            let output = result.outputLines
            #expect(output.filter { $0.contains(actor) }.count == 2, "the actor is cut:\n\(result.standardOutput)")
            for line in output {
                #expect(line.count <= 100, "a line of \(line.count) columns: \(line)")
            }
            // The DATA column, read down its continuation lines, holds the whole name.
            let header = String(output.first ?? "")
            let start = header.distance(
                from: header.startIndex,
                to: header.range(of: "DATA")?.lowerBound ?? header.endIndex
            )
            let end = header.distance(
                from: header.startIndex,
                to: header.range(of: "ACTOR")?.lowerBound ?? header.endIndex
            )
            let column = output.dropFirst().map { line in
                String(line.dropFirst(start).prefix(end - start)).filter { $0 != " " }
            }.joined()
            #expect(
                column.contains(name.filter { $0 != " " }),
                "the name lost characters when wrapped:\n\(result.standardOutput)"
            )
            #expect(output.count > 4, "the name did not wrap onto continuation lines:\n\(result.standardOutput)")
        }
    }

    @Test("the log table keeps a long actor whole and fits 100 columns")
    func logTableKeepsActors() throws {
        let actor = "replication-task-group-secretariat"
        let lines = [
            eventLine(
                "CityRegistered",
                ["city": "leipzig", "name": "Leipzig", "country": "DE"],
                at: "2015-01-01",
                actor: actor
            )
        ]
        try withDomainStore(seededWith: lines) { store in
            let result = try store.run(["log"])
            #expect(result.status == 0, "stderr: \(result.standardError)")
            #expect(result.standardOutput.contains(actor), "the actor is cut:\n\(result.standardOutput)")
            for line in result.outputLines {
                #expect(line.count <= 100, "a line of \(line.count) columns: \(line)")
            }
        }
    }

    private func folder(_ store: DomainStore, _ name: String) -> String {
        store.folder + "/" + name
    }
}
