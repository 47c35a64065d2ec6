import Foundation
import Testing

/// `sckb import` with several sources: files, folders and standard input in the order given, counted in one line;
/// a refusal in a later file names it and says what stays imported.
@Suite("import of several sources", .serialized)
struct ImportSourcesTests {
    /// The cities of the store's log, in log order.
    func cities(_ store: String) throws -> [String] {
        try exportBytes(store: store).split(separator: UInt8(ascii: "\n")).compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
            return (object?["data"] as? [String: Any])?["city"] as? String
        }
    }

    @Test("a file, a folder and standard input import in that order, counted in one line")
    func fileFolderAndStandardInput() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            let events = folder + "/events"
            try FileManager.default.createDirectory(atPath: events, withIntermediateDirectories: false)
            try writeJSONLines([cityLine("aachen")], to: folder + "/first.jsonl")
            try writeJSONLines([cityLine("bremen"), cityLine("bochum")], to: events + "/b.jsonl")
            let result = try runSCKB(
                ["import", folder + "/first.jsonl", events, "-", "--store", store],
                input: Array((cityLine("celle") + "\n").utf8)
            )
            #expect(result.status == 0, "stderr: \(result.standardError)")
            #expect(result.standardOutput == "4 appended, 0 skipped (3 files)\n")
            #expect(result.standardError.isEmpty)
            #expect(try cities(store) == ["aachen", "bremen", "bochum", "celle"])
        }
    }

    @Test("a bad line of a later file names file:line and the earlier files, which stay imported")
    func laterFileRefused() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try writeJSONLines([cityLine("aachen")], to: folder + "/1.jsonl")
            try writeJSONLines([cityLine("bremen"), "{bad"], to: folder + "/2.jsonl")
            let result = try runSCKB(["import", folder + "/1.jsonl", folder + "/2.jsonl", "--store", store])
            #expect(result.status == 1)
            #expect(result.errorLines.count == 1, "stderr: \(result.standardError)")
            #expect(result.standardError.hasPrefix("sckb: \(folder)/2.jsonl:2: not valid JSON"))
            #expect(
                result.standardError.hasSuffix(" (nothing of this file was imported; 1 earlier file(s) were)\n"),
                "stderr: \(result.standardError)"
            )
            #expect(try cities(store) == ["aachen"])
        }
    }

    @Test("a refused first import into a new store leaves no store and no folder made for it")
    func refusedFirstImportLeavesNothing() throws {
        try withTemporaryDirectory { folder in
            try writeJSONLines(["{bad"], to: folder + "/bad.jsonl")
            let result = try runSCKB(["import", folder + "/bad.jsonl", "--store", folder + "/new/kb"])
            #expect(result.status == 1)
            #expect(!FileManager.default.fileExists(atPath: folder + "/new"))
        }
    }
}
