import CLMDB
import Glibc
import Testing

@testable import EventStore

/// System and LMDB errors become one line that names the store and the cause in words a user can act on.
@Suite struct StoreErrorTests {
    @Test(
        "each system error names the path and what to do",
        arguments: [
            (ENOSPC, "no space left on the device holding /srv/kb: free space or move the store"),
            (EDQUOT, "the disk quota is exhausted on the device holding /srv/kb"),
            (EACCES, "permission denied for the store at /srv/kb"),
            (EROFS, "the store at /srv/kb is on a read-only file system"),
            (ENOENT, "the store folder /srv/kb vanished"),
        ]
    )
    func systemErrors(code: Int32, expected: String) {
        let error = StoreError(code: code, operation: "write to the store", path: "/srv/kb")
        #expect(error.description.hasPrefix(expected), "\(error.description)")
        #expect(!error.description.contains("\n"))
    }

    @Test("LMDB's corruption codes are damage, named with the path and the advice to restore")
    func corruption() {
        for code in [MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_INVALID] {
            let error = StoreError(code: code, operation: "read the store", path: "/srv/kb")
            #expect(error.kind == .damaged)
            #expect(error.description.hasPrefix("the store at /srv/kb is damaged (LMDB: "), "\(error.description)")
            #expect(error.description.hasSuffix("); restore it from an export"))
        }
    }

    @Test("EIO on a device with room is an input/output error; the free-space probe finds a device for any path")
    func inputOutput() throws {
        let free = try #require(StoreError.freeBytes(onDeviceHolding: "/tmp/no/such/folder/below"))
        try #require(free >= StoreError.nearlyFull, "the test machine's /tmp is nearly full")
        let error = StoreError(code: EIO, operation: "commit", path: "/tmp/no/such/folder/below")
        #expect(error.description.hasPrefix("input/output error on the device holding /tmp/no/such/folder/below"))
    }

    @Test("fault-injection rules parse; malformed ones are ignored")
    func faultRules() {
        let rules = FaultInjection.parse("put-3=kill;begin=wait:/tmp/a b;commit=touch:/tmp/c;bogus;put-0=kill;x=kill")
        #expect(
            rules == [
                .init(point: .put(3), action: .kill), .init(point: .begin, action: .wait("/tmp/a b")),
                .init(point: .commit, action: .touch("/tmp/c")),
            ]
        )
    }
}
