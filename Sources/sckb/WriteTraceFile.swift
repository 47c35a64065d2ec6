import EventStore
import Glibc

/// Writes every operation of the store's write transactions to a file, for the B-tree floor of `make bench`
/// (`bench/baseline.c floor`), when `$SCKB_TRACE_WRITES` names one. A benchmark switch, not a user's.
///
/// The format, little-endian: the 8 bytes `SCKBTRC2`, then one record per operation, each a tag byte and its fields.
/// `T` id:u16 length:u16 name flags:u32 (a table and its `mdb_dbi_open` flags, before its first use), `B` (begin), `E` (commit), `A` (abort), `G` id:u16
/// length:u16 key (get), `P` id:u16 flags:u32 length:u16 key size:u32 (put of a value of `size` bytes), `U` id:u16 flags:u32 length:u16
/// key length:u16 duplicate (put of a duplicate of a grouped table), `D` id:u16
/// length:u16 key (delete), `S` id:u16 hasStart:u8 [length:u16 start] reverse:u8 steps:u32 (a cursor placed at
/// `start`, or at the first or last entry, then moved `steps` times), `N` id:u16 (count), `X` id:u16 (empty the
/// table).
final class WriteTraceFile {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var tableIDs: [String: UInt16] = [:]

    /// Starts tracing into the file named by `$SCKB_TRACE_WRITES`, if set; a file that cannot be created is an error
    /// of the command that asked for it.
    static func install(path: String?) throws {
        guard let path, !path.isEmpty else { return }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw CommandFailure(status: .storeUnavailable, description: "cannot create the write trace \(path): \(reason)")
        }
        let trace = WriteTraceFile(descriptor: descriptor)
        Environment.traceWrites { operation in trace.record(operation) }
    }

    private init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 20)
        buffer.append(contentsOf: Array("SCKBTRC2".utf8))
    }

    private func record(_ operation: TracedOperation) {
        switch operation {
        case .begin: buffer.append(UInt8(ascii: "B"))
        case .commit:
            buffer.append(UInt8(ascii: "E"))
            flush()
        case .abort:
            buffer.append(UInt8(ascii: "A"))
            flush()
        case .get(let table, let key):
            tagged("G", table)
            bytes(key)
        case .put(let table, let key, let valueCount, let flags):
            tagged("P", table)
            integer(flags, size: 4)
            bytes(key)
            integer(UInt32(valueCount), size: 4)
        case .putDuplicate(let table, let group, let duplicate, let flags):
            tagged("U", table)
            integer(flags, size: 4)
            bytes(group)
            bytes(duplicate)
        case .remove(let table, let key):
            tagged("D", table)
            bytes(key)
        case .scan(let table, let start, let reverse, let steps):
            tagged("S", table)
            buffer.append(start == nil ? 0 : 1)
            if let start { bytes(start) }
            buffer.append(reverse ? 1 : 0)
            integer(UInt32(steps), size: 4)
        case .count(let table): tagged("N", table)
        case .removeAll(let table): tagged("X", table)
        }
        if buffer.count >= 1 << 20 { flush() }
    }

    /// The tag, after the table's declaration the first time the table is met.
    private func tagged(_ tag: Unicode.Scalar, _ table: Table) {
        let id: UInt16
        if let known = tableIDs[table.name] {
            id = known
        } else {
            id = UInt16(tableIDs.count)
            tableIDs[table.name] = id
            buffer.append(UInt8(ascii: "T"))
            integer(id, size: 2)
            bytes(Array(table.name.utf8))
            integer(table.layout.databaseFlags, size: 4)
        }
        buffer.append(UInt8(ascii: tag))
        integer(id, size: 2)
    }

    private func bytes(_ bytes: [UInt8]) {
        integer(UInt16(bytes.count), size: 2)
        buffer.append(contentsOf: bytes)
    }

    private func integer<Value: FixedWidthInteger>(_ value: Value, size: Int) {
        for index in 0..<size { buffer.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    private func flush() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { break }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
