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

    /// What kind of failure this is.
    public let kind: Kind
    /// What was being done, as a verb phrase (`open the store`).
    public let operation: String
    /// The store's path.
    public let path: String
    /// Why it failed, in words.
    public let reason: String

    /// Describes a failure of `operation` on the store at `path`.
    public init(_ kind: Kind, operation: String, path: String, reason: String) {
        self.kind = kind
        self.operation = operation
        self.path = path
        self.reason = reason
    }

    /// One line: `cannot open the store at ./.sckb: No such file or directory`.
    public var description: String {
        "cannot \(operation) at \(path): \(reason)"
    }
}
