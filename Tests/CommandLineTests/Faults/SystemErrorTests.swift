import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// System errors on a real small file system: a full disk, a read-only mount, a store folder that vanished. Each
/// gives one line naming the path and the cause, and leaves the store as it was.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct FaultSystemErrorTests {
    /// Mounts a tmpfs of `megabytes` at a fresh folder and runs `body` with it; nil (and a printed reason) when this
    /// machine does not allow the mount (not root, no CAP_SYS_ADMIN).
    private func withSmallFileSystem<T>(
        megabytes: Int,
        _ body: (_ mount: String, _ folder: String) throws -> T
    ) throws
        -> T?
    {
        try withTemporaryDirectory { folder in
            let mountPoint = folder + "/small"
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
            let mounted = run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", mountPoint])
            guard mounted == 0 else {
                print("skipped: cannot mount a \(megabytes) MiB tmpfs here (mount exit \(mounted)); needs root")
                return nil
            }
            defer { _ = run("/bin/umount", ["-l", mountPoint]) }
            return try body(mountPoint, folder)
        }
    }

    private func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Writes a generated log of `events` events to `path` and returns its lines.
    private func generated(_ events: Int, to path: String) throws -> [Substring] {
        let generated = try runSCKB(["generate", "--events", String(events), "--seed", "7"])
        try #require(generated.status == 0, "\(generated.standardError)")
        try Data(generated.outputBytes).write(to: URL(fileURLWithPath: path))
        return generated.outputLines
    }

    @Test("an import that fills a 3 MiB file system: one line naming the lack of space; the store unchanged, verifying")
    func diskFullDuringImport() throws {
        _ = try withSmallFileSystem(megabytes: 3) { mount, folder in
            let lines = try generated(20000, to: folder + "/big.jsonl")
            try writeJSONLines(lines.prefix(50).map(String.init), to: folder + "/small.jsonl")
            let store = mount + "/store"
            let first = try runSCKB(["import", folder + "/small.jsonl", "--store", store])
            try #require(first.status == 0, "\(first.standardError)")
            let before = try exportBytes(store: store)

            let full = try runFault(["import", folder + "/big.jsonl", "--store", store], folder: folder)
            #expect(!full.signalled, "\(full.summary(["import"]))")
            #expect([1, 3].contains(full.result.status), "\(full.summary(["import"]))")
            #expect(full.result.errorLines.count == 1, "\(full.result.standardError)")
            let message = full.result.standardError
            #expect(message.contains("no space left on the device holding \(store)"), "\(message)")
            #expect(message.contains("free space or move the store"), "\(message)")
            #expect(!message.contains("Input/output error"), "\(message)")
            #expect(full.result.standardOutput.isEmpty, "a full disk printed counts: \(full.result.standardOutput)")

            #expect(try exportBytes(store: store) == before, "the store changed")
            let verify = try runSCKB(["verify", "--store", store])
            #expect(verify.status == 0, "\(verify.standardOutput) \(verify.standardError)")
            #expect(try auditEventCount(store: store) == 50)
        }
    }

    @Test("a store on a file system remounted read-only: one line naming the path and the read-only file system")
    func readOnlyFileSystem() throws {
        _ = try withSmallFileSystem(megabytes: 8) { mount, folder in
            let lines = try generated(60, to: folder + "/log.jsonl")
            try writeJSONLines(lines.prefix(30).map(String.init), to: folder + "/first.jsonl")
            let store = mount + "/store"
            try #require(try runSCKB(["import", folder + "/first.jsonl", "--store", store]).status == 0)
            let before = try exportBytes(store: store)
            try #require(run("/bin/mount", ["-o", "remount,ro", mount]) == 0, "cannot remount read-only")
            let refused = try runFault(["import", folder + "/log.jsonl", "--store", store], folder: folder)
            #expect(!refused.signalled)
            #expect(refused.result.status == 3, "\(refused.summary(["import"]))")
            #expect(refused.result.errorLines.count == 1)
            #expect(
                refused.result.standardError.contains("the store at \(store) is on a read-only file system"),
                "\(refused.result.standardError)"
            )
            try #require(run("/bin/mount", ["-o", "remount,rw", mount]) == 0)
            #expect(try exportBytes(store: store) == before)
        }
    }

    @Test("a store folder removed while an import is inside its transaction: exit 3, one line saying it vanished")
    func vanishedFolder() throws {
        try withTemporaryDirectory { folder in
            let lines = try generated(200, to: folder + "/log.jsonl")
            #expect(lines.count == 200)
            let store = folder + "/store"
            try writeJSONLines([], to: folder + "/empty.jsonl")
            try #require(try runSCKB(["import", folder + "/empty.jsonl", "--store", store]).status == 0)
            let importer = try BackgroundSCKB(
                ["import", folder + "/log.jsonl", "--store", store],
                folder: folder,
                name: "import",
                environment: faultEnvironment(["put-1=touch:\(folder)/inside", "put-1=wait:\(folder)/go"])
            )
            try #require(waitForFile(folder + "/inside"), "the import never reached its first put")
            try FileManager.default.removeItem(atPath: store)
            touch(folder + "/go")
            let (result, signalled) = try importer.wait()
            #expect(!signalled)
            #expect(result.status == 3, "\(result.standardError)")
            #expect(result.errorLines.count == 1)
            #expect(result.standardError.contains("the store folder \(store) vanished"), "\(result.standardError)")
            #expect(result.standardOutput.isEmpty)
        }
    }
}
