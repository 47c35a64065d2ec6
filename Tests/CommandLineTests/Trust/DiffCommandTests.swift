import Foundation
import Testing

/// `diff` as a user runs it: three pairs of stores (identical, prefix, diverged) with exit codes 0, 0 and 3, an
/// export file and a publish folder as OTHER, and OTHER that cannot be read (1).
@Suite("diff", .serialized, .timeLimit(.minutes(2)))
struct DiffCommandTests {
    static func city(_ id: String) -> String {
        #"{"type":"CityRegistered","data":{"city":"\#(id)","name":"N","country":"DE"}}"#
    }

    /// Imports `ids` as cities into the store at `store`.
    static func importCities(_ ids: [String], into store: String, folder: String) throws {
        let file = folder + "/cities-\(UUID().uuidString).jsonl"
        try writeJSONLines(ids.map(city), to: file)
        let imported = try runSCKB(["import", file, "--store", store])
        try #require(imported.status == 0, "\(imported.standardError)")
    }

    /// `store` copied byte for byte to `copy`.
    static func copyStore(_ store: String, to copy: String) throws {
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: store + "/data.mdb", toPath: copy + "/data.mdb")
    }

    @Test("identical, prefix (with the count) and diverged (position, both hashes) exit 0, 0 and 3")
    func threePairs() throws {
        try withTemporaryDirectory { folder in
            let base = folder + "/base"
            try Self.importCities(["a", "b", "c"], into: base, folder: folder)
            try Self.copyStore(base, to: folder + "/same")
            try Self.copyStore(base, to: folder + "/longer")
            try Self.copyStore(base, to: folder + "/fork")
            try Self.importCities(["d", "e"], into: folder + "/longer", folder: folder)
            try Self.importCities(["x"], into: folder + "/fork", folder: folder)

            let same = try runSCKB(["diff", folder + "/same", "--store", base, "--format", "json"])
            #expect(same.status == 0 && same.errorLines.isEmpty, "\(same.standardError)")
            #expect(
                same.standardOutput
                    == #"{"events":3,"hash":null,"other_events":3,"other_hash":null,"position":null,"#
                    + #""relation":"identical"}"# + "\n"
            )
            let prefix = try runSCKB(["diff", folder + "/longer", "--store", base])
            #expect(prefix.status == 0 && prefix.errorLines.isEmpty, "\(prefix.standardError)")
            #expect(prefix.standardOutput.hasPrefix("prefix: ") && prefix.standardOutput.contains("(2 more there)"))
            let prefixJSON = try jsonObject(
                try runSCKB(["diff", base, "--store", folder + "/longer", "--format", "json"]).standardOutput
            )
            #expect(prefixJSON["relation"] as? String == "prefix")
            #expect(prefixJSON["events"] as? Int == 5 && prefixJSON["other_events"] as? Int == 3)

            try Self.importCities(["y"], into: base, folder: folder)
            let hashes = try [base, folder + "/fork"].map { store in
                let line = try #require(try runSCKB(["export", "--store", store]).outputLines.last)
                return try #require(try jsonObject(line)["hash"] as? String)
            }
            let diverged = try runSCKB(["diff", folder + "/fork", "--store", base])
            #expect(diverged.status == 3, "\(diverged.standardError)")
            #expect(diverged.errorLines.count == 1)
            #expect(diverged.standardError.contains("position 4") && diverged.standardError.contains(hashes[0]))
            #expect(diverged.standardError.contains(hashes[1]))
            #expect(diverged.standardOutput.hasPrefix("diverged at position 4: hash \(hashes[0]) here, \(hashes[1])"))
            let divergedJSON = try runSCKB(["diff", folder + "/fork", "--store", base, "--format", "json"])
            #expect(divergedJSON.status == 3)
            let object = try jsonObject(divergedJSON.standardOutput)
            #expect(object["position"] as? Int == 4 && object["relation"] as? String == "diverged")
            #expect(object["hash"] as? String == hashes[0] && object["other_hash"] as? String == hashes[1])
        }
    }

    @Test("an export file and a publish folder compare as the store they came from")
    func exportAndPublishFolder() throws {
        try withTemporaryDirectory { folder in
            let base = folder + "/base"
            try Self.importCities(["a", "b", "c"], into: base, folder: folder)
            let export = try runSCKB(["export", "--store", base])
            try Data(export.outputBytes).write(to: URL(fileURLWithPath: folder + "/kb.jsonl"))
            try FileManager.default.createDirectory(atPath: folder + "/site", withIntermediateDirectories: true)
            try Data(export.outputBytes).write(to: URL(fileURLWithPath: folder + "/site/events.jsonl"))
            try Self.importCities(["d"], into: base, folder: folder)
            for other in [folder + "/kb.jsonl", folder + "/site"] {
                let result = try runSCKB(["diff", other, "--store", base, "--format", "json"])
                #expect(result.status == 0, "\(result.standardError)")
                let object = try jsonObject(result.standardOutput)
                #expect(object["relation"] as? String == "prefix" && object["other_events"] as? Int == 3)
            }
        }
    }

    @Test("OTHER missing, empty folder, not an export, or with a gap: exit 1, one line, nothing printed")
    func unreadableOther() throws {
        try withTemporaryDirectory { folder in
            let base = folder + "/base"
            try Self.importCities(["a", "b", "c"], into: base, folder: folder)
            let lines = try runSCKB(["export", "--store", base]).outputLines
            let gap = lines[0] + "\n" + lines[2] + "\n"
            try gap.write(toFile: folder + "/gap.jsonl", atomically: true, encoding: .utf8)
            try "not json\n".write(toFile: folder + "/bad.jsonl", atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)
            for other in ["/missing", "/empty", "/bad.jsonl", "/gap.jsonl"] {
                let result = try runSCKB(["diff", folder + other, "--store", base])
                #expect(result.status == 1, "\(other): \(result.standardError)")
                #expect(result.errorLines.count == 1 && result.standardOutput.isEmpty, "\(other)")
            }
            #expect(try runSCKB(["diff", "--store", base]).status == 2)
        }
    }
}
