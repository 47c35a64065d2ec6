import EventStore

/// Sorted key-value tables held in memory, by table name: what a view at a cut in time is folded into.
///
/// Each table is a list of sorted chunks of bounded size, so that a put, a removal and the start of a scan cost a
/// search and a move inside one chunk, however puts and scans interleave. Keys sort as byte strings, as LMDB sorts
/// them. A scan whose body changes the table it scans goes on after the last key it visited.
final class MemoryTables: KeyValueWriter {
    /// The most entries a chunk holds before it splits in two.
    let chunkCapacity: Int
    private var tables: [String: SortedTable] = [:]

    /// Empty tables whose chunks split past `chunkCapacity` entries (a small capacity exercises the splits).
    init(chunkCapacity: Int = 256) {
        self.chunkCapacity = max(2, chunkCapacity)
    }

    private func existing(_ table: Table) -> SortedTable? { tables[table.name] }

    private func writable(_ table: Table) -> SortedTable {
        if let found = tables[table.name] { return found }
        let created = SortedTable(chunkCapacity: chunkCapacity)
        tables[table.name] = created
        return created
    }

    func withValue<Result>(
        forKey key: [UInt8],
        in table: Table,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result? {
        guard let entry = existing(table)?.entry(forKey: key) else { return nil }
        return try entry.value.withUnsafeBytes { try body($0) }
    }

    func scan(
        _ table: Table,
        from start: [UInt8]?,
        reverse: Bool,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try existing(table)?.scan(from: start, reverse: reverse, body)
    }

    func count(of table: Table) throws -> Int { existing(table)?.count ?? 0 }

    func put(_ value: [UInt8], forKey key: [UInt8], in table: Table) throws {
        writable(table).put(value, forKey: key)
    }

    @discardableResult
    func removeValue(forKey key: [UInt8], in table: Table) throws -> Bool {
        existing(table)?.remove(key) ?? false
    }

    func removeAll(in table: Table) throws {
        tables[table.name] = nil
    }
}

/// One table of ``MemoryTables``: sorted chunks, each non-empty, every key of a chunk below every key of the next.
private final class SortedTable {
    struct Entry {
        var key: [UInt8]
        var value: [UInt8]
    }

    /// Where an entry is, or would go: a chunk and an index in it.
    struct Place {
        var chunk: Int
        var index: Int
    }

    let chunkCapacity: Int
    private var chunks: [[Entry]] = []
    private(set) var count = 0
    /// Changes with every put and removal, so that a scan notices that its body changed the table.
    private var version = 0

    init(chunkCapacity: Int) {
        self.chunkCapacity = chunkCapacity
    }

    /// The first place whose key is at or after `key` (its chunk is `chunks.count` past the end).
    private func lowerBound(_ key: [UInt8]) -> Place {
        // The last chunk whose first key is at or before `key` holds it, if any does.
        var low = 0
        var high = chunks.count
        while low < high {
            let middle = (low + high) / 2
            if compareBytes(chunks[middle][0].key, key) <= 0 { low = middle + 1 } else { high = middle }
        }
        let chunk = max(0, low - 1)
        guard chunk < chunks.count else { return Place(chunk: 0, index: 0) }
        var first = 0
        var last = chunks[chunk].count
        while first < last {
            let middle = (first + last) / 2
            if compareBytes(chunks[chunk][middle].key, key) < 0 { first = middle + 1 } else { last = middle }
        }
        if first == chunks[chunk].count { return Place(chunk: chunk + 1, index: 0) }
        return Place(chunk: chunk, index: first)
    }

    /// The place just after `key` (the first key above it).
    private func upperBound(_ key: [UInt8]) -> Place {
        var place = lowerBound(key)
        if place.chunk < chunks.count, compareBytes(chunks[place.chunk][place.index].key, key) == 0 {
            place = advanced(place)
        }
        return place
    }

    private func advanced(_ place: Place) -> Place {
        if place.index + 1 < chunks[place.chunk].count { return Place(chunk: place.chunk, index: place.index + 1) }
        return Place(chunk: place.chunk + 1, index: 0)
    }

    /// The place before `place`, or nil at the first entry.
    private func retreated(_ place: Place) -> Place? {
        if place.index > 0 { return Place(chunk: place.chunk, index: place.index - 1) }
        guard place.chunk > 0 else { return nil }
        return Place(chunk: place.chunk - 1, index: chunks[place.chunk - 1].count - 1)
    }

    func entry(forKey key: [UInt8]) -> Entry? {
        let place = lowerBound(key)
        guard place.chunk < chunks.count else { return nil }
        let entry = chunks[place.chunk][place.index]
        return compareBytes(entry.key, key) == 0 ? entry : nil
    }

    func put(_ value: [UInt8], forKey key: [UInt8]) {
        version &+= 1
        guard !chunks.isEmpty else {
            chunks = [[Entry(key: key, value: value)]]
            count = 1
            return
        }
        var place = lowerBound(key)
        if place.chunk < chunks.count, compareBytes(chunks[place.chunk][place.index].key, key) == 0 {
            chunks[place.chunk][place.index].value = value
            return
        }
        // A key past the end of a chunk goes at the end of that chunk, not the start of the next.
        if place.index == 0 && place.chunk > 0 {
            place = Place(chunk: place.chunk - 1, index: chunks[place.chunk - 1].count)
        }
        chunks[place.chunk].insert(Entry(key: key, value: value), at: place.index)
        count += 1
        if chunks[place.chunk].count > chunkCapacity {
            let half = chunks[place.chunk].count / 2
            let upper = Array(chunks[place.chunk][half...])
            chunks[place.chunk].removeSubrange(half...)
            chunks.insert(upper, at: place.chunk + 1)
        }
    }

    func remove(_ key: [UInt8]) -> Bool {
        let place = lowerBound(key)
        guard place.chunk < chunks.count, compareBytes(chunks[place.chunk][place.index].key, key) == 0 else {
            return false
        }
        version &+= 1
        chunks[place.chunk].remove(at: place.index)
        if chunks[place.chunk].isEmpty { chunks.remove(at: place.chunk) }
        count -= 1
        return true
    }

    func scan(
        from start: [UInt8]?,
        reverse: Bool,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        guard !chunks.isEmpty else { return }
        var place: Place?
        if reverse {
            place =
                start.map { retreated(upperBound($0)) }
                ?? Place(chunk: chunks.count - 1, index: chunks[chunks.count - 1].count - 1)
        } else {
            place = start.map(lowerBound) ?? Place(chunk: 0, index: 0)
        }
        while let current = place, current.chunk < chunks.count {
            // A copy keeps the bytes alive even if `body` changes the table.
            let entry = chunks[current.chunk][current.index]
            let seen = version
            let goesOn = try entry.key.withUnsafeBytes { key in
                try entry.value.withUnsafeBytes { value in try body(key, value) }
            }
            guard goesOn else { return }
            if seen == version {
                place = reverse ? retreated(current) : advanced(current)
            } else {
                place = reverse ? retreated(lowerBound(entry.key)) : upperBound(entry.key)
            }
        }
    }
}

/// Compares two byte strings as LMDB's default order does: bytewise, a prefix before any longer key.
private func compareBytes(_ left: [UInt8], _ right: [UInt8]) -> Int {
    left.withUnsafeBufferPointer { left in
        right.withUnsafeBufferPointer { right in
            let shorter = min(left.count, right.count)
            var index = 0
            while index < shorter {
                let a = left[index]
                let b = right[index]
                if a != b { return a < b ? -1 : 1 }
                index += 1
            }
            return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
        }
    }
}
