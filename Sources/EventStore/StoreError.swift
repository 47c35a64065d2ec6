import CLMDB
import Glibc

/// A failure to open, read or write a store, with the path and the operation that failed.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; the command line maps each to an exit code.
    public enum Kind: Sendable, Equatable {
        /// There is no store at the path.
        case missing
        /// The store exists but cannot be used (permissions, a foreign file, an LMDB failure).
        case unavailable
        /// The store's content breaks an invariant the log guarantees.
        case damaged
    }

    /// A condition the program may explain in its own words, with what to run to clear it.
    public enum Condition: Sendable, Equatable {
        /// An earlier release wrote the store, and it lacks tables of this release, which the first open for
        /// writing adds; a read-only open cannot.
        case lacksTables
    }

    /// What kind of failure this is.
    public let kind: Kind
    /// The condition behind the failure, when it is one a program may explain in its own words.
    public let condition: Condition?
    /// What was being done, as a verb phrase (`open the store`).
    public let operation: String
    /// The store's path.
    public let path: String
    /// Why it failed, in words.
    public let reason: String
    /// The whole message when it says more than `cannot OPERATION at PATH: REASON` (a cause and what to do).
    private let sentence: String?

    /// Describes a failure of `operation` on the store at `path`.
    public init(_ kind: Kind, operation: String, path: String, reason: String) {
        self.init(kind, operation: operation, path: path, reason: reason, sentence: nil)
    }

    private init(
        _ kind: Kind,
        operation: String,
        path: String,
        reason: String,
        sentence: String?,
        condition: Condition? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.path = path
        self.reason = reason
        self.sentence = sentence
        self.condition = condition
    }

    /// The failure of `operation` on the store at `path` that LMDB or the system reported as `code` (an LMDB code
    /// or an errno), in words a user can act on: `no space left on the device holding PATH: free space or move the
    /// store`.
    ///
    /// LMDB reports a short write (the usual way a full disk shows itself) as `EIO`, losing the real cause: its
    /// `mdb_page_flush` sets `EIO` when `pwrite` writes fewer bytes than asked, as a short write sets no errno. So an
    /// `EIO` on a device with almost no free space is reported as a full disk.
    public init(code: Int32, operation: String, path: String) {
        let reason = LMDBError(code: code).description
        func make(_ kind: Kind, _ sentence: String) -> StoreError {
            StoreError(kind, operation: operation, path: path, reason: reason, sentence: sentence)
        }
        var code = code
        if code == EIO, let free = StoreError.freeBytes(onDeviceHolding: path), free < StoreError.nearlyFull {
            code = ENOSPC
        }
        switch code {
        case ENOSPC:
            self = make(
                .unavailable,
                "no space left on the device holding \(path): free space or move the store (the store is unchanged)"
            )
        case EDQUOT:
            self = make(
                .unavailable,
                "the disk quota is exhausted on the device holding \(path): free space or raise the quota "
                    + "(the store is unchanged)"
            )
        case EACCES, EPERM:
            self = make(
                .unavailable,
                "permission denied for the store at \(path) (cannot \(operation)): give this user read and write "
                    + "access to the folder and its files, or use another store"
            )
        case EROFS:
            self = make(
                .unavailable,
                "the store at \(path) is on a read-only file system (cannot \(operation)): remount it read-write "
                    + "or copy the store elsewhere"
            )
        case ENOENT:
            self = make(
                .missing,
                "the store folder \(path) vanished while this program was using it (cannot \(operation)): nothing was "
                    + "written; restore the folder or use another store"
            )
        case EIO:
            self = make(
                .unavailable,
                "input/output error on the device holding \(path) (cannot \(operation)): check the disk, then run "
                    + "verify"
            )
        case ENOMEM:
            self = make(.unavailable, "out of memory (cannot \(operation) at \(path)): close other programs and retry")
        case MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_INVALID, MDB_VERSION_MISMATCH, MDB_KEYEXIST:
            self = make(.damaged, StoreError.damageSentence(path: path, cause: "LMDB: \(reason)"))
        default:
            self = StoreError(.unavailable, operation: operation, path: path, reason: reason)
        }
    }

    /// The store at `path` is damaged, for `cause`.
    public static func damaged(path: String, cause: String) -> StoreError {
        StoreError(
            .damaged,
            operation: "read the store",
            path: path,
            reason: cause,
            sentence: damageSentence(path: path, cause: cause)
        )
    }

    /// The store at `path` cannot be opened read-only: an earlier release wrote it and it lacks this release's
    /// tables (``Condition/lacksTables``).
    public static func lackingTables(path: String) -> StoreError {
        let reason = "an earlier release wrote it and it lacks this release's tables"
        return StoreError(
            .unavailable,
            operation: "open the store read-only",
            path: path,
            reason: reason,
            sentence: "cannot open the store read-only at \(path): \(reason); open it once for writing first, which"
                + " adds them",
            condition: .lacksTables
        )
    }

    static func damageSentence(path: String, cause: String) -> String {
        "the store at \(path) is damaged (\(cause)); restore it from an export"
    }

    /// Below this many free bytes a device counts as full.
    static let nearlyFull: UInt64 = 1 << 20

    /// The bytes an unprivileged user may still write on the device holding `path` (or its nearest existing
    /// parent folder), or nil when the device cannot be asked.
    static func freeBytes(onDeviceHolding path: String) -> UInt64? {
        var folder = path.isEmpty ? "." : path
        while true {
            var status = statvfs()
            if statvfs(folder, &status) == 0 { return UInt64(status.f_bavail) * UInt64(status.f_frsize) }
            guard let slash = folder.lastIndex(of: "/") else {
                return folder == "." ? nil : freeBytes(onDeviceHolding: ".")
            }
            let parent = slash == folder.startIndex ? "/" : String(folder[..<slash])
            guard parent != folder else { return nil }
            folder = parent
        }
    }

    /// One line: `cannot open the store at ./.sckb: No such file or directory`, or the sentence that says the cause
    /// and what to do.
    public var description: String {
        sentence ?? "cannot \(operation) at \(path): \(reason)"
    }
}
