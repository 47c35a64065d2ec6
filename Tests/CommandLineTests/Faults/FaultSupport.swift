import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What one `sckb` process did: its result, and whether a signal ended it.
struct FaultRun {
    let result: RunResult
    let signalled: Bool

    /// `sckb ARGS: exit N` or `… killed by signal N`, with the first stderr line, for messages.
    func summary(_ arguments: [String]) -> String {
        let end = signalled ? "killed by signal \(result.status)" : "exit \(result.status)"
        return "sckb \(arguments.joined(separator: " ")): \(end) \(result.errorLines.first ?? "")"
    }
}

/// The environment that arms the fault-injection switch with `rules` (see EventStore's FaultInjection).
func faultEnvironment(_ rules: [String]) -> [String: String] {
    ["SCKB_FAULT": rules.joined(separator: ";"), "SCKB_FAULT_GUARD": "sckb-fault-tests-may-kill-this-process"]
}

/// Runs `sckb arguments` as a real process and waits for it, telling a signal apart from an exit status.
func runFault(
    _ arguments: [String],
    folder: String,
    name: String = "run",
    environment: [String: String] = [:]
) throws -> FaultRun {
    let process = try BackgroundSCKB(arguments, folder: folder, name: name, environment: environment)
    let (result, signalled) = try process.wait()
    return FaultRun(result: result, signalled: signalled)
}

/// Waits until the file at `path` exists (a barrier another process opens), at most `seconds`.
func waitForFile(_ path: String, seconds: Double = 30) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if FileManager.default.fileExists(atPath: path) { return true }
        Thread.sleep(forTimeInterval: 0.002)
    }
    return FileManager.default.fileExists(atPath: path)
}

/// Creates an empty file at `path`.
func touch(_ path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
}
