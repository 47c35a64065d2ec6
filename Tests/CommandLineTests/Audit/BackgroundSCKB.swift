import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// An `sckb` process started but not yet waited for, so that several can run at once or one can be killed.
///
/// Standard output and error go to files in `folder` (which the caller owns and deletes), never to pipes.
final class BackgroundSCKB {
    private let process = Process()
    private let outputPath: String
    private let errorPath: String
    private let outputHandle: FileHandle
    private let errorHandle: FileHandle

    /// Starts `sckb arguments` with `environment` added to this process's; its output files are named after `name`
    /// inside `folder`.
    init(_ arguments: [String], folder: String, name: String, environment added: [String: String] = [:]) throws {
        outputPath = folder + "/\(name).stdout"
        errorPath = folder + "/\(name).stderr"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
            FileManager.default.createFile(atPath: errorPath, contents: nil)
        else { throw HarnessError(description: "cannot create output files for \(name) in \(folder)") }
        outputHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        errorHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        var environment = ProcessInfo.processInfo.environment
        environment["SCKB_STORE"] = nil
        environment["SCKB_INITIAL_MAP_SIZE"] = nil
        environment.merge(added) { _, given in given }
        process.executableURL = URL(fileURLWithPath: try sckbBinaryPath())
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        try process.run()
    }

    /// Whether the process has not exited yet.
    var isRunning: Bool { process.isRunning }

    /// Sends `signal`, SIGKILL unless told.
    func kill(_ signal: Int32 = SIGKILL) {
        _ = Glibc.kill(process.processIdentifier, signal)
    }

    /// Waits for the process and returns what it produced. `status` is the signal number when a signal ended it.
    func wait() throws -> (result: RunResult, killed: Bool) {
        process.waitUntilExit()
        try? outputHandle.close()
        try? errorHandle.close()
        let outputBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: outputPath)))
        let errorBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: errorPath)))
        let result = RunResult(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputBytes, as: UTF8.self),
            standardError: String(decoding: errorBytes, as: UTF8.self),
            outputBytes: outputBytes
        )
        return (result, process.terminationReason == .uncaughtSignal)
    }
}

/// The JSON object a read command printed, requiring exit 0.
func auditJSON(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    let result = try runSCKB(arguments + ["--format", "json"])
    try #require(
        result.status == 0,
        "sckb \(arguments.joined(separator: " ")) failed: \(result.standardError)",
        sourceLocation: sourceLocation
    )
    return try jsonObject(result.standardOutput)
}

/// The number of events `sckb stats` counts in `store`.
func auditEventCount(store: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
    let stats = try auditJSON(["stats", "--store", store], sourceLocation: sourceLocation)
    return try #require(stats["events"] as? Int, sourceLocation: sourceLocation)
}
