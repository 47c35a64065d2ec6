import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What one run of the `sckb` binary produced.
struct RunResult {
    /// The exit status (the signal number when the process was killed by one).
    let status: Int32
    /// Standard output, decoded as UTF-8.
    let standardOutput: String
    /// Standard error, decoded as UTF-8.
    let standardError: String
    /// Standard output, byte for byte.
    var outputBytes: [UInt8]

    /// The non-empty lines of standard error.
    var errorLines: [Substring] {
        standardError.split(separator: "\n", omittingEmptySubsequences: true)
    }

    /// The lines of standard output (JSON Lines: one event a line).
    var outputLines: [Substring] {
        standardOutput.split(separator: "\n", omittingEmptySubsequences: true)
    }
}

/// A failure of the test harness itself, not of `sckb`.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
}

/// The `sckb` binary under test: the one this test run built.
///
/// `$SCKB_RELEASE_BINARY` when set (`make test` points it at the release build it made in the same run); else `sckb`
/// in the folder of the test bundle (`CommandLine.arguments[0]`), where `swift test` builds it because this target
/// depends on it. No other binary is looked for, so a stale build elsewhere can never stand in for this one.
func sckbBinaryPath() throws -> String {
    let fileManager = FileManager.default
    if let release = ProcessInfo.processInfo.environment["SCKB_RELEASE_BINARY"], !release.isEmpty {
        guard fileManager.isExecutableFile(atPath: release) else {
            throw HarnessError(description: "SCKB_RELEASE_BINARY=\(release) is not an executable file")
        }
        return release
    }
    let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    let beside = bundle.deletingLastPathComponent().appendingPathComponent("sckb").path
    guard fileManager.isExecutableFile(atPath: beside) else {
        throw HarnessError(
            description: "no sckb binary at \(beside), beside the test bundle, and SCKB_RELEASE_BINARY is not set:"
                + " run the tests with `swift test`, which builds sckb, or set SCKB_RELEASE_BINARY to a built sckb"
        )
    }
    return beside
}

/// Runs `sckb` with `arguments` as a real process and waits for it.
///
/// Standard output and error go to temporary files, not pipes, so that large outputs cannot deadlock. `input`
/// becomes standard input (else /dev/null). The child inherits this process's environment without `SCKB_STORE`
/// and `SCKB_INITIAL_MAP_SIZE`, plus `environment`.
func runSCKB(_ arguments: [String], input: [UInt8]? = nil, environment: [String: String] = [:]) throws -> RunResult {
    var childEnvironment = ProcessInfo.processInfo.environment
    childEnvironment["SCKB_STORE"] = nil
    childEnvironment["SCKB_INITIAL_MAP_SIZE"] = nil
    childEnvironment.merge(environment) { _, given in given }
    return try runProgram(try sckbBinaryPath(), arguments, input: input, environment: childEnvironment)
}

/// Runs `program` with `arguments` as a real process and waits for it, at most `timeout` seconds (then SIGKILL).
///
/// Standard output and error go to temporary files, not pipes, so that large outputs cannot deadlock. `input`
/// becomes standard input (else /dev/null); `environment`, when given, replaces the inherited one.
func runProgram(
    _ program: String,
    _ arguments: [String],
    input: [UInt8]? = nil,
    environment: [String: String]? = nil,
    timeout: TimeInterval? = nil
) throws -> RunResult {
    try withTemporaryDirectory { folder in
        let fileManager = FileManager.default
        let outputPath = folder + "/stdout"
        let errorPath = folder + "/stderr"
        let inputPath = folder + "/stdin"
        guard fileManager.createFile(atPath: outputPath, contents: nil),
            fileManager.createFile(atPath: errorPath, contents: nil),
            fileManager.createFile(atPath: inputPath, contents: Data(input ?? []))
        else { throw HarnessError(description: "cannot create the files for the child's output in \(folder)") }
        let outputHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let errorHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        let inputHandle = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
        defer {
            try? outputHandle.close()
            try? errorHandle.close()
            try? inputHandle.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = input == nil ? FileHandle.nullDevice : inputHandle
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        try process.run()
        if let timeout {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            if process.isRunning { _ = kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()

        let outputBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: outputPath)))
        let errorBytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: errorPath)))
        return RunResult(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputBytes, as: UTF8.self),
            standardError: String(decoding: errorBytes, as: UTF8.self),
            outputBytes: outputBytes
        )
    }
}

/// Runs `body` with a fresh temporary folder, and deletes the folder and everything in it afterwards.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent(
        "sckb-tests-\(UUID().uuidString)",
        isDirectory: true
    )
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: base) }
    return try body(base.path)
}

/// Writes `lines` to `path` as JSON Lines: each followed by a newline, UTF-8.
func writeJSONLines(_ lines: [String], to path: String) throws {
    let text = lines.map { $0 + "\n" }.joined()
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// Parses one JSON object (a line of an export, or a command's JSON output).
func jsonObject(_ text: some StringProtocol) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(String(text).utf8), options: [.fragmentsAllowed])
    guard let object = value as? [String: Any] else {
        throw HarnessError(description: "not a JSON object: \(text)")
    }
    return object
}

/// The exit status and stdout of `sckb export --store STORE`, requiring success.
func exportBytes(store: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
    let result = try runSCKB(["export", "--store", store])
    #expect(result.status == 0, "export failed: \(result.standardError)", sourceLocation: sourceLocation)
    return result.outputBytes
}

/// Writes `sckb generate --events events --seed seed` to `path`: a valid synthetic log, the same for the same seed.
func writeGeneratedLog(events: Int, seed: Int, to path: String) throws {
    let generated = try runSCKB(["generate", "--events", String(events), "--seed", String(seed)])
    try #require(generated.status == 0, "\(generated.standardError)")
    try Data(generated.outputBytes).write(to: URL(fileURLWithPath: path))
}

/// Every offset at which `pattern` starts in `bytes`, overlapping matches included. Searched with Foundation's
/// `Data.range(of:in:)`, compiled optimized, so that a store file of many megabytes is scanned in milliseconds
/// however the test bundle was compiled.
func offsets(of pattern: [UInt8], in bytes: [UInt8]) -> [Int] {
    guard !pattern.isEmpty, bytes.count >= pattern.count else { return [] }
    let haystack = Data(bytes)
    let needle = Data(pattern)
    var found: [Int] = []
    var start = 0
    while start + pattern.count <= haystack.count, let hit = haystack.range(of: needle, in: start..<haystack.count) {
        found.append(hit.lowerBound)
        start = hit.lowerBound + 1
    }
    return found
}

/// Waits until the file at `path` exists, while `process` runs, at most `seconds`; returns whether it exists.
@discardableResult
func waitForFile(_ path: String, madeBy process: Process, seconds: Double) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while !FileManager.default.fileExists(atPath: path) && process.isRunning && Date() < deadline {
        usleep(10_000)
    }
    return FileManager.default.fileExists(atPath: path)
}
