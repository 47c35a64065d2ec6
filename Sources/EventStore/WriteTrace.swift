/// One operation of a durable store's write transaction, as ``Environment/traceWrites(_:)`` reports it: what a
/// program needs to issue the same LMDB calls again (the same tables, keys and value sizes, in the same order), so
/// that a benchmark can time the B-tree work of a write without the work that decided it.
public enum TracedOperation {
    /// A write transaction began.
    case begin
    /// It committed.
    case commit
    /// It was aborted (the body threw, or the map filled and the body runs again).
    case abort
    /// `mdb_get` of `key`.
    case get(Table, key: [UInt8])
    /// `mdb_put` of a value of `valueCount` bytes under `key`, with LMDB's put `flags` (`MDB_APPEND` or 0).
    case put(Table, key: [UInt8], valueCount: Int, flags: UInt32)
    /// `mdb_put` of `duplicate` under `group` in a table of ``TableLayout/grouped(suffix:valueSize:)``, with LMDB's
    /// put `flags` (`MDB_APPENDDUP` or 0).
    case putDuplicate(Table, group: [UInt8], duplicate: [UInt8], flags: UInt32)
    /// `mdb_del` of `key`.
    case remove(Table, key: [UInt8])
    /// A cursor opened at `start` (nil: the first or, in `reverse`, the last entry) and moved `steps` times after
    /// it was placed.
    case scan(Table, start: [UInt8]?, reverse: Bool, steps: Int)
    /// `mdb_stat` of a table.
    case count(Table)
    /// `mdb_drop` emptying a table.
    case removeAll(Table)
}

extension Environment {
    /// Calls `tracer` with every operation of every write transaction of the durable stores this process opens
    /// from now on, on the writing thread, in order; nil stops it. Read-only transactions and scratch stores are not
    /// traced. Set it before the first store is opened. A benchmark switch: with no tracer, each operation costs one
    /// load and a branch.
    public static func traceWrites(_ tracer: ((TracedOperation) -> Void)?) {
        writeTracer = tracer
    }

    // Read on every operation, so it takes no lock: set once, before any store is opened, by the program's main.
    nonisolated(unsafe) static var writeTracer: ((TracedOperation) -> Void)?
}
