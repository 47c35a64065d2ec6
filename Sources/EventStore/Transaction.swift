import CLMDB
import Glibc

let appendFlag = UInt32(MDB_APPEND)

/// What a write transaction learns while it runs: the head it has appended, whether the map filled up.
final class WriteState {
    var head: LogHead??
    /// The right edge of the stored Merkle tree once this transaction has checked that it covers the log.
    var frontier: MerkleFrontier?
    var isMapFull = false
    /// The puts so far, for the fault-injection points `put-N`.
    var puts = 0
    /// Hears each operation, when the program traces writes (``Environment/traceWrites(_:)``).
    var tracer: ((TracedOperation) -> Void)?
    /// The cursor each grouped table's puts go through, open until the transaction ends (LMDB closes a write
    /// transaction's cursors with it).
    private var cursors: [UInt32: OpaquePointer] = [:]

    /// The transaction's cursor on the table with LMDB handle `table`, opened on first use.
    func cursor(on table: UInt32, in transaction: OpaquePointer) throws -> OpaquePointer {
        if let open = cursors[table] { return open }
        var opened: OpaquePointer?
        try check(mdb_cursor_open(transaction, table, &opened))
        guard let opened else { throw LMDBError(code: EINVAL) }
        cursors[table] = opened
        return opened
    }
}

/// The LMDB calls both kinds of transaction share, on a live `MDB_txn`.
struct TransactionHandle {
    let pointer: OpaquePointer
    var writeState: WriteState?

    /// Checks the code of a call that writes, noting a full map so that the environment can grow it and retry.
    func checkWrite(_ code: Int32) throws {
        if code == MDB_MAP_FULL { writeState?.isMapFull = true }
        try check(code)
    }

    func withValue<Result>(
        forKey key: [UInt8],
        in table: Table,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result? {
        if case .grouped(let suffix, _) = table.layout {
            return try groupedValue(forKey: key, in: table, suffix: suffix, body)
        }
        var data = MDB_val()
        let code = key.withUnsafeBytes { keyBytes in
            var keyValue = MDB_val(
                mv_size: keyBytes.count,
                mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress)
            )
            return mdb_get(pointer, table.handle, &keyValue, &data)
        }
        writeState?.tracer?(.get(table, key: key))
        if code == MDB_NOTFOUND { return nil }
        try check(code)
        return try body(UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size))
    }

    func scan(
        _ table: Table,
        from start: [UInt8]?,
        reverse: Bool,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        if case .grouped(let suffix, _) = table.layout {
            return try groupedScan(table, suffix: suffix, from: start, reverse: reverse, body)
        }
        var cursor: OpaquePointer?
        try check(mdb_cursor_open(pointer, table.handle, &cursor))
        guard let cursor else { throw LMDBError(code: EINVAL) }
        defer { mdb_cursor_close(cursor) }
        var key = MDB_val()
        var data = MDB_val()
        var code: Int32
        if let start {
            code = start.withUnsafeBytes { startBytes in
                key = MDB_val(
                    mv_size: startBytes.count,
                    mv_data: UnsafeMutableRawPointer(mutating: startBytes.baseAddress)
                )
                return mdb_cursor_get(cursor, &key, &data, MDB_SET_RANGE)
            }
            if reverse {
                if code == MDB_NOTFOUND {
                    code = mdb_cursor_get(cursor, &key, &data, MDB_LAST)
                } else if code == MDB_SUCCESS {
                    let isAfterStart = start.withUnsafeBytes { startBytes in
                        UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size)
                            .lexicographicallyPrecedes(startBytes) == false
                            && !UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size).elementsEqual(startBytes)
                    }
                    if isAfterStart { code = mdb_cursor_get(cursor, &key, &data, MDB_PREV) }
                }
            }
        } else {
            code = mdb_cursor_get(cursor, &key, &data, reverse ? MDB_LAST : MDB_FIRST)
        }
        let step = reverse ? MDB_PREV : MDB_NEXT
        var steps = 0
        defer { writeState?.tracer?(.scan(table, start: start, reverse: reverse, steps: steps)) }
        while code == MDB_SUCCESS {
            let keyBytes = UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size)
            let valueBytes = UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size)
            guard try body(keyBytes, valueBytes) else { return }
            code = mdb_cursor_get(cursor, &key, &data, step)
            steps += 1
        }
        if code != MDB_NOTFOUND { try check(code) }
    }

    func count(of table: Table) throws -> Int {
        var statistics = MDB_stat()
        try check(mdb_stat(pointer, table.handle, &statistics))
        writeState?.tracer?(.count(table))
        return statistics.ms_entries
    }

    func put(_ value: [UInt8], forKey key: [UInt8], in table: Table, flags: UInt32 = 0) throws {
        if case .grouped(let suffix, let valueSize) = table.layout {
            return try groupedPut(value, forKey: key, in: table, suffix: suffix, valueSize: valueSize)
        }
        try checkWrite(mdb_put(pointer, table.handle, key, value, flags))
        writeState?.tracer?(.put(table, key: key, valueCount: value.count, flags: flags))
        if FaultInjection.isActive, let writeState {
            writeState.puts += 1
            FaultInjection.reach(.put(writeState.puts))
        }
    }

    /// Stores `value` under `key` in a plain table unless the key is there already (`MDB_NOOVERWRITE`): then
    /// nothing is written and the stored value is returned.
    func insert(_ value: [UInt8], forKey key: [UInt8], in table: Table) throws -> [UInt8]? {
        guard table.layout == .plain else { throw LMDBError(code: EINVAL) }
        var stored: [UInt8]?
        let flags = UInt32(MDB_NOOVERWRITE)
        let code = withValues(key, value) { keyValue, dataValue in
            let code = CLMDB.mdb_put(pointer, table.handle, &keyValue, &dataValue, flags)
            if code == MDB_KEYEXIST {
                stored = Array(UnsafeRawBufferPointer(start: dataValue.mv_data, count: dataValue.mv_size))
            }
            return code
        }
        if let stored { return stored }
        try checkWrite(code)
        writeState?.tracer?(.put(table, key: key, valueCount: value.count, flags: flags))
        if FaultInjection.isActive, let writeState {
            writeState.puts += 1
            FaultInjection.reach(.put(writeState.puts))
        }
        return nil
    }

    /// Stores `count` bytes under `key` in a plain table, written by `fill` straight into the space LMDB reserves
    /// for them (`MDB_RESERVE`) instead of being copied from an array.
    func putReserving(
        _ count: Int,
        forKey key: [UInt8],
        in table: Table,
        flags: UInt32,
        _ fill: (UnsafeMutableRawBufferPointer) -> Void
    ) throws {
        guard table.layout == .plain else { throw LMDBError(code: EINVAL) }
        var data = MDB_val(mv_size: count, mv_data: nil)
        let code = key.withUnsafeBytes { keyBytes in
            var keyValue = MDB_val(
                mv_size: keyBytes.count,
                mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress)
            )
            return mdb_put(pointer, table.handle, &keyValue, &data, flags | UInt32(MDB_RESERVE))
        }
        try checkWrite(code)
        fill(UnsafeMutableRawBufferPointer(start: data.mv_data, count: count))
        writeState?.tracer?(.put(table, key: key, valueCount: count, flags: flags))
        if FaultInjection.isActive, let writeState {
            writeState.puts += 1
            FaultInjection.reach(.put(writeState.puts))
        }
    }

    func removeValue(forKey key: [UInt8], in table: Table) throws -> Bool {
        if case .grouped(let suffix, _) = table.layout {
            return try groupedRemove(forKey: key, in: table, suffix: suffix)
        }
        let code = key.withUnsafeBytes { keyBytes in
            var keyValue = MDB_val(
                mv_size: keyBytes.count,
                mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress)
            )
            return mdb_del(pointer, table.handle, &keyValue, nil)
        }
        writeState?.tracer?(.remove(table, key: key))
        if code == MDB_NOTFOUND { return false }
        try checkWrite(code)
        return true
    }

    func removeAll(in table: Table) throws {
        try checkWrite(mdb_drop(pointer, table.handle, 0))
        writeState?.tracer?(.removeAll(table))
    }

    /// Deletes the table named `name` from the store, entries and all, if the store has one that is not open.
    func removeTable(named name: String) throws -> Bool {
        var handle: MDB_dbi = 0
        let code = mdb_dbi_open(pointer, name, 0, &handle)
        if code == MDB_NOTFOUND { return false }
        try check(code)
        try checkWrite(mdb_drop(pointer, handle, 1))
        return true
    }
}

/// A read-only snapshot of the store, lent to the closure of ``Environment/read(_:)``.
///
/// It sees the state committed when it began, whatever writers do meanwhile, and never blocks them.
public struct ReadTransaction: ~Copyable, LogReader {
    let handle: TransactionHandle
    /// The store's own tables: the log, its id index and its recorded-time index.
    public let log: EventLog
    /// What the transaction shows of each entry read through it, when it is seen through a filter
    /// (``filtered(by:)``).
    let filter: EntryFilter?

    init(pointer: OpaquePointer, log: EventLog, filter: EntryFilter? = nil) {
        self.handle = TransactionHandle(pointer: pointer)
        self.log = log
        self.filter = filter
    }

    /// The same snapshot seen through `filter`, which decides for each entry read (by `withValue`, `scan` and
    /// `count`) whether it is shown as stored, with other bytes, or not at all; `filter` may read the unfiltered
    /// snapshot it is given. Valid only inside the closure that lent this transaction.
    public func filtered(by filter: @escaping EntryFilter) -> ReadTransaction {
        ReadTransaction(pointer: handle.pointer, log: log, filter: filter)
    }

    /// Calls `body` with the value under `key` (`mdb_get`); the bytes are valid only inside `body`.
    public func withValue<Result>(
        forKey key: [UInt8],
        in table: Table,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result? {
        guard let filter else { return try handle.withValue(forKey: key, in: table, body) }
        let shown = try handle.withValue(forKey: key, in: table) { value -> Result? in
            let unfiltered = ReadTransaction(pointer: handle.pointer, log: log)
            switch try key.withUnsafeBytes({ try filter(table, $0, value, unfiltered) }) {
            case .asStored: return try body(value)
            case .changed(let bytes): return try bytes.withUnsafeBytes { try body($0) }
            case .hidden: return nil
            }
        }
        return shown ?? nil
    }

    /// Visits entries through an LMDB cursor (`mdb_cursor_get`); the bytes are valid only inside `body`.
    public func scan(
        _ table: Table,
        from start: [UInt8]?,
        reverse: Bool,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        guard let filter else { return try handle.scan(table, from: start, reverse: reverse, body) }
        try handle.scan(table, from: start, reverse: reverse) { key, value in
            let unfiltered = ReadTransaction(pointer: handle.pointer, log: log)
            switch try filter(table, key, value, unfiltered) {
            case .asStored: return try body(key, value)
            case .changed(let bytes): return try bytes.withUnsafeBytes { try body(key, $0) }
            case .hidden: return true
            }
        }
    }

    /// The number of entries in `table` (`mdb_stat`); through a filter, of the entries it shows (a scan).
    public func count(of table: Table) throws -> Int {
        guard filter != nil else { return try handle.count(of: table) }
        var shown = 0
        try scan(table, from: nil, reverse: false) { _, _ in
            shown += 1
            return true
        }
        return shown
    }
}

/// What a filtered ``ReadTransaction`` shows of one entry of `table`: the key, the stored value, and the
/// unfiltered snapshot to look up other entries in.
public typealias EntryFilter = (
    _ table: Table, _ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer,
    _ unfiltered: borrowing ReadTransaction
) throws -> EntryShown

/// Whether a filter shows an entry as stored, with other bytes as its value, or hides it.
public enum EntryShown {
    case asStored
    case changed([UInt8])
    case hidden
}

/// The store's single write transaction, lent to the closure of ``Environment/write(_:)``.
///
/// Everything written through it commits together when the closure returns, or not at all.
public struct WriteTransaction: ~Copyable, LogReader, KeyValueWriter {
    let handle: TransactionHandle
    /// The store's own tables: the log, its id index and its recorded-time index.
    public let log: EventLog
    let clock: @Sendable () -> Timestamp

    let state: WriteState

    init(pointer: OpaquePointer, log: EventLog, state: WriteState, clock: @escaping @Sendable () -> Timestamp) {
        self.handle = TransactionHandle(pointer: pointer, writeState: state)
        self.state = state
        self.log = log
        self.clock = clock
    }

    /// Calls `body` with the value under `key` (`mdb_get`), seeing this transaction's own writes; the bytes
    /// are valid only inside `body`.
    public func withValue<Result>(
        forKey key: [UInt8],
        in table: Table,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result? {
        try handle.withValue(forKey: key, in: table, body)
    }

    /// Visits entries through an LMDB cursor (`mdb_cursor_get`), seeing this transaction's own writes; the bytes
    /// are valid only inside `body`.
    public func scan(
        _ table: Table,
        from start: [UInt8]?,
        reverse: Bool,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        try handle.scan(table, from: start, reverse: reverse, body)
    }

    /// The number of entries in `table` (`mdb_stat`), counting this transaction's own writes.
    public func count(of table: Table) throws -> Int {
        try handle.count(of: table)
    }

    /// Stores `value` under `key`, replacing what was there (`mdb_put`); it commits with the transaction.
    public func put(_ value: [UInt8], forKey key: [UInt8], in table: Table) throws {
        try handle.put(value, forKey: key, in: table)
    }

    /// Removes the entry under `key` (`mdb_del`); returns whether there was one.
    @discardableResult
    public func removeValue(forKey key: [UInt8], in table: Table) throws -> Bool {
        try handle.removeValue(forKey: key, in: table)
    }

    /// Removes every entry of `table` but keeps the table (`mdb_drop` with 0).
    public func removeAll(in table: Table) throws {
        try handle.removeAll(in: table)
    }

    /// Deletes a table that an earlier release kept and this one does not open, entries and all (`mdb_drop` with 1),
    /// so that its pages are free once the transaction commits; returns whether the store had it. `name` must not
    /// be a table this environment opened.
    @discardableResult
    public func removeTable(named name: String) throws -> Bool {
        try handle.removeTable(named: name)
    }
}

/// `mdb_put` of byte arrays.
func mdb_put(
    _ transaction: OpaquePointer,
    _ table: UInt32,
    _ key: [UInt8],
    _ value: [UInt8],
    _ flags: UInt32
)
    -> Int32
{
    withValues(key, value) { CLMDB.mdb_put(transaction, table, &$0, &$1, flags) }
}

/// Calls `body` with LMDB's views of the bytes of `key` and `value`, valid only inside it.
func withValues(_ key: [UInt8], _ value: [UInt8], _ body: (inout MDB_val, inout MDB_val) -> Int32) -> Int32 {
    key.withUnsafeBytes { keyBytes in
        value.withUnsafeBytes { valueBytes in
            var keyValue = MDB_val(
                mv_size: keyBytes.count,
                mv_data: UnsafeMutableRawPointer(mutating: keyBytes.baseAddress)
            )
            var dataValue = MDB_val(
                mv_size: valueBytes.count,
                mv_data: UnsafeMutableRawPointer(mutating: valueBytes.baseAddress)
            )
            return body(&keyValue, &dataValue)
        }
    }
}
