import EventStore
import Testing

@testable import Projections

/// Property: the in-memory tables answer every read as a naive model (a dictionary sorted on each read) does,
/// through any interleaving of puts, removals and scans.
@Suite struct MemoryTablesProperties {
    @Test("random puts, removals and scans agree with a naive sorted model", arguments: [1, 2, 3, 4, 5, 6] as [UInt64])
    func agreesWithNaiveModel(seed: UInt64) throws {
        // A tiny chunk capacity splits and empties chunks often; the default one is the capacity views use.
        for capacity in [2, 3, 8, 256] {
            var random = SeededGenerator(seed: seed &* 7919 &+ UInt64(capacity))
            let tables = MemoryTables(chunkCapacity: capacity)
            var model: [String: [[UInt8]: [UInt8]]] = [:]
            let names = ["a", "b"]
            var scans = 0
            for step in 0..<4000 {
                let table = Table(name: names[Int(random.next() % 2)])
                let key = random.key()
                switch random.next() % 100 {
                case 0..<45:
                    let value = [UInt8(step & 0xFF), UInt8(step >> 8 & 0xFF)]
                    try tables.put(value, forKey: key, in: table)
                    model[table.name, default: [:]][key] = value
                case 45..<65:
                    let removed = try tables.removeValue(forKey: key, in: table)
                    let expected = model[table.name]?.removeValue(forKey: key) != nil
                    #expect(removed == expected, "remove \(key) at step \(step)")
                case 65..<75:
                    #expect(try tables.value(forKey: key, in: table) == model[table.name]?[key], "get \(key)")
                case 75..<95:
                    scans += 1
                    let reverse = random.next() % 2 == 0
                    let start = random.next() % 5 == 0 ? nil : key
                    let limit = Int(random.next() % 12)
                    var seen: [[UInt8]] = []
                    try tables.scan(table, from: start, reverse: reverse) { key, value in
                        seen.append(Array(key) + [0xEE] + Array(value))
                        return seen.count < limit
                    }
                    let expected = naiveScan(model[table.name] ?? [:], from: start, reverse: reverse, limit: limit)
                    #expect(seen == expected, "scan from \(String(describing: start)) reverse \(reverse)")
                case 95..<98:
                    let prefix = Array(key.prefix(1))
                    let last = try tables.last(in: table, prefix: prefix)
                    let expected = (model[table.name] ?? [:]).filter { $0.key.starts(with: prefix) }
                        .max { $0.key.lexicographicallyPrecedes($1.key) }
                    #expect(last?.key == expected?.key && last?.value == expected?.value, "last of \(prefix)")
                default:
                    if random.next() % 4 == 0 {
                        try tables.removeAll(in: table)
                        model[table.name] = nil
                    }
                }
                #expect(try tables.count(of: table) == (model[table.name]?.count ?? 0))
            }
            #expect(scans > 500)
            #expect(try names.map { try tables.count(of: Table(name: $0)) }.reduce(0, +) > 10, "tables stayed empty")
        }
    }

    @Test("a scan whose body changes the table goes on after the last key it visited")
    func scanSurvivesChanges() throws {
        let tables = MemoryTables(chunkCapacity: 2)
        let table = Table(name: "t")
        for byte in stride(from: UInt8(0), to: 40, by: 2) { try tables.put([byte], forKey: [byte], in: table) }
        var visited: [UInt8] = []
        try tables.scan(table, from: [10], reverse: false) { key, _ in
            let byte = key[0]
            visited.append(byte)
            try tables.removeValue(forKey: [byte], in: table)
            try tables.put([], forKey: [byte + 1], in: table)
            try tables.put([], forKey: [0], in: table)
            return byte < 20
        }
        #expect(visited == [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20])
        var backwards: [UInt8] = []
        try tables.scan(table, from: [9], reverse: true) { key, _ in
            backwards.append(key[0])
            try tables.removeValue(forKey: Array(key), in: table)
            try tables.put([], forKey: [39], in: table)
            return true
        }
        #expect(backwards == [8, 6, 4, 2, 0])
    }

    private func naiveScan(
        _ entries: [[UInt8]: [UInt8]],
        from start: [UInt8]?,
        reverse: Bool,
        limit: Int
    ) -> [[UInt8]] {
        var sorted = entries.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        if reverse {
            sorted.reverse()
            if let start { sorted = sorted.filter { !start.lexicographicallyPrecedes($0.key) } }
        } else if let start {
            sorted = sorted.filter { !$0.key.lexicographicallyPrecedes(start) }
        }
        return sorted.prefix(max(1, limit)).map { $0.key + [0xEE] + $0.value }
    }
}

/// Keys over a small alphabet, so that keys collide, share prefixes and are prefixes of others.
extension SeededGenerator {
    mutating func key() -> [UInt8] {
        let alphabet: [UInt8] = [0, 1, 2, 0x7F, 0xFF]
        return (0..<Int(next() % 5)).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] }
    }
}
