import Foundation
import Testing

/// A view cut in time folds the log into a scratch store: in `$TMPDIR`, and gone from the file system at once.
@Suite("Scratch stores of cut views")
struct ScratchStoreTests {
    @Test("a cut view puts its scratch store in $TMPDIR and leaves nothing there")
    func scratchInTemporaryFolder() throws {
        try withDomainStore(seededWith: DomainEvent.triangulum) { store throws in
            let scratch = store.folder + "/tmp"
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            let cut = try runSCKB(
                ["graph", "--until", "6", "--format", "json", "--store", store.path],
                environment: ["TMPDIR": scratch]
            )
            #expect(cut.status == 0, "\(cut.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
            // A folder that cannot take a scratch store is named in the error, so $TMPDIR is really the one used.
            let missing = store.folder + "/no-such-folder"
            let refused = try runSCKB(
                ["graph", "--until", "6", "--store", store.path],
                environment: ["TMPDIR": missing]
            )
            #expect(refused.status != 0)
            #expect(refused.errorLines.count == 1)
            #expect(refused.standardError.contains(missing), "\(refused.standardError)")
        }
    }
}
