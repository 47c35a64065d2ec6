import EventStore
import Glibc

extension KnowledgeBase {
    /// Opens the store at `path` for writing, creating it when missing, and runs `body` with it.
    ///
    /// A store is created only to hold what `body` writes: when the store was missing and the open or `body` fails
    /// before anything is in its log, what this call created is removed again (the data and lock files, then every
    /// folder it made, where empty), so that refused input leaves no store behind. A store that existed is left as
    /// `body` left it.
    /// ```swift
    /// let outcome = try KnowledgeBase.writing(toStoreAt: "kb") { base in try base.append(event) }
    /// ```
    public static func writing<Result>(
        toStoreAt path: String,
        options: Options = Options(),
        _ body: (KnowledgeBase) throws -> Result
    ) throws -> Result {
        guard access(path + "/data.mdb", F_OK) != 0 else {
            return try body(KnowledgeBase(path: path, creating: true, options: options))
        }
        let madeFolders = missingFolders(in: path)
        let base: KnowledgeBase
        do {
            base = try KnowledgeBase(path: path, creating: true, options: options)
        } catch {
            // Another process may have created the store meanwhile: leave its files, take only empty folders.
            removeEmptyFolders(madeFolders)
            throw error
        }
        do {
            return try body(base)
        } catch {
            if (try? base.head()) == nil {
                unlink(path + "/data.mdb")
                unlink(path + "/lock.mdb")
                removeEmptyFolders(madeFolders)
            }
            throw error
        }
    }

    /// The folders on `path` (itself included) that do not exist yet, outermost first.
    private static func missingFolders(in path: String) -> [String] {
        var folders: [String] = []
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if access(prefix, F_OK) != 0 { folders.append(prefix) }
            prefix += "/"
        }
        return folders
    }

    /// Removes `folders`, innermost first, each only when it is empty (`rmdir`).
    private static func removeEmptyFolders(_ folders: [String]) {
        for folder in folders.reversed() { rmdir(folder) }
    }
}
