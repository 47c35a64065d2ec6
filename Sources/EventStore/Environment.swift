import CLMDB
import Glibc
import Synchronization

/// One LMDB environment: the log and the tables kept beside it, in one memory-mapped file.
///
/// Open one per store per process. Writers serialize on LMDB's lock; readers see a snapshot and never block them.
/// ```swift
/// let environment = try Environment(path: ".sckb", tables: ["cities"], creating: true)
/// try environment.write { transaction in
///     _ = try transaction.append(id: nil) { position, recorded in Array("event \(position)".utf8) }
/// }
/// ```
public final class Environment: @unchecked Sendable {
    // @unchecked: an MDB_env may be shared between threads (it is opened with MDB_NOTLS); transactions never leave
    // the closures of `read` and `write`, and the only mutable state, the map size, changes inside LMDB between
    // write transactions.

    /// The store's folder.
    public let path: String
    /// The log's tables.
    public let log: EventLog
    let pointer: OpaquePointer
    private let tables: [String: Table]
    private let clock: @Sendable () -> Timestamp
    /// Whether commits are flushed and the file checked to be still at `path`: false for scratch copies.
    private let isDurable: Bool
    /// Whether the file is mapped writable (`MDB_WRITEMAP`), as asked at open.
    public let isWriteMapped: Bool

    /// The map size a new store starts with, unless the caller gives one: 64 MiB.
    public static let defaultInitialMapSize = 64 << 20

    /// Opens the store at `path` with the log's tables and the caller's `tableNames`.
    ///
    /// With `creating`, a missing store is created (folder mode 0700, files 0600) and missing tables are added;
    /// without it, a missing store throws ``StoreError/Kind/missing``. Stale reader slots left by dead processes are
    /// cleared. `initialMapSize` applies only to a store created now; the map grows by itself later. A store that is
    /// not `isDurable` skips the flush at commit: for scratch copies that a crash may lose. One opened `isReadOnly`
    /// (`MDB_RDONLY`) needs no write access to the data file, and every write transaction on it fails.
    ///
    /// `isWriteMapped` maps the file of a durable store opened for writing writable (`MDB_WRITEMAP`), so that a write
    /// transaction changes pages in the map instead of in heap copies, and the data file's apparent size becomes the
    /// map's (sparse). Commits stay fully synchronous (`msync`). A full file system then shows as SIGBUS on a page of
    /// the map rather than as an error of the commit (``observeOpenings(_:)`` tells a program which stores are
    /// mapped so). LMDB sizes such a file to the opening process's map size (`ftruncate`), which would cut off the
    /// pages of another process's write transaction that grew the map meanwhile: so a write-mapped process opens
    /// the store, and changes its map size, only under an exclusive `flock` of the store's folder, and never to less
    /// than the file's size (``resizeMap(atLeast:)``). Processes with and without it must not write a store at the
    /// same time. It does not apply to scratch or read-only stores.
    public init(
        path: String,
        tables tableNames: [String],
        layouts: [String: TableLayout] = [:],
        creating: Bool,
        initialMapSize: Int? = nil,
        isDurable: Bool = true,
        isReadOnly: Bool = false,
        isWriteMapped: Bool = false,
        clock: @escaping @Sendable () -> Timestamp = Timestamp.now
    ) throws(StoreError) {
        self.path = path
        self.clock = clock
        self.isDurable = isDurable
        let isMappedWritable = isWriteMapped && isDurable && !isReadOnly
        self.isWriteMapped = isMappedWritable
        let isNew = access(path + "/data.mdb", F_OK) != 0
        if isNew {
            guard creating else {
                throw StoreError(.missing, operation: "open the store", path: path, reason: "no store there")
            }
            try Environment.makeDirectory(path)
        }
        var created: OpaquePointer?
        try Environment.perform("create the environment", path, mdb_env_create(&created))
        guard let created else {
            throw StoreError(.unavailable, operation: "open the store", path: path, reason: "out of memory")
        }
        // From here on LMDB reads the file through its map: a fault there is this store's damage.
        if isDurable, let observer = Environment.openingObserver.withLock({ $0 }) {
            observer(Opening(path: path, isWriteMapped: isMappedWritable))
        }
        do {
            try Environment.perform("configure the store", path, mdb_env_set_maxdbs(created, 64))
            try Environment.holdingMapLock(
                of: path,
                if: isMappedWritable,
                failure: { StoreError(code: $0, operation: "lock the store's map", path: path) },
                body: { () throws(StoreError) in
                    // A write-mapped open sizes the file to the map: never less than the file is now.
                    let fileSize = isMappedWritable ? Environment.fileSize(path + "/data.mdb") : 0
                    let size = isNew ? max(initialMapSize ?? Environment.defaultInitialMapSize, fileSize) : fileSize
                    if size > 0 {
                        try Environment.perform("configure the store", path, mdb_env_set_mapsize(created, size))
                    }
                    try Environment.perform(
                        "open the store",
                        path,
                        mdb_env_open(
                            created,
                            path,
                            Environment.openFlags(
                                isDurable: isDurable,
                                isReadOnly: isReadOnly,
                                isWriteMapped: isMappedWritable
                            ),
                            0o600
                        )
                    )
                }
            )
            var dead: Int32 = 0
            try Environment.perform("clear stale readers of the store", path, mdb_reader_check(created, &dead))
            let names = EventLog.tableNames + tableNames
            let tables = try Environment.openTables(
                names,
                layouts: layouts,
                in: created,
                path: path,
                creating: creating && !isReadOnly,
                readOnly: isReadOnly
            )
            self.tables = tables
            self.log = try EventLog(tables: tables)
        } catch {
            mdb_env_close(created)
            throw error
        }
        self.pointer = created
    }

    deinit {
        mdb_env_close(pointer)
    }

    /// A durable store about to be mapped, as ``observeOpenings(_:)`` reports it.
    public struct Opening: Sendable, Equatable {
        /// The store's folder.
        public let path: String
        /// Whether its file is mapped writable (`MDB_WRITEMAP`): then a page the file system cannot allocate (a full
        /// device) or cannot read back (a failing one) raises SIGBUS in the writer, instead of an error code.
        public let isWriteMapped: Bool
    }

    /// Calls `observer` for every durable store this process opens, just before LMDB maps its file; nil stops the
    /// calls.
    ///
    /// LMDB trusts the page numbers it reads through the map, so a damaged page can end the process with SIGBUS or
    /// SIGSEGV; and in a write-mapped store, a page the full device cannot allocate ends it with SIGBUS. A program
    /// that turns such a fault into a message of its own formats it here, before any fault can happen, as a signal
    /// handler may do almost nothing. Set it once, before the first store is opened; `observer` runs on the thread
    /// that opens the store.
    public static func observeOpenings(_ observer: (@Sendable (_ opening: Opening) -> Void)?) {
        openingObserver.withLock { $0 = observer }
    }

    private static let openingObserver = Mutex<(@Sendable (Opening) -> Void)?>(nil)

    /// The flags of `mdb_env_open`. A store that is not durable (a scratch copy) never flushes: a crash may lose it
    /// whole. It is not write-mapped: with `MDB_WRITEMAP` a full file system surfaces as SIGBUS on a page of the map
    /// instead of as an error of the commit.
    private static func openFlags(isDurable: Bool, isReadOnly: Bool, isWriteMapped: Bool) -> UInt32 {
        var flags = UInt32(MDB_NOTLS)
        if isReadOnly {
            flags |= UInt32(MDB_RDONLY)
        } else if !isDurable {
            flags |= UInt32(MDB_NOSYNC | MDB_NOMETASYNC)
        } else if isWriteMapped {
            flags |= UInt32(MDB_WRITEMAP)
        }
        return flags
    }

    /// The table named `name`, one of those given at open.
    public func table(named name: String) -> Table {
        guard let table = tables[name] else { preconditionFailure("table \(name) was not opened") }
        return table
    }

    /// Runs `body` in a read-only snapshot of the store and returns its result.
    ///
    /// The transaction and every byte read through it are valid only inside `body`.
    /// The corresponding LMDB calls are `mdb_txn_begin` with `MDB_RDONLY` and `mdb_txn_abort`.
    public func read<Result>(_ body: (borrowing ReadTransaction) throws -> Result) throws -> Result {
        FaultInjection.reach(.begin)
        do {
            let transaction = try begin(flags: UInt32(MDB_RDONLY))
            defer { mdb_txn_abort(transaction) }
            return try body(ReadTransaction(pointer: transaction, log: log))
        } catch {
            throw storeError(for: error, operation: "read the store")
        }
    }

    /// Runs `body` in the single write transaction and commits if it returns.
    ///
    /// If `body` throws, nothing is written. When the map fills up, the transaction is aborted, the map doubled and
    /// `body` run again from the start, so `body` must have no effects outside the transaction. Bytes read inside
    /// `body` are valid only inside it. The corresponding LMDB calls are `mdb_txn_begin`, `mdb_txn_commit`,
    /// `mdb_txn_abort` and `mdb_env_set_mapsize`.
    public func write<Result>(_ body: (borrowing WriteTransaction) throws -> Result) throws -> Result {
        FaultInjection.reach(.begin)
        do {
            return try writeRetrying(body)
        } catch {
            throw storeError(for: error, operation: "write to the store")
        }
    }

    /// The failure a caller sees for `error`: LMDB's codes and damage found in the log become a ``StoreError``
    /// that names this store's path; every other error (a rule refused, bad input) passes unchanged.
    private func storeError(for error: any Error, operation: String) -> any Error {
        switch error {
        case let error as LMDBError:
            return StoreError(code: error.code, operation: operation, path: path)
        case let damage as LogDamage:
            return StoreError.damaged(path: path, cause: damage.description)
        default:
            return error
        }
    }

    private func writeRetrying<Result>(_ body: (borrowing WriteTransaction) throws -> Result) throws -> Result {
        while true {
            let transaction = try begin(flags: 0)
            let state = WriteState()
            if isDurable, let tracer = Environment.writeTracer {
                state.tracer = tracer
                tracer(.begin)
            }
            let result: Result
            do {
                result = try body(WriteTransaction(pointer: transaction, log: log, state: state, clock: clock))
            } catch {
                state.tracer?(.abort)
                mdb_txn_abort(transaction)
                if state.isMapFull {
                    try growMap()
                    continue
                }
                throw error
            }
            // A store whose folder was removed (or whose data.mdb was replaced) meanwhile would take the commit into a
            // deleted file and lose it without a word: refuse instead. A scratch store (not durable) may be unlinked
            // on purpose, so that it vanishes with the process.
            guard !isDurable || isStillAtPath() else {
                state.tracer?(.abort)
                mdb_txn_abort(transaction)
                throw StoreError(code: ENOENT, operation: "commit", path: path)
            }
            FaultInjection.reach(.commit)
            // mdb_txn_commit frees the transaction even when it fails: never abort after this line.
            state.tracer?(.commit)
            let code = mdb_txn_commit(transaction)
            if code == MDB_MAP_FULL {
                try growMap()
                continue
            }
            try check(code)
            FaultInjection.reach(.committed)
            return result
        }
    }

    /// The current size of the memory map, in bytes.
    public var mapSize: Int {
        var information = MDB_envinfo()
        mdb_env_info(pointer, &information)
        return information.me_mapsize
    }

    /// Grows the map, before a write, so that at least `bytes` more fit without a full-map retry.
    ///
    /// A large import would otherwise fill the map several times, and each time run again from the start.
    /// Call it outside any transaction of this process. The corresponding LMDB call is `mdb_env_set_mapsize`.
    public func reserve(_ bytes: Int) throws(StoreError) {
        var information = MDB_envinfo()
        var statistics = MDB_stat()
        try Environment.perform("grow the map of the store", path, mdb_env_info(pointer, &information))
        try Environment.perform("grow the map of the store", path, mdb_env_stat(pointer, &statistics))
        let used = (information.me_last_pgno + 1) * Int(statistics.ms_psize)
        var size = information.me_mapsize
        while size - used < bytes { size *= 2 }
        if size != information.me_mapsize {
            do {
                try resizeMap(atLeast: size)
            } catch {
                throw StoreError(code: error.code, operation: "grow the map of the store", path: path)
            }
        }
    }

    /// Sets the map size to `size`, or to the data file's size when that is larger (0: the last commit's, or the
    /// file's). A write-mapped store's file is cut or extended to the map size (`ftruncate`): under the folder's
    /// `flock`, and never below the file's size, so that another process's grown map keeps its pages.
    private func resizeMap(atLeast size: Int) throws(LMDBError) {
        try Environment.holdingMapLock(
            of: path,
            if: isWriteMapped,
            failure: { LMDBError(code: $0) },
            body: { () throws(LMDBError) in
                let fileSize = isWriteMapped ? Environment.fileSize(path + "/data.mdb") : 0
                let chosen = size == 0 && fileSize <= mapSize ? 0 : max(size, fileSize)
                try check(mdb_env_set_mapsize(pointer, chosen))
            }
        )
    }

    /// The size of the file at `path` in bytes; 0 when it does not exist.
    private static func fileSize(_ path: String) -> Int {
        var information = stat()
        return stat(path, &information) == 0 ? Int(information.st_size) : 0
    }

    /// Runs `body` holding an exclusive `flock` of the store's folder when `isHeld`: the lock write-mapped processes
    /// take to open the store or change its map size (see ``init(path:tables:creating:initialMapSize:isDurable:isReadOnly:isWriteMapped:clock:)``).
    private static func holdingMapLock<Result, Failure: Error>(
        of path: String,
        if isHeld: Bool,
        failure: (_ code: Int32) -> Failure,
        body: () throws(Failure) -> Result
    ) throws(Failure) -> Result {
        guard isHeld else { return try body() }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(errno) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw failure(errno) }
        }
        return try body()
    }

    /// The bytes of the store's data file that hold its pages, through the last page the last commit used (free
    /// pages inside it included). A write-mapped store's file is as large as its map (sparse), so the file's apparent
    /// size says little.
    public var usedBytes: Int {
        var information = MDB_envinfo()
        var statistics = MDB_stat()
        guard mdb_env_info(pointer, &information) == MDB_SUCCESS, mdb_env_stat(pointer, &statistics) == MDB_SUCCESS
        else { return 0 }
        return (information.me_last_pgno + 1) * Int(statistics.ms_psize)
    }

    /// Whether `path/data.mdb` is still the file this environment has open.
    private func isStillAtPath() -> Bool {
        var descriptor: Int32 = -1
        var open = stat()
        var named = stat()
        guard mdb_env_get_fd(pointer, &descriptor) == MDB_SUCCESS, fstat(descriptor, &open) == 0 else { return true }
        guard stat(path + "/data.mdb", &named) == 0 else { return false }
        return open.st_dev == named.st_dev && open.st_ino == named.st_ino
    }

    private func begin(flags: UInt32) throws(LMDBError) -> OpaquePointer {
        while true {
            var transaction: OpaquePointer?
            let code = mdb_txn_begin(pointer, nil, flags, &transaction)
            if code == MDB_MAP_RESIZED {
                // Another process grew the map: adopt its size and try again.
                try resizeMap(atLeast: 0)
                continue
            }
            try check(code)
            guard let transaction else { throw LMDBError(code: EINVAL) }
            return transaction
        }
    }

    private func growMap() throws(LMDBError) {
        try resizeMap(atLeast: mapSize * 2)
    }

    private static func openTables(
        _ names: [String],
        layouts: [String: TableLayout],
        in environment: OpaquePointer,
        path: String,
        creating: Bool,
        readOnly: Bool
    ) throws(StoreError) -> [String: Table] {
        // Open every table once, in a committed transaction of its own, as mdb_dbi_open must not race.
        // Reads open existing tables without taking the writer's lock; only missing ones need a write.
        var missing = false
        var tables: [String: Table] = [:]
        for pass in 0..<2 {
            if pass == 1 && !missing { break }
            // A store whose log is whole but that lacks tables added by a later release gets them, empty: they
            // derive from event types that the release that wrote the store could not record.
            let hasLog = EventLog.firstTableNames.allSatisfy { tables[$0] != nil }
            if pass == 1 && hasLog && readOnly {
                throw StoreError.lackingTables(path: path)
            }
            guard pass == 0 || creating || hasLog else {
                throw StoreError(.damaged, operation: "open the store", path: path, reason: "its tables are missing")
            }
            var transaction: OpaquePointer?
            try perform(
                "open the store",
                path,
                mdb_txn_begin(environment, nil, pass == 0 ? UInt32(MDB_RDONLY) : 0, &transaction)
            )
            guard let transaction else { continue }
            for name in names where tables[name] == nil {
                let layout = layouts[name] ?? .plain
                var handle: MDB_dbi = 0
                let flags = pass == 0 ? 0 : UInt32(MDB_CREATE) | layout.databaseFlags
                var code = mdb_dbi_open(transaction, name, flags, &handle)
                if code == MDB_NOTFOUND {
                    missing = true
                    continue
                }
                var stored: UInt32 = 0
                if code == MDB_SUCCESS { code = mdb_dbi_flags(transaction, handle, &stored) }
                if code != MDB_SUCCESS {
                    mdb_txn_abort(transaction)
                    try perform("open table \(name) of the store", path, code)
                }
                let duplicates = UInt32(MDB_DUPSORT | MDB_DUPFIXED)
                guard stored & duplicates == layout.databaseFlags else {
                    mdb_txn_abort(transaction)
                    throw StoreError(
                        .damaged,
                        operation: "open the store",
                        path: path,
                        reason: "its table \(name) is not laid out as \(layout)"
                    )
                }
                tables[name] = Table(name: name, handle: handle, layout: layout)
            }
            try perform("open the store", path, mdb_txn_commit(transaction))
        }
        return tables
    }

    private static func makeDirectory(_ path: String) throws(StoreError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw StoreError(code: errno, operation: "create the store", path: path)
            }
            prefix += "/"
        }
    }

    private static func perform(_ operation: String, _ path: String, _ code: Int32) throws(StoreError) {
        guard code != MDB_SUCCESS else { return }
        throw StoreError(code: code, operation: operation, path: path)
    }
}
