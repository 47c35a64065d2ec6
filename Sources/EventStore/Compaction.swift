import Glibc

/// An advisory lock on a folder (`flock`), held until released: exclusive for one writer, shared for readers.
///
/// Independent of LMDB's own locks; it lets a group of processes agree that only one of them at a time may replace
/// an environment's files (see ``Environment/rewriteCompacted(path:tables:layouts:omittingEntriesOf:)``). The kernel releases
/// it when the process dies, even by `kill -9`.
public final class FolderLock {
    private let descriptor: Int32

    /// Waits for the lock on the folder at `path` and takes it.
    public init(path: String, exclusive: Bool) throws(StoreError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreError(
                .unavailable,
                operation: "lock the folder",
                path: path,
                reason: String(cString: strerror(errno))
            )
        }
        var code: Int32
        repeat {
            code = flock(descriptor, exclusive ? LOCK_EX : LOCK_SH)
        } while code != 0 && errno == EINTR
        guard code == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw StoreError(.unavailable, operation: "lock the folder", path: path, reason: reason)
        }
        self.descriptor = descriptor
    }

    /// Releases the lock.
    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

extension Environment {
    /// Replaces the data file of the environment at `path` with a fresh one that holds only its live entries.
    ///
    /// LMDB reuses freed pages but leaves old bytes in them, and a deleted entry's bytes may also stay in the unused
    /// middle of a live page. So the copy is logical, relying on nothing about how pages are copied: every entry of
    /// every table is written, in one transaction, into a new environment in the sibling folder `path.rewrite`,
    /// whose pages start zeroed and only ever hold live entries; its data file is flushed, renamed over
    /// `path/data.mdb` (atomic), and the folders are flushed. No byte of a removed entry survives in any file of
    /// `path`. The lock file is removed, so the next opener builds it afresh from the new data file.
    ///
    /// Entries of the tables in `omittingEntriesOf` are not copied (the tables stay, empty). The caller must hold
    /// no ``Environment`` of `path` in this process, and must keep every other process from opening one meanwhile
    /// (for example with a ``FolderLock``). A crash leaves either the old data file or the new one, whole; a
    /// leftover `path.rewrite` folder is removed by the next rewrite.
    public static func rewriteCompacted(
        path: String,
        tables: [String],
        layouts: [String: TableLayout] = [:],
        omittingEntriesOf omitted: Set<String> = []
    ) throws(StoreError) {
        let fresh = path + ".rewrite"
        removeEnvironmentFiles(at: fresh)
        do {
            let source = try Environment(path: path, tables: tables, layouts: layouts, creating: false)
            let target = try Environment(
                path: fresh,
                tables: tables,
                layouts: layouts,
                creating: true,
                initialMapSize: source.mapSize
            )
            try source.read { reading in
                try target.write { writing in
                    for name in EventLog.tableNames + tables where !omitted.contains(name) {
                        let from = source.table(named: name)
                        let to = target.table(named: name)
                        try reading.scan(from, from: nil, reverse: false) { key, value in
                            try writing.put(Array(value), forKey: Array(key), in: to)
                            return true
                        }
                    }
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, operation: "rewrite the store", path: path, reason: "\(error)")
        }
        // Both environments are closed here: their last references ended with the block above.
        try flush(fresh + "/data.mdb", path: path)
        guard rename(fresh + "/data.mdb", path + "/data.mdb") == 0 else {
            throw StoreError(
                .unavailable,
                operation: "replace the data file",
                path: path,
                reason: String(cString: strerror(errno))
            )
        }
        try flush(path, path: path)
        unlink(path + "/lock.mdb")
        removeEnvironmentFiles(at: fresh)
        try flush(path, path: path)
        if let slash = path.lastIndex(of: "/") {
            try flush(slash == path.startIndex ? "/" : String(path[..<slash]), path: path)
        } else {
            try flush(".", path: path)
        }
    }

    private static func removeEnvironmentFiles(at folder: String) {
        unlink(folder + "/data.mdb")
        unlink(folder + "/lock.mdb")
        rmdir(folder)
    }

    /// `fsync` of a file or a folder.
    private static func flush(_ file: String, path: String) throws(StoreError) {
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw StoreError(
                .unavailable,
                operation: "flush \(file)",
                path: path,
                reason: String(cString: strerror(errno))
            )
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw StoreError(
                .unavailable,
                operation: "flush \(file)",
                path: path,
                reason: String(cString: strerror(errno))
            )
        }
    }
}
