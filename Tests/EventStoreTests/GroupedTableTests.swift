import CLMDB
import Foundation
import Testing

@testable import EventStore

/// A grouped table (LMDB duplicates under a group) must read and write exactly as a plain sorted map of its whole
/// keys would. The model here is a Swift dictionary whose keys are sorted when read, written apart from the store.
@Suite("Grouped tables")
struct GroupedTableTests {
    /// Groups that never prefix one another: one to three bytes of 1...3, then a 0.
    private static func group(_ generator: inout SeededGenerator) -> [UInt8] {
        (0..<Int.random(in: 1...3, using: &generator)).map { _ in UInt8.random(in: 1...3, using: &generator) } + [0]
    }

    private static func bytes(_ count: Int, _ range: ClosedRange<UInt8>, _ generator: inout SeededGenerator) -> [UInt8]
    {
        (0..<count).map { _ in UInt8.random(in: range, using: &generator) }
    }

    /// The model's entries in key order, from `start` on (or back from it, in reverse), at most `limit`.
    private static func modelScan(
        _ model: [[UInt8]: [UInt8]],
        from start: [UInt8]?,
        reverse: Bool,
        limit: Int
    ) -> [[UInt8]] {
        let sorted = model.keys.sorted { $0.lexicographicallyPrecedes($1) }
        let chosen: [[UInt8]]
        if let start, reverse {
            chosen = sorted.reversed().filter { !start.lexicographicallyPrecedes($0) }
        } else if let start {
            chosen = sorted.filter { !$0.lexicographicallyPrecedes(start) }
        } else {
            chosen = reverse ? sorted.reversed() : sorted
        }
        return chosen.prefix(limit).map { $0 + [0xFF] + (model[$0] ?? []) }
    }

    private static func storeScan(
        _ transaction: borrowing some KeyValueReader & ~Copyable,
        _ table: Table,
        from start: [UInt8]?,
        reverse: Bool,
        limit: Int
    ) throws -> [[UInt8]] {
        var seen: [[UInt8]] = []
        try transaction.scan(table, from: start, reverse: reverse) { key, value in
            seen.append(Array(key) + [0xFF] + Array(value))
            return seen.count < limit
        }
        return seen
    }

    /// A new store at `path` with one table, `grouped`, of `layout`.
    private static func store(at path: String, _ layout: TableLayout) throws -> (Environment, Table) {
        let environment = try Environment(
            path: path,
            tables: ["grouped"],
            layouts: ["grouped": layout],
            creating: true
        )
        return (environment, environment.table(named: "grouped"))
    }

    @Test("puts, removals, lookups and scans from any start match a sorted map", arguments: [0, 2])
    func matchesSortedMap(valueSize: Int) throws {
        try withTemporaryStorePath { path in
            let (environment, table) = try Self.store(at: path, .grouped(suffix: 2, valueSize: valueSize))
            var generator = SeededGenerator(seed: 22 + UInt64(valueSize))
            var model: [[UInt8]: [UInt8]] = [:]
            var groups: [[UInt8]] = []
            var checkedScans = 0
            for round in 0..<40 {
                try environment.write { transaction in
                    for _ in 0..<Int.random(in: 1...40, using: &generator) {
                        if groups.isEmpty || Int.random(in: 0..<4, using: &generator) == 0 {
                            groups.append(Self.group(&generator))
                        }
                        let key =
                            (groups.randomElement(using: &generator) ?? [1, 0]) + Self.bytes(2, 0...3, &generator)
                        if Int.random(in: 0..<5, using: &generator) == 0 {
                            let removed = try transaction.removeValue(forKey: key, in: table)
                            #expect(removed == (model.removeValue(forKey: key) != nil), "round \(round): remove \(key)")
                        } else {
                            let value = Self.bytes(valueSize, 0...255, &generator)
                            try transaction.put(value, forKey: key, in: table)
                            model[key] = value
                        }
                    }
                }
                try environment.read { transaction in
                    #expect(try transaction.count(of: table) == model.count, "round \(round)")
                    #expect(
                        try Self.storeScan(transaction, table, from: nil, reverse: false, limit: .max)
                            == Self.modelScan(model, from: nil, reverse: false, limit: .max),
                        "round \(round): the whole table"
                    )
                    for _ in 0..<60 {
                        var start: [UInt8]
                        switch Int.random(in: 0..<4, using: &generator) {
                        case 0: start = Self.bytes(Int.random(in: 1...7, using: &generator), 0...4, &generator)
                        case 1: start = model.keys.randomElement(using: &generator) ?? [1]
                        case 2:
                            start =
                                (model.keys.randomElement(using: &generator) ?? [1]) + Self.bytes(1, 0...4, &generator)
                        default:
                            start =
                                (groups.randomElement(using: &generator) ?? [1, 0])
                                + Self.bytes(Int.random(in: 0...3, using: &generator), 0...4, &generator)
                        }
                        if start.isEmpty { start = [0] }
                        let reverse = Bool.random(using: &generator)
                        let limit = Int.random(in: 1...5, using: &generator)
                        let stored = try Self.storeScan(transaction, table, from: start, reverse: reverse, limit: limit)
                        let expected = Self.modelScan(model, from: start, reverse: reverse, limit: limit)
                        #expect(stored == expected, "round \(round): from \(start), reverse \(reverse)")
                        checkedScans += 1
                        let probe =
                            Bool.random(using: &generator)
                            ? start : (model.keys.randomElement(using: &generator) ?? start)
                        let value = try transaction.value(forKey: probe, in: table)
                        #expect(value == model[probe], "round \(round): the value under \(probe)")
                    }
                }
            }
            #expect(checkedScans == 40 * 60)
            #expect(model.count > 100, "the model stayed too small to test much: \(model.count)")
        }
    }

    @Test("a grouped table is one LMDB key per group, its entries LMDB duplicates of it")
    func keptAsDuplicates() throws {
        try withTemporaryStorePath { path in
            let (environment, table) = try Self.store(at: path, .grouped(suffix: 8, valueSize: 0))
            try environment.write { transaction in
                for position in 1...1000 {
                    try transaction.put(
                        [],
                        forKey: [UInt8(position % 3 + 1), 0] + Position(UInt64(position)).key,
                        in: table
                    )
                }
            }
            // The same file, opened as LMDB sees it: three keys, 1000 entries.
            var statistics = MDB_stat()
            var environmentPointer: OpaquePointer?
            #expect(mdb_env_create(&environmentPointer) == 0)
            defer { mdb_env_close(environmentPointer) }
            #expect(mdb_env_set_maxdbs(environmentPointer, 64) == 0)
            #expect(mdb_env_open(environmentPointer, path, UInt32(MDB_RDONLY | MDB_NOTLS), 0o600) == 0)
            var transaction: OpaquePointer?
            #expect(mdb_txn_begin(environmentPointer, nil, UInt32(MDB_RDONLY), &transaction) == 0)
            defer { mdb_txn_abort(transaction) }
            var handle: MDB_dbi = 0
            #expect(mdb_dbi_open(transaction, "grouped", 0, &handle) == 0)
            var flags: UInt32 = 0
            #expect(mdb_dbi_flags(transaction, handle, &flags) == 0)
            #expect(flags & UInt32(MDB_DUPSORT | MDB_DUPFIXED) == UInt32(MDB_DUPSORT | MDB_DUPFIXED))
            #expect(mdb_stat(transaction, handle, &statistics) == 0)
            #expect(statistics.ms_entries == 1000)
            var cursor: OpaquePointer?
            #expect(mdb_cursor_open(transaction, handle, &cursor) == 0)
            defer { mdb_cursor_close(cursor) }
            var key = MDB_val()
            var data = MDB_val()
            var groups = 0
            var code = mdb_cursor_get(cursor, &key, &data, MDB_FIRST)
            while code == 0 {
                groups += 1
                code = mdb_cursor_get(cursor, &key, &data, MDB_NEXT_NODUP)
            }
            #expect(groups == 3)
        }
    }

    @Test("a value of another size, a key without a group and a table opened in another layout are refused")
    func refusals() throws {
        try withTemporaryStorePath { path in
            do {
                let (environment, table) = try Self.store(at: path, .grouped(suffix: 8, valueSize: 4))
                #expect(throws: StoreError.self) {
                    try environment.write { transaction in
                        try transaction.put([1], forKey: [1, 0] + Position(1).key, in: table)
                    }
                }
                #expect(throws: StoreError.self) {
                    try environment.write { transaction in
                        try transaction.put([1, 2, 3, 4], forKey: Position(1).key, in: table)
                    }
                }
                try environment.write { transaction in
                    try transaction.put([1, 2, 3, 4], forKey: [1, 0] + Position(1).key, in: table)
                }
            }
            let error = #expect(throws: StoreError.self) {
                _ = try Environment(path: path, tables: ["grouped"], creating: false)
            }
            #expect(
                error?.description.contains("grouped is not laid out as plain") == true,
                "\(String(describing: error))"
            )
        }
    }
}
