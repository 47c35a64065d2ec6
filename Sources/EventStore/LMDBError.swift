import CLMDB
import Glibc

/// A non-zero return code from an LMDB call.
public struct LMDBError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The raw LMDB or errno code.
    public let code: Int32

    /// Wraps a raw LMDB or errno code.
    public init(code: Int32) {
        self.code = code
    }

    /// The key is not in the database; APIs turn this into `nil`, not a thrown error.
    public static let notFound = LMDBError(code: MDB_NOTFOUND)
    /// The map is full; ``Environment/write(_:)`` grows it and retries.
    public static let mapFull = LMDBError(code: MDB_MAP_FULL)
    /// Another process grew the map; the next transaction adopts the new size.
    public static let mapResized = LMDBError(code: MDB_MAP_RESIZED)

    /// LMDB's own words for the code (`mdb_strerror`).
    public var description: String {
        String(cString: mdb_strerror(code))
    }
}

@inline(__always)
func check(_ code: Int32) throws(LMDBError) {
    guard code == MDB_SUCCESS else { throw LMDBError(code: code) }
}
