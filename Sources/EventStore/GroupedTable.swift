import CLMDB
import Glibc

/// The LMDB calls behind a table of ``TableLayout/grouped(suffix:valueSize:)``: a key is split into its group (the
/// LMDB key) and its suffix, which leads the LMDB duplicate, followed by the value. Callers see whole keys.
extension TransactionHandle {
    /// The group and the suffix of `key`, or nil when it is too short to have both.
    private static func split(_ key: [UInt8], suffix: Int) -> (group: [UInt8], suffix: [UInt8])? {
        guard suffix > 0, key.count > suffix else { return nil }
        return (Array(key[..<(key.count - suffix)]), Array(key[(key.count - suffix)...]))
    }

    private func withCursor<Result>(_ table: Table, _ body: (inout GroupCursor) throws -> Result) throws -> Result {
        var opened: OpaquePointer?
        try check(mdb_cursor_open(pointer, table.handle, &opened))
        guard let opened else { throw LMDBError(code: EINVAL) }
        defer { mdb_cursor_close(opened) }
        var cursor = GroupCursor(pointer: opened)
        return try body(&cursor)
    }

    /// The value under `key`, read through a cursor placed on the key's group and suffix.
    func groupedValue<Result>(
        forKey key: [UInt8],
        in table: Table,
        suffix: Int,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result? {
        writeState?.tracer?(.get(table, key: key))
        guard let (group, suffixBytes) = Self.split(key, suffix: suffix) else { return nil }
        return try withCursor(table) { cursor in
            guard try cursor.seekExact(group: group, suffix: suffixBytes) else { return nil }
            return try body(UnsafeRawBufferPointer(rebasing: cursor.duplicate[suffix...]))
        }
    }

    /// Stores `value` under `key`, replacing the value there: one duplicate of the key's group.
    ///
    /// A suffix after every other of its group (a position, in an index written as the log grows) is appended
    /// (`MDB_APPENDDUP`), which fills the group's pages instead of splitting them in half. The group and the
    /// duplicate are handed to LMDB from the key's and the value's own bytes, without copies on the heap.
    func groupedPut(_ value: [UInt8], forKey key: [UInt8], in table: Table, suffix: Int, valueSize: Int) throws {
        guard value.count == valueSize, suffix > 0, key.count > suffix else { throw LMDBError(code: MDB_BAD_VALSIZE) }
        guard let writeState else { throw LMDBError(code: EACCES) }
        // One cursor per table for the whole transaction: LMDB finds a key near the cursor's page without a descent.
        var cursor = GroupCursor(pointer: try writeState.cursor(on: table.handle, in: pointer))
        let groupCount = key.count - suffix
        let flags: UInt32? = try key.withUnsafeBytes { keyBytes in
            let group = UnsafeRawBufferPointer(rebasing: keyBytes[..<groupCount])
            let suffixBytes = UnsafeRawBufferPointer(rebasing: keyBytes[groupCount...])
            if valueSize == 0 {
                // The key is the whole entry. Most puts append a new last suffix: that is tried first; LMDB refuses
                // it (MDB_KEYEXIST) for a suffix that is not after the group's last, which is then put in its place,
                // unless it is there already.
                let appending = UInt32(MDB_APPENDDUP | MDB_NODUPDATA)
                var code = cursorPut(cursor.pointer, group, suffixBytes, appending)
                if code == MDB_KEYEXIST {
                    code = cursorPut(cursor.pointer, group, suffixBytes, UInt32(MDB_NODUPDATA))
                    if code == MDB_KEYEXIST { code = MDB_SUCCESS }
                }
                try checkWrite(code)
                return appending
            }
            return try withUnsafeTemporaryAllocation(byteCount: suffix + valueSize, alignment: 1) { buffer in
                buffer.copyMemory(from: suffixBytes)
                value.withUnsafeBytes {
                    UnsafeMutableRawBufferPointer(rebasing: buffer[suffix...]).copyMemory(from: $0)
                }
                let duplicate = UnsafeRawBufferPointer(buffer)
                // A value is replaced, never kept beside another under the same suffix: the suffix decides. (Traced
                // as a cursor placed on the group, which the B-tree floor repeats.)
                writeState.tracer?(.scan(table, start: Array(group), reverse: false, steps: 0))
                let flags: UInt32?
                switch try cursor.lastSuffix(of: group, precedes: suffixBytes) {
                case nil: flags = 0
                case true?: flags = UInt32(MDB_APPENDDUP)
                case false?:
                    if try cursor.seekExact(group: group, suffix: suffixBytes) {
                        if cursor.duplicate.elementsEqual(duplicate) {
                            flags = nil
                        } else {
                            try checkWrite(mdb_cursor_del(cursor.pointer, 0))
                            flags = 0
                        }
                    } else {
                        flags = 0
                    }
                }
                if let flags { try checkWrite(cursorPut(cursor.pointer, group, duplicate, flags)) }
                return flags
            }
        }
        if let flags, let tracer = writeState.tracer {
            tracer(
                .putDuplicate(
                    table,
                    group: Array(key[..<groupCount]),
                    duplicate: key[groupCount...] + value,
                    flags: flags
                )
            )
        }
        if FaultInjection.isActive {
            writeState.puts += 1
            FaultInjection.reach(.put(writeState.puts))
        }
    }

    /// Removes the entry under `key`; returns whether there was one.
    func groupedRemove(forKey key: [UInt8], in table: Table, suffix: Int) throws -> Bool {
        writeState?.tracer?(.remove(table, key: key))
        guard let (group, suffixBytes) = Self.split(key, suffix: suffix) else { return false }
        return try withCursor(table) { cursor in
            guard try cursor.seekExact(group: group, suffix: suffixBytes) else { return false }
            try checkWrite(mdb_cursor_del(cursor.pointer, 0))
            return true
        }
    }

    /// Visits entries in key order from the first key at or after `start` (in `reverse`, the last at or before it).
    func groupedScan(
        _ table: Table,
        suffix: Int,
        from start: [UInt8]?,
        reverse: Bool,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        var steps = 0
        defer { writeState?.tracer?(.scan(table, start: start, reverse: reverse, steps: steps)) }
        try withCursor(table) { cursor in
            var code: Int32
            switch start {
            case nil: code = cursor.move(reverse ? MDB_LAST : MDB_FIRST)
            case let start? where start.isEmpty: code = reverse ? MDB_NOTFOUND : cursor.move(MDB_FIRST)
            case let start?:
                code =
                    try reverse
                    ? cursor.placeAtOrBefore(start, suffix: suffix) : cursor.placeAtOrAfter(start, suffix: suffix)
            }
            var key: [UInt8] = []
            while code == MDB_SUCCESS {
                let duplicate = cursor.duplicate
                guard duplicate.count >= suffix else { throw LMDBError(code: MDB_CORRUPTED) }
                key.removeAll(keepingCapacity: true)
                key.append(contentsOf: cursor.group)
                key.append(contentsOf: duplicate[..<suffix])
                let goOn = try key.withUnsafeBytes {
                    try body($0, UnsafeRawBufferPointer(rebasing: duplicate[suffix...]))
                }
                guard goOn else { return }
                code = cursor.move(reverse ? MDB_PREV : MDB_NEXT)
                steps += 1
            }
            if code != MDB_NOTFOUND { try check(code) }
        }
    }
}

/// An LMDB cursor over a grouped table and the group and duplicate it rests on (valid until it moves).
private struct GroupCursor {
    let pointer: OpaquePointer
    private var key = MDB_val()
    private var data = MDB_val()

    init(pointer: OpaquePointer) { self.pointer = pointer }

    /// The group (LMDB key) under the cursor.
    var group: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: key.mv_data, count: key.mv_size) }
    /// The duplicate (suffix and value) under the cursor.
    var duplicate: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: data.mv_data, count: data.mv_size) }

    /// Moves the cursor (`mdb_cursor_get` with `operation` and no search bytes).
    mutating func move(_ operation: MDB_cursor_op) -> Int32 {
        mdb_cursor_get(pointer, &key, &data, operation)
    }

    /// Places the cursor by `operation` with search bytes for the key and the duplicate, then reads where it rests
    /// (the search calls leave the key pointing at the caller's bytes, which do not outlive them).
    private mutating func seek(
        _ operation: MDB_cursor_op,
        group: UnsafeRawBufferPointer,
        duplicate: UnsafeRawBufferPointer? = nil
    ) -> Int32 {
        var searchKey = MDB_val(mv_size: group.count, mv_data: UnsafeMutableRawPointer(mutating: group.baseAddress))
        var searchData = MDB_val()
        if let duplicate {
            searchData = MDB_val(
                mv_size: duplicate.count,
                mv_data: UnsafeMutableRawPointer(mutating: duplicate.baseAddress)
            )
        }
        let code = mdb_cursor_get(pointer, &searchKey, &searchData, operation)
        guard code == MDB_SUCCESS else { return code }
        return move(MDB_GET_CURRENT)
    }

    private mutating func seek(_ operation: MDB_cursor_op, group: [UInt8], duplicate: [UInt8]? = nil) -> Int32 {
        group.withUnsafeBytes { groupBytes in
            guard let duplicate else { return seek(operation, group: groupBytes) }
            return duplicate.withUnsafeBytes { seek(operation, group: groupBytes, duplicate: $0) }
        }
    }

    /// Whether the suffix of the last duplicate of `group` sorts before `suffix`, or nil when the table has no such
    /// group.
    mutating func lastSuffix(of group: UnsafeRawBufferPointer, precedes suffix: UnsafeRawBufferPointer) throws -> Bool?
    {
        let code = seek(MDB_SET_KEY, group: group)
        if code == MDB_NOTFOUND { return nil }
        try check(code)
        try check(move(MDB_LAST_DUP))
        guard duplicate.count >= suffix.count else { throw LMDBError(code: MDB_CORRUPTED) }
        return UnsafeRawBufferPointer(rebasing: duplicate[..<suffix.count]).lexicographicallyPrecedes(suffix)
    }

    /// Places the cursor on the duplicate of `group` that begins with `suffix`; false when there is none.
    mutating func seekExact(group: UnsafeRawBufferPointer, suffix: UnsafeRawBufferPointer) throws -> Bool {
        let code = seek(MDB_GET_BOTH_RANGE, group: group, duplicate: suffix)
        if code == MDB_NOTFOUND { return false }
        try check(code)
        return duplicate.starts(with: suffix)
    }

    /// Places the cursor on the duplicate of `group` that begins with `suffix`; false when there is none.
    mutating func seekExact(group: [UInt8], suffix: [UInt8]) throws -> Bool {
        let code = seek(MDB_GET_BOTH_RANGE, group: group, duplicate: suffix)
        if code == MDB_NOTFOUND { return false }
        try check(code)
        return duplicate.starts(with: suffix)
    }

    /// The group just before the first group at or after `start`, when it is a proper prefix of `start`: the only
    /// group whose keys may lie on either side of `start`. The cursor rests on that group's last duplicate, or on
    /// the last of the group before `start` when the result is nil; the code says whether there is one.
    private mutating func groupBefore(_ start: [UInt8]) throws -> (code: Int32, prefix: [UInt8]?) {
        var code = seek(MDB_SET_RANGE, group: start)
        switch code {
        case MDB_SUCCESS: code = move(MDB_PREV_NODUP)
        case MDB_NOTFOUND: code = move(MDB_LAST)
        default: try check(code)
        }
        guard code == MDB_SUCCESS else {
            if code != MDB_NOTFOUND { try check(code) }
            return (code, nil)
        }
        let candidate = Array(group)
        return (code, candidate.count < start.count && start.starts(with: candidate) ? candidate : nil)
    }

    /// Places the cursor on the first entry whose whole key (group ‖ suffix) is at or after `start`.
    mutating func placeAtOrAfter(_ start: [UInt8], suffix: Int) throws -> Int32 {
        if let prefix = try groupBefore(start).prefix {
            let rest = start[prefix.count...]
            let probe = Array(rest.prefix(suffix))
            var code = seek(MDB_GET_BOTH_RANGE, group: prefix, duplicate: probe)
            if code == MDB_SUCCESS, rest.count > suffix, duplicate.prefix(suffix).elementsEqual(probe) {
                // The key equals the start's first bytes, so it sorts before the longer start.
                code = move(MDB_NEXT)
            }
            if code != MDB_NOTFOUND { return code }
        }
        return seek(MDB_SET_RANGE, group: start)
    }

    /// Places the cursor on the last entry whose whole key (group ‖ suffix) is at or before `start`.
    mutating func placeAtOrBefore(_ start: [UInt8], suffix: Int) throws -> Int32 {
        let (code, prefix) = try groupBefore(start)
        // No group before the start, or one wholly before it: the cursor rests on its last duplicate already.
        guard let prefix else { return code }
        let rest = start[prefix.count...]
        let probe = Array(rest.prefix(suffix))
        let found = seek(MDB_GET_BOTH_RANGE, group: prefix, duplicate: probe)
        switch found {
        case MDB_SUCCESS:
            if duplicate.prefix(suffix).elementsEqual(probe) { return MDB_SUCCESS }
            return move(MDB_PREV)
        case MDB_NOTFOUND:
            let placed = seek(MDB_SET_KEY, group: prefix)
            return placed == MDB_SUCCESS ? move(MDB_LAST_DUP) : placed
        default:
            return found
        }
    }
}

/// `mdb_cursor_put` of bytes the caller holds.
private func cursorPut(
    _ cursor: OpaquePointer,
    _ key: UnsafeRawBufferPointer,
    _ value: UnsafeRawBufferPointer,
    _ flags: UInt32
) -> Int32 {
    var keyValue = MDB_val(mv_size: key.count, mv_data: UnsafeMutableRawPointer(mutating: key.baseAddress))
    var dataValue = MDB_val(mv_size: value.count, mv_data: UnsafeMutableRawPointer(mutating: value.baseAddress))
    return mdb_cursor_put(cursor, &keyValue, &dataValue, flags)
}
