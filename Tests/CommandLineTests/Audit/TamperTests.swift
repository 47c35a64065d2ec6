import EventStore
import Foundation
import Testing

/// Tampering with real files: the store's data.mdb and exports. Each is detected at the right position, with exit
/// 3, and never reported ok.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct AuditTamperTests {
    /// Twelve events; Tamperville is registered at position 3 and Sabadell at 4.
    static let events: [String] = [
        eventLine("ProjectRegistered", ["project": "triangulum", "name": "Triangulum"], at: "2015-01-01"),
        eventLine("CityRegistered", ["city": "leipzig", "name": "Leipzig", "country": "DE"], at: "2015-01-01"),
        eventLine("CityRegistered", ["city": "tamperville", "name": "Tamperville", "country": "DE"], at: "2015-01-01"),
        eventLine("CityRegistered", ["city": "sabadell", "name": "Sabadell", "country": "ES"], at: "2015-01-02"),
        eventLine(
            "CityJoinedProject",
            ["city": "tamperville", "project": "triangulum", "role": "lighthouse"],
            at: "2015-02-01"
        ),
        eventLine(
            "CityJoinedProject",
            ["city": "leipzig", "project": "triangulum", "role": "fellow"],
            at: "2015-02-01"
        ),
        eventLine(
            "SolutionCatalogued",
            ["solution": "e-bus", "name": "Electric bus", "area": "mobility-logistics"],
            at: "2015-03-01"
        ),
        eventLine(
            "DemonstrationReported",
            ["demonstration": "tv-bus", "solution": "e-bus", "city": "tamperville", "project": "triangulum"],
            at: "2016-01-01",
            actor: "secretariat",
            source: "https://example.org/report.pdf"
        ),
        eventLine("ImpactReported", ["demonstration": "tv-bus", "kpi": "e_vehicles", "value": 12], at: "2016-06-01"),
        eventLine(
            "ImpactReported",
            ["demonstration": "tv-bus", "kpi": "co2_reduced_pct", "value": RawJSON("12.5")],
            at: "2016-06-01"
        ),
        eventLine(
            "SolutionReplicated",
            ["solution": "e-bus", "city": "leipzig", "from": "tamperville", "funding": "own"],
            id: "rep-1",
            at: "2018-01-01"
        ),
        eventLine("CityJoinedCCG", ["city": "leipzig"], at: "2019-01-01"),
    ]

    /// Runs `body` with a store holding ``events`` (imported in one transaction, so each event's bytes are written to
    /// data.mdb once) and its export.
    private func withStore<T>(_ body: (_ folder: String, _ store: String, _ export: [String]) throws -> T) throws -> T {
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            try writeJSONLines(Self.events, to: folder + "/events.jsonl")
            let imported = try runSCKB(["import", folder + "/events.jsonl", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            let export = try exportBytes(store: store)
            let lines = String(decoding: export, as: UTF8.self).split(separator: "\n").map(String.init)
            try #require(lines.count == Self.events.count)
            let clean = try runSCKB(["verify", "--store", store])
            try #require(clean.status == 0, "the untouched store does not verify: \(clean.standardOutput)")
            return try body(folder, store, lines)
        }
    }

    /// Requires `sckb verify …` to fail with exit 3, `"ok":false`, and its first problem at `position`.
    private func expectFailure(
        _ arguments: [String],
        at position: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let json = try runSCKB(["verify"] + arguments + ["--format", "json"])
        #expect(json.status == 3, "\(json.standardError)", sourceLocation: sourceLocation)
        let report = try jsonObject(json.standardOutput)
        #expect(report["ok"] as? Bool == false, sourceLocation: sourceLocation)
        let problems = try #require(report["problems"] as? [[String: Any]], sourceLocation: sourceLocation)
        #expect(
            problems.first?["position"] as? Int == position,
            "\(problems)",
            sourceLocation: sourceLocation
        )
        #expect(json.errorLines.count == 1, sourceLocation: sourceLocation)
        #expect(
            json.standardError.contains("position \(position)"),
            "\(json.standardError)",
            sourceLocation: sourceLocation
        )
        let table = try runSCKB(["verify"] + arguments)
        #expect(table.status == 3, sourceLocation: sourceLocation)
        #expect(!table.standardOutput.hasPrefix("ok"), "\(table.standardOutput)", sourceLocation: sourceLocation)
        #expect(table.standardOutput.hasPrefix("FAILED"), "\(table.standardOutput)", sourceLocation: sourceLocation)
    }

    /// Overwrites one byte of the file at `path`, in place.
    private func overwrite(_ path: String, at offset: Int, with byte: UInt8) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: [byte])
    }

    @Test("a letter flipped in an event's stored bytes in data.mdb is named at that event's position")
    func flippedByteInTheLog() throws {
        try withStore { _, store, _ in
            let path = store + "/data.mdb"
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            // In the log the name closes the event's data object; the cities read model holds it followed by ",".
            let inLog = offsets(of: Array("\"name\":\"Tamperville\"}".utf8), in: bytes)
            try #require(!inLog.isEmpty, "the event's bytes are not in data.mdb")
            for offset in inLog {
                let letter = offset + "\"name\":\"Ta".utf8.count  // the "m"
                #expect(bytes[letter] == UInt8(ascii: "m"))
                try overwrite(path, at: letter, with: UInt8(ascii: "n"))
            }
            try expectFailure(["--store", store], at: 3)
        }
    }

    @Test("a byte flipped in an event's stored hash in data.mdb is named at that event's position")
    func flippedByteInTheStoredHash() throws {
        try withStore { _, store, export in
            let path = store + "/data.mdb"
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let hash = try #require(try jsonObject(export[2])["hash"] as? String)
            let hashBytes = stride(from: 0, to: hash.count, by: 2).compactMap { offset -> UInt8? in
                let start = hash.index(hash.startIndex, offsetBy: offset)
                return UInt8(hash[start..<hash.index(start, offsetBy: 2)], radix: 16)
            }
            // The log stores the 32 hash bytes just before the event's canonical bytes.
            let stored = offsets(of: hashBytes + Array("{\"at\":".utf8), in: bytes)
            try #require(!stored.isEmpty, "the hash of position 3 is not in data.mdb")
            for offset in stored {
                try overwrite(path, at: offset + 5, with: bytes[offset + 5] ^ 0x01)
            }
            try expectFailure(["--store", store], at: 3)
        }
    }

    @Test("a read model altered in data.mdb fails verification, never reported ok")
    func alteredReadModel() throws {
        try withStore { _, store, _ in
            let path = store + "/data.mdb"
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            // A binary row holds a string as the tag 5, its length and its bytes; the log holds it quoted.
            let name = Array("Tamperville".utf8)
            let inModel = offsets(of: [5, UInt8(name.count)] + name, in: bytes)
            try #require(!inModel.isEmpty, "no read model holds the name")
            for offset in inModel {
                try overwrite(path, at: offset + 4, with: UInt8(ascii: "n"))
            }
            let result = try runSCKB(["verify", "--store", store, "--format", "json"])
            #expect(result.status == 3)
            #expect(try jsonObject(result.standardOutput)["ok"] as? Bool == false, "\(result.standardOutput)")
        }
    }

    @Test("one field edited in an export is named at its position by verify FILE")
    func editedField() throws {
        try withStore { folder, _, export in
            var lines = export
            #expect(lines[3].contains("\"name\":\"Sabadell\""))
            lines[3] = lines[3].replacingOccurrences(of: "\"name\":\"Sabadell\"", with: "\"name\":\"Sabadelt\"")
            try writeJSONLines(lines, to: folder + "/edited.jsonl")
            try expectFailure([folder + "/edited.jsonl"], at: 4)
        }
    }

    @Test("two export lines swapped are named at the first of them", arguments: [(1, 2), (3, 4), (5, 9), (11, 12)])
    func swappedLines(first: Int, second: Int) throws {
        try withStore { folder, _, export in
            var lines = export
            lines.swapAt(first - 1, second - 1)
            try writeJSONLines(lines, to: folder + "/swapped.jsonl")
            try expectFailure([folder + "/swapped.jsonl"], at: first)
        }
    }

    @Test("two export lines swapped with their positions swapped too are named at the first of them")
    func swappedLinesRenumbered() throws {
        try withStore { folder, _, export in
            var lines = export
            lines[2] = lines[2].replacingOccurrences(of: "\"position\":3,", with: "\"position\":4,")
            lines[3] = lines[3].replacingOccurrences(of: "\"position\":4,", with: "\"position\":3,")
            lines.swapAt(2, 3)
            try writeJSONLines(lines, to: folder + "/renumbered.jsonl")
            try expectFailure([folder + "/renumbered.jsonl"], at: 3)
        }
    }

    @Test("one export line deleted is named at its position", arguments: [1, 3, 8, 11])
    func deletedLine(position: Int) throws {
        try withStore { folder, _, export in
            var lines = export
            lines.remove(at: position - 1)
            try writeJSONLines(lines, to: folder + "/deleted.jsonl")
            try expectFailure([folder + "/deleted.jsonl"], at: position)
        }
    }

    @Test(
        "any one export line altered in its time, recorded time, a data value or its hash is named at its position",
        arguments: ["at", "recorded", "data", "hash"]
    )
    func everyLineAltered(part: String) throws {
        try withStore { folder, _, export in
            for index in export.indices {
                var lines = export
                lines[index] = try Self.alter(lines[index], part: part)
                #expect(lines[index] != export[index])
                try writeJSONLines(lines, to: folder + "/altered.jsonl")
                try expectFailure([folder + "/altered.jsonl"], at: index + 1)
            }
        }
    }

    /// The line with one character changed in `part`: the next digit or letter of the same kind (a hex digit in the
    /// hash), so the line stays well-formed.
    static func alter(_ line: String, part: String) throws -> String {
        let marker: String
        switch part {
        case "at": marker = "\"at\":\""
        case "recorded": marker = "\"recorded\":\""
        case "hash": marker = "\"hash\":\""
        default: marker = "\"data\":{\""
        }
        var characters = Array(line.unicodeScalars)
        let markerScalars = Array(marker.unicodeScalars)
        let start = try #require(
            (0...(characters.count - markerScalars.count)).first {
                Array(characters[$0..<($0 + markerScalars.count)]) == markerScalars
            }
        )
        var index = start + markerScalars.count
        if part == "data" {
            // Skip the first key and its colon to its value.
            while characters[index] != ":" { index += 1 }
            index += 1
            if characters[index] == "\"" { index += 1 }
        }
        if part == "at" || part == "recorded" { index += 3 }  // the year's last digit
        let scalar = characters[index]
        let next: Unicode.Scalar
        switch scalar {
        case "f" where part == "hash": next = "e"
        case "0"..."8", "a"..."y", "A"..."Y": next = Unicode.Scalar(scalar.value + 1) ?? scalar
        case "9": next = "8"
        case "z": next = "y"
        case "Z": next = "Y"
        default: throw HarnessError(description: "cannot alter '\(scalar)' in \(line)")
        }
        characters[index] = next
        var result = ""
        result.unicodeScalars.append(contentsOf: characters)
        return result
    }

    @Test("verify --expect N:HASH with the right hash is ok, with a wrong one names N (store and FILE)")
    func expectedHash() throws {
        try withStore { folder, store, export in
            try writeJSONLines(export, to: folder + "/export.jsonl")
            for position in [1, 5, 12] {
                let hash = try #require(try jsonObject(export[position - 1])["hash"] as? String)
                let wrong = try #require(try jsonObject(export[position % export.count])["hash"] as? String)
                for target in [["--store", store], [folder + "/export.jsonl"]] {
                    let right = try runSCKB(
                        ["verify"] + target + ["--expect", "\(position):\(hash)", "--format", "json"]
                    )
                    #expect(right.status == 0, "\(right.standardError)")
                    #expect(try jsonObject(right.standardOutput)["ok"] as? Bool == true)
                    try expectFailure(target + ["--expect", "\(position):\(wrong)"], at: position)
                }
            }
            // A position beyond the head cannot carry the hash the auditor noted.
            let head = try #require(try jsonObject(export[11])["hash"] as? String)
            try expectFailure(["--store", store, "--expect", "13:\(head)"], at: 13)
            try expectFailure([folder + "/export.jsonl", "--expect", "13:\(head)"], at: 13)
        }
    }

    /// Changes rows of the store's tables through LMDB itself (EventStore's own API, the tables named), then closes
    /// the store.
    private func editTables(
        _ store: String,
        _ names: [String],
        _ edit: (borrowing WriteTransaction, _ tables: [Table]) throws -> Void
    ) throws {
        let environment = try Environment(path: store, tables: names, layouts: groupedTableLayouts, creating: false)
        let tables = names.map(environment.table(named:))
        try environment.write { transaction in try edit(transaction, tables) }
    }

    /// Requires `verify` to fail with exit 3 and a problem that names `table` (at `position`, when given).
    private func expectTableProblem(
        _ store: String,
        naming text: String,
        at position: Int?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try runSCKB(["verify", "--store", store, "--format", "json"])
        #expect(result.status == 3, "\(result.standardError)", sourceLocation: sourceLocation)
        let report = try jsonObject(result.standardOutput)
        #expect(report["ok"] as? Bool == false, sourceLocation: sourceLocation)
        let problems = try #require(report["problems"] as? [[String: Any]], sourceLocation: sourceLocation)
        let naming = problems.filter { ($0["problem"] as? String)?.contains(text) == true }
        #expect(!naming.isEmpty, "no problem names \(text): \(problems)", sourceLocation: sourceLocation)
        if let position {
            #expect(
                naming.contains { $0["position"] as? Int == position },
                "\(text) is not named at position \(position): \(naming)",
                sourceLocation: sourceLocation
            )
        }
    }

    @Test("a row of index.by-type changed (an event filed under another type) is found by verify and named")
    func changedTypeIndexRow() throws {
        try withStore { _, store, _ in
            try editTables(store, ["index.by-type"]) { transaction, tables in
                let index = tables[0]
                var first: [UInt8]?
                try transaction.scan(index, from: nil, reverse: false) { key, _ in
                    first = Array(key)
                    return false
                }
                let key = try #require(first)
                try transaction.removeValue(forKey: key, in: index)
                try transaction.put([], forKey: [key[0] &+ 1] + key[1...], in: index)
            }
            try expectTableProblem(store, naming: "index.by-type", at: 1)
        }
    }

    @Test("a row of index.by-entity removed (an event missing from an entity's history) is found by verify and named")
    func removedEntityIndexRow() throws {
        try withStore { _, store, _ in
            try editTables(store, ["index.by-entity"]) { transaction, tables in
                let index = tables[0]
                let key = Array("tamperville".utf8) + [0] + Position(5).key
                let removed = try transaction.removeValue(forKey: key, in: index)
                #expect(removed)
            }
            try expectTableProblem(store, naming: "index.by-entity", at: 5)
        }
    }

    @Test("a row of log.ids changed (an id mapped to another position) is found by verify and named")
    func changedIDRow() throws {
        try withStore { _, store, _ in
            try editTables(store, []) { transaction, _ in
                try transaction.put(Position(3).key, forKey: EventLog.key(forID: "rep-1"), in: transaction.log.ids)
            }
            try expectTableProblem(store, naming: "the id index maps this event's id to position 3", at: 11)
            try expectTableProblem(store, naming: "log.ids", at: nil)
        }
    }

    @Test("a row of log.recorded changed (an event moved a day in transaction time) is found by verify and named")
    func changedRecordedRow() throws {
        try withStore { _, store, _ in
            try editTables(store, []) { transaction, _ in
                var found: [UInt8]?
                try transaction.scan(transaction.log.recorded, from: nil, reverse: false) { key, _ in
                    if key.count == 16, Position(key: UnsafeRawBufferPointer(rebasing: key[8...])) == Position(5) {
                        found = Array(key)
                        return false
                    }
                    return true
                }
                let key = try #require(found)
                let seconds = try #require(key.withUnsafeBytes { Position(key: $0) })
                try transaction.removeValue(forKey: key, in: transaction.log.recorded)
                let moved = Position.key(seconds.rawValue + 86_400) + key[8...]
                try transaction.put([], forKey: moved, in: transaction.log.recorded)
            }
            try expectTableProblem(store, naming: "log.recorded", at: 5)
        }
    }

    @Test("verify FILE exits 1 with one error line when the file does not exist or is not JSON")
    func unreadableFile() throws {
        try withTemporaryDirectory { folder in
            try writeJSONLines(["this is not JSON"], to: folder + "/text.jsonl")
            try writeJSONLines(["[1,2,3]"], to: folder + "/array.jsonl")
            for path in [folder + "/missing.jsonl", folder + "/text.jsonl", folder + "/array.jsonl", folder] {
                let result = try runSCKB(["verify", path, "--format", "json"])
                #expect(result.status == 1, "\(path): \(result.standardOutput) \(result.standardError)")
                #expect(result.errorLines.count == 1, "\(path): \(result.standardError)")
                #expect(!result.standardOutput.contains("\"ok\":true"))
            }
        }
    }
}
