import EventStore
import Foundation
import Testing

/// `make bench`'s B-tree floor: an import traced with `SCKB_TRACE_WRITES`, then replayed by `bench/baseline.c floor`
/// into an empty store, must issue the calls the import issued. The replayed store is compared with the imported one
/// table by table: the same keys, values of the same sizes (the replay writes zeros).
@Suite(.serialized) struct BTreeFloorTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Every table's keys and value sizes, in key order.
    private func shapes(of path: String, tables: [String]) throws -> [String: [[UInt8]]] {
        let environment = try Environment(
            path: path,
            tables: tables,
            layouts: groupedTableLayouts,
            creating: false,
            isReadOnly: true
        )
        var shapes: [String: [[UInt8]]] = [:]
        try environment.read { transaction in
            for name in EventLog.tableNames + tables {
                var rows: [[UInt8]] = []
                try transaction.scan(environment.table(named: name), from: nil, reverse: false) { key, value in
                    rows.append(Array(key) + [0xFF] + Array(String(value.count).utf8))
                    return true
                }
                shapes[name] = rows
            }
        }
        return shapes
    }

    @Test("the floor replays a traced import of 3,000 events (with a retraction's rebuild) into the same tables")
    func replayMatches() throws {
        try withTemporaryDirectory { folder in
            try writeGeneratedLog(events: 3000, seed: 7, to: folder + "/log.jsonl")
            let trace = folder + "/writes.trace"
            let imported = try runSCKB(
                ["import", folder + "/log.jsonl", "--store", folder + "/store"],
                environment: ["SCKB_TRACE_WRITES": trace]
            )
            try #require(imported.status == 0, "\(imported.standardError)")

            let compiler = Process()
            compiler.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            compiler.arguments = [
                "gcc", "-O2", "-o", folder + "/baseline", Self.repository + "/bench/baseline.c", "-llmdb", "-lsqlite3",
            ]
            try compiler.run()
            compiler.waitUntilExit()
            try #require(compiler.terminationStatus == 0, "bench/baseline.c does not compile")
            let replay = Process()
            replay.executableURL = URL(fileURLWithPath: folder + "/baseline")
            replay.arguments = ["floor", trace, folder + "/floor"]
            let output = Pipe()
            replay.standardOutput = output
            try replay.run()
            let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            replay.waitUntilExit()
            try #require(replay.terminationStatus == 0)
            let fields = printed.split(separator: " ")
            #expect(
                fields.count == 2 && Double(fields[0]) != nil
                    && (Int(fields[1].trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 3000
            )

            let tables = [
                "index.by-type", "index.by-entity", "index.retractions", "index.counts", "index.without-source",
                "rm.projects",
                "rm.cities", "rm.adoptions", "rm.impacts", "rm.kpi-sums", "rm.travel", "rm.format",
            ]
            let original = try shapes(of: folder + "/store", tables: tables)
            let replayed = try shapes(of: folder + "/floor", tables: tables)
            #expect(original["log.events"]?.count == 3000)
            #expect((original["rm.kpi-sums"]?.count ?? 0) > 0)
            for name in EventLog.tableNames + tables {
                #expect(original[name] == replayed[name], "table \(name)")
            }
        }
    }
}
