import CLMDB

/// A named key-value table of a store: an LMDB database, or a table of an in-memory copy.
public struct Table: Hashable, Sendable, CustomStringConvertible {
    /// The table's name, unique in its store.
    public let name: String
    /// LMDB's handle for the database; 0 for a table that lives only in memory.
    let handle: UInt32
    /// How the store keeps the table's entries; the keys and values read and written are the same either way.
    public let layout: TableLayout

    /// A table known only by name, for in-memory storage that mirrors a store's tables.
    public init(name: String) {
        self.name = name
        self.handle = 0
        self.layout = .plain
    }

    init(name: String, handle: UInt32, layout: TableLayout) {
        self.name = name
        self.handle = handle
        self.layout = layout
    }

    /// Tables are equal when their names are.
    public static func == (left: Table, right: Table) -> Bool { left.name == right.name }
    /// Hashes the name, as `==` compares it.
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// The table's name.
    public var description: String { name }
}

/// How a store keeps a table's entries in LMDB. Readers and writers see the same keys and values whatever the
/// layout: it decides only the size of the table and the work of a write.
public enum TableLayout: Sendable, Hashable, CustomStringConvertible {
    /// One LMDB entry per key.
    case plain
    /// For one-to-many indexes: every key ends in `suffix` bytes, and every value has `valueSize` bytes. The bytes
    /// before the suffix (the group) are the LMDB key; the suffix and the value are one of its sorted, fixed-size
    /// duplicates (`MDB_DUPSORT | MDB_DUPFIXED`), which LMDB packs without a header each. No group may be a prefix
    /// of another (they have one length, or end in a byte that no group holds elsewhere), so that the order of the
    /// keys is the order of group, then suffix.
    case grouped(suffix: Int, valueSize: Int)

    /// The flags of `mdb_dbi_open` that make an LMDB database of this layout.
    public var databaseFlags: UInt32 {
        switch self {
        case .plain: 0
        case .grouped: UInt32(MDB_DUPSORT | MDB_DUPFIXED)
        }
    }

    /// "plain", or the suffix and value sizes.
    public var description: String {
        switch self {
        case .plain: "plain"
        case .grouped(let suffix, let valueSize): "grouped (a \(suffix)-byte suffix, \(valueSize)-byte values)"
        }
    }
}

/// Reads sorted key-value tables: a store's transaction, or an in-memory copy of its tables.
///
/// Keys sort as byte strings. Bytes passed to a closure are valid only inside that closure.
public protocol KeyValueReader: ~Copyable {
    /// Calls `body` with the value stored under `key` and returns its result, or nil when there is none.
    func withValue<Result>(
        forKey key: [UInt8],
        in table: Table,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result?

    /// Visits entries in key order from the first key at or after `start` (or, in `reverse`, from the last key at
    /// or before `start`), while `body` returns true. A nil `start` begins at the first (or last) entry.
    func scan(
        _ table: Table,
        from start: [UInt8]?,
        reverse: Bool,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws

    /// The number of entries in `table`.
    func count(of table: Table) throws -> Int
}

/// Writes sorted key-value tables; every change is part of one transaction or in-memory copy.
public protocol KeyValueWriter: KeyValueReader, ~Copyable {
    /// Stores `value` under `key`, replacing what was there.
    func put(_ value: [UInt8], forKey key: [UInt8], in table: Table) throws

    /// Removes the entry under `key`; returns whether there was one.
    @discardableResult
    func removeValue(forKey key: [UInt8], in table: Table) throws -> Bool

    /// Removes every entry of `table`.
    func removeAll(in table: Table) throws
}

extension KeyValueReader where Self: ~Copyable {
    /// A copy of the value under `key`, or nil.
    public func value(forKey key: [UInt8], in table: Table) throws -> [UInt8]? {
        try withValue(forKey: key, in: table) { Array($0) }
    }

    /// Whether `table` holds an entry under `key`.
    public func contains(_ key: [UInt8], in table: Table) throws -> Bool {
        try withValue(forKey: key, in: table) { _ in true } ?? false
    }

    /// Visits, in key order, the entries whose keys begin with `prefix`, while `body` returns true.
    public func scan(
        _ table: Table,
        prefix: [UInt8],
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try scan(table, from: prefix, reverse: false) { key, value in
            guard key.starts(with: prefix) else { return false }
            return try body(key, value)
        }
    }

    /// The last entry whose key begins with `prefix`, copied, or nil.
    public func last(in table: Table, prefix: [UInt8]) throws -> (key: [UInt8], value: [UInt8])? {
        var upper = prefix
        upper.append(contentsOf: [UInt8](repeating: 0xFF, count: max(0, 511 - prefix.count)))
        var found: (key: [UInt8], value: [UInt8])?
        try scan(table, from: upper, reverse: true) { key, value in
            if key.starts(with: prefix) { found = (Array(key), Array(value)) }
            return false
        }
        return found
    }
}
