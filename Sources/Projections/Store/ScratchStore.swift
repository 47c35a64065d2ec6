import EventStore
import Glibc

/// A temporary store for read models folded at a cut, in `$TMPDIR` (else /tmp).
///
/// Its files are unlinked as soon as the environment has them open, so they vanish with the process however it ends
/// (a `kill -9` leaves no folder behind); LMDB keeps working on the open descriptors.
final class ScratchStore {
    let environment: Environment
    private let path: String

    init(tables: [String] = ReadModels.tableNames, layouts: [String: TableLayout] = [:]) throws {
        let folder = ProcessEnvironment.temporaryFolder
        var template = Array("\(folder)/sckb-view-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard made != nil else {
            throw StoreError(
                .unavailable,
                operation: "create a scratch store",
                path: folder,
                reason: String(cString: strerror(errno))
            )
        }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            environment = try Environment(
                path: path,
                tables: tables,
                layouts: layouts,
                creating: true,
                initialMapSize: ProcessEnvironment.scratchMapSize,
                isDurable: false
            )
        } catch {
            ScratchStore.remove(path)
            throw error
        }
        ScratchStore.remove(path)
    }

    private static func remove(_ path: String) {
        unlink(path + "/data.mdb")
        unlink(path + "/lock.mdb")
        rmdir(path)
    }
}

/// What the process environment says about where temporary files go.
enum ProcessEnvironment {
    /// The initial map size of scratch stores: 1 GiB, or `$SCKB_SCRATCH_MAP_SIZE` bytes (at least 64 KiB), which
    /// the tests set small so that the map has to grow while a view or `verify` folds the log.
    static var scratchMapSize: Int {
        guard let value = getenv("SCKB_SCRATCH_MAP_SIZE"), let size = Int(String(cString: value)) else {
            return 1 << 30
        }
        return max(size, 1 << 16)
    }

    /// The events `verify` folds per scratch transaction: 32,768, or `$SCKB_VERIFY_BATCH` (at least 1), which the
    /// tests set small so that a small log takes several batches.
    static var verifyBatchSize: Int {
        guard let value = getenv("SCKB_VERIFY_BATCH"), let size = Int(String(cString: value)) else { return 1 << 15 }
        return max(size, 1)
    }

    /// `$TMPDIR` when set and not empty, else `/tmp`.
    static var temporaryFolder: String {
        guard let value = getenv("TMPDIR"), value.pointee != 0 else { return "/tmp" }
        let text = String(cString: value)
        return text.count > 1 && text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}
