import EventStore
import Foundation
import Projections
import Synchronization
import Testing

/// Mutates valid event lines into the kinds of bad input an import meets.
struct LineMutator {
    var random: SeededGenerator

    /// The share of lines, in percent, that get a breaking mutation; the others get one the decoder must accept.
    static let breakingPercent = 15

    /// One mutated line (bytes, without its newline) made from `line`, an event the store already holds.
    ///
    /// A breaking mutation (flipped bytes, a dropped, duplicated or mistyped field, a huge string, invalid UTF-8,
    /// deep nesting) makes a line that a correct import mostly refuses, which stops its file. A keeping mutation
    /// (whitespace, CR LF, `\u` escapes, a dropped `at`, export fields with odd values) keeps the content, so the
    /// line is decoded and skipped, and the file goes on.
    mutating func mutate(_ line: String) -> [UInt8] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return flipBytes(Array(line.utf8))
        }
        guard Int.random(in: 0..<100, using: &random) < LineMutator.breakingPercent else {
            var text = line
            for _ in 0..<Int.random(in: 1...3, using: &random) { text = keepContent(text) }
            return Array(text.utf8)
        }
        switch Int.random(in: 0..<9, using: &random) {
        case 0, 1: return flipBytes(Array(line.utf8))
        case 2: return serialize(dropField(object))
        case 3: return duplicateField(object)
        case 4: return serialize(wrongType(object))
        case 5: return serialize(hugeString(object))
        case 6: return invalidUTF8(Array(line.utf8))
        case 7: return deepNesting(object)
        default: return serialize(dropField(wrongType(object)))
        }
    }

    /// A change of spelling that keeps the event's content.
    mutating func keepContent(_ line: String) -> String {
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            let spaces = [" ", "\t", "  \t "].randomElement(using: &random) ?? " "
            return spaces + line.replacingOccurrences(of: "\"data\":{", with: "\"data\"" + spaces + ":" + spaces + "{")
                + spaces
        case 1:
            return line + "\r"
        case 2:
            // The type's first letter as a \u escape.
            guard let range = line.range(of: "\"type\":\""), range.upperBound < line.endIndex,
                let letter = line[range.upperBound].unicodeScalars.first
            else { return line }
            let hex = String(letter.value, radix: 16)
            let escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            return line.replacingCharacters(
                in: range.upperBound..<line.index(after: range.upperBound),
                with: Bool.random(using: &random)
                    ? escape : escape.uppercased().replacingOccurrences(of: "\\U", with: "\\u")
            )
        case 3:
            guard let start = line.range(of: "\"at\":\""),
                let end = line[start.upperBound...].range(of: "\",")
            else { return line }
            return line.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "")
        default:
            // An export field, which import accepts and ignores whatever its value.
            let keys = ["position", "recorded", "hash"].filter { !line.contains("\"\($0)\":") }
            guard let key = keys.randomElement(using: &random), line.hasPrefix("{") else { return line }
            let values = [
                "7", "\"2026-01-01T00:00:00Z\"", "null", "[1,[2,[3]]]",
                "\"" + repeated("f", Int.random(in: 64...200_000, using: &random)) + "\"",
                repeated("[", 63) + repeated("]", 63),
                "{\"nested\":{\"deeper\":true}}", "\"\\u00e9\\ud83d\\ude00\"",
            ]
            let value = values.randomElement(using: &random) ?? "0"
            return "{\"\(key)\":\(value)," + line.dropFirst()
        }
    }

    mutating func flipBytes(_ bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1: bytes[index] = UInt8.random(in: 0...255, using: &random)
            default: bytes.remove(at: index)
            }
        }
        return bytes.filter { $0 != 0x0a }
    }

    mutating func dropField(_ object: [String: Any]) -> [String: Any] {
        var object = object
        if var data = object["data"] as? [String: Any], !data.isEmpty, Bool.random(using: &random) {
            data.removeValue(forKey: data.keys.sorted().randomElement(using: &random) ?? "")
            object["data"] = data
        } else if let key = object.keys.sorted().randomElement(using: &random) {
            object.removeValue(forKey: key)
        }
        return object
    }

    mutating func duplicateField(_ object: [String: Any]) -> [UInt8] {
        let text = String(decoding: serialize(object), as: UTF8.self)
        let data = object["data"] as? [String: Any] ?? [:]
        let inData = !data.isEmpty && Bool.random(using: &random)
        let source = inData ? data : object
        guard let key = source.keys.sorted().randomElement(using: &random), let value = source[key] else {
            return Array(text.utf8)
        }
        let member = "\(quoted(key)):\(String(decoding: serialize(value), as: UTF8.self)),"
        let anchor = inData ? "\"data\":{" : "{"
        guard let range = text.range(of: anchor) else { return Array(text.utf8) }
        return Array(text.replacingCharacters(in: range, with: anchor + member).utf8)
    }

    mutating func wrongType(_ object: [String: Any]) -> [String: Any] {
        let replacements: [Any] = [42, 1.5, true, NSNull(), ["a"], ["k": "v"], "", -7, 12.345, "text"]
        var object = object
        let replacement = replacements.randomElement(using: &random) ?? 0
        if var data = object["data"] as? [String: Any], !data.isEmpty, Bool.random(using: &random) {
            if let key = data.keys.sorted().randomElement(using: &random) { data[key] = replacement }
            object["data"] = data
        } else if let key = object.keys.sorted().randomElement(using: &random) {
            object[key] = replacement
        }
        return object
    }

    mutating func hugeString(_ object: [String: Any]) -> [String: Any] {
        let lengths = [300, 2_001, 10_000, 100_000, 600_000, 1_200_000]
        let weights = [30, 20, 20, 20, 6, 4]
        var pick = Int.random(in: 0..<weights.reduce(0, +), using: &random)
        var length = lengths[0]
        for (candidate, weight) in zip(lengths, weights) {
            if pick < weight {
                length = candidate
                break
            }
            pick -= weight
        }
        let huge = repeated(Bool.random(using: &random) ? "a" : "é ", length / 2)
        var object = object
        if var data = object["data"] as? [String: Any], let key = data.keys.sorted().randomElement(using: &random),
            Bool.random(using: &random)
        {
            data[key] = huge
            object["data"] = data
        } else {
            object[["id", "source", "actor", "type", "at"].randomElement(using: &random) ?? "id"] = huge
        }
        return object
    }

    mutating func invalidUTF8(_ bytes: [UInt8]) -> [UInt8] {
        let sequences: [[UInt8]] = [
            [0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80],
        ]
        guard let quote = bytes.indices.filter({ bytes[$0] == UInt8(ascii: "\"") }).randomElement(using: &random)
        else { return bytes }
        var bytes = bytes
        bytes.insert(contentsOf: sequences.randomElement(using: &random) ?? [0xff], at: quote + 1)
        return bytes
    }

    mutating func deepNesting(_ object: [String: Any]) -> [UInt8] {
        let depth = [10, 62, 63, 64, 65, 200, 5_000, 100_000].randomElement(using: &random) ?? 65
        let open = Bool.random(using: &random) ? "[" : "{\"k\":"
        let close = open == "[" ? "]" : "}"
        let nested = repeated(open, depth) + "1" + repeated(close, depth)
        var text = String(decoding: serialize(object), as: UTF8.self)
        if let range = text.range(of: "\"data\":{") {
            text.replaceSubrange(range, with: "\"data\":{\"nested\":\(nested),")
        } else {
            text = nested
        }
        return Array(text.utf8)
    }

    /// `unit` `count` times over: `String(repeating:count:)`'s text, made by doubling, since appending a unit at a
    /// time costs seconds in a debug build at these lengths.
    func repeated(_ unit: String, _ count: Int) -> String {
        let total = unit.utf8.count * count
        var bytes = Array(unit.utf8)
        bytes.reserveCapacity(total)
        while bytes.count < total { bytes += bytes.prefix(total - bytes.count) }
        return String(decoding: bytes.prefix(total), as: UTF8.self)
    }

    func serialize(_ value: Any) -> [UInt8] {
        guard JSONSerialization.isValidJSONObject([value]),
            let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed])
        else { return Array("{}".utf8) }
        return [UInt8](data)
    }

    func quoted(_ key: String) -> String {
        String(decoding: serialize(key), as: UTF8.self)
    }
}

/// Imports 10,000 mutated event lines: every one through the import the CLI runs (`KnowledgeBase.importFile`, in
/// this process), which refuses a file only with an error that names one of its lines, and a share of them through
/// the real binary, which only ever exits 0 or 1, in time, with one line on stderr. The stores still verify.
@Suite("mutated import")
struct MutatedImportTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let lineCount = 10_000
    /// The lines that also go through the binary. A refused line ends its file, so a process decodes six or seven
    /// lines on average: these take about 250 processes, where all 10,000 lines took about 1,800.
    static let processLineCount = 1_500
    static let workers = 2
    static let timeLimit: TimeInterval = 30
    /// Lines per file: a file is imported whole or refused at its first bad line.
    static let fileLines = 200

    /// What one worker saw.
    struct Tally {
        var decoded = 0
        var processes = 0
        var accepted = 0
        var failures: [String] = []
    }

    /// The mutated lines (made once for both tests), and the generated log that seeds each store first: its
    /// retractions name absolute positions.
    static let cases = Result { () throws -> (seed: [UInt8], lines: [[UInt8]]) in
        var sources: [String] = []
        let events = repository + "/events"
        for name in try FileManager.default.contentsOfDirectory(atPath: events).sorted() where name.hasSuffix(".jsonl")
        {
            let text = try String(contentsOfFile: events + "/" + name, encoding: .utf8)
            sources += text.split(separator: "\n").map(String.init)
        }
        var generated: [UInt8] = []
        SyntheticLog(count: 1_000, seed: 11).write { line in generated += line + [0x0a] }
        sources += String(decoding: generated, as: UTF8.self).split(separator: "\n").map(String.init)

        var mutator = LineMutator(random: SeededGenerator(seed: 20_260_501))
        let lines = (0..<lineCount).map { _ in
            mutator.mutate(sources.randomElement(using: &mutator.random) ?? "{}")
        }
        return (generated, lines)
    }

    @Test("10,000 mutated lines through the import: each file imported whole or refused at a line it names")
    func mutatedLinesThroughTheImport() throws {
        let (seed, lines) = try Self.cases.get()
        try withTemporaryDirectory { folder in
            let base = try KnowledgeBase(path: folder + "/kb", creating: true)
            try Data(seed).write(to: URL(fileURLWithPath: folder + "/seed.jsonl"))
            _ = try base.importFile(at: folder + "/seed.jsonl", named: "seed.jsonl")
            let file = folder + "/batch.jsonl"
            var next = 0
            var decoded = 0
            var accepted = 0
            var files = 0
            var failures: [String] = []
            while next < lines.count {
                let batch = lines[next..<min(next + Self.fileLines, lines.count)]
                try Data(batch.flatMap { $0 + [0x0a] }).write(to: URL(fileURLWithPath: file))
                files += 1
                // Any error but a located refusal of one line ends the test: only these two are input errors.
                let location: String?
                do {
                    _ = try base.importFile(at: file, named: "batch.jsonl")
                    location = nil
                } catch let error as InputError {
                    location = error.location ?? "(none)"
                } catch let error as RuleViolation {
                    location = error.location ?? "(none)"
                }
                guard let location else {
                    decoded += batch.count
                    accepted += batch.count
                    next += batch.count
                    continue
                }
                guard location.hasPrefix("batch.jsonl:"), let line = Int(location.dropFirst("batch.jsonl:".count)),
                    (1...batch.count).contains(line)
                else {
                    failures.append("a refusal located at \(location), not at a line of a \(batch.count)-line file")
                    decoded += batch.count
                    next += batch.count
                    continue
                }
                decoded += line
                next += line
            }
            #expect(failures.isEmpty, "\(failures.count) bad refusals, first: \(failures.prefix(5))")
            #expect(decoded == Self.lineCount, "only \(decoded) of \(Self.lineCount) lines were decoded")
            #expect(accepted > 0, "no mutated line was ever accepted")
            #expect(files > Self.lineCount / Self.fileLines, "no file was ever refused")
            let report = try base.verify()
            #expect(report.isOK, "verify after the mutated imports: \(report.problems.prefix(3))")
        }
    }

    @Test("1,500 of them through the binary: exit 0 or 1 only, never a signal or a hang, and verify passes afterwards")
    func mutatedLinesNeverCrash() throws {
        let binary = try sckbBinaryPath()
        let (seed, all) = try Self.cases.get()
        let lines = Array(all.prefix(Self.processLineCount))

        try withTemporaryDirectory { folder in
            let generatedFile = folder + "/generated.jsonl"
            try Data(seed).write(to: URL(fileURLWithPath: generatedFile))
            let tallies = Mutex([Tally](repeating: Tally(), count: Self.workers))
            let setupFailures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: Self.workers) { worker in
                do {
                    let store = folder + "/kb\(worker)"
                    let seeded = try runSCKB(["import", generatedFile, "--store", store])
                    guard seeded.status == 0 else {
                        setupFailures.withLock { $0.append("seeding: \(seeded.standardError)") }
                        return
                    }
                    let share = stride(from: worker, to: lines.count, by: Self.workers).map { lines[$0] }
                    let tally = try Self.importLines(
                        share,
                        binary: binary,
                        store: store,
                        folder: folder + "/w\(worker)"
                    )
                    tallies.withLock { $0[worker] = tally }
                } catch {
                    setupFailures.withLock { $0.append("worker \(worker): \(error)") }
                }
            }
            #expect(setupFailures.withLock { $0 }.isEmpty, "\(setupFailures.withLock { $0 })")
            let tallied = tallies.withLock { $0 }
            let decoded = tallied.map(\.decoded).reduce(0, +)
            let failures = tallied.flatMap(\.failures)
            #expect(failures.isEmpty, "\(failures.count) bad runs, first: \(failures.prefix(5))")
            #expect(decoded == lines.count, "only \(decoded) of \(lines.count) lines were decoded")
            #expect(tallied.map(\.accepted).reduce(0, +) > 0, "no mutated line was ever accepted")
            #expect(tallied.map(\.processes).reduce(0, +) > lines.count / Self.fileLines, "no file was ever refused")
            for worker in 0..<Self.workers {
                let verify = try runSCKB(["verify", "--store", folder + "/kb\(worker)"])
                #expect(verify.status == 0, "verify after the mutated imports: \(verify.standardOutput)")
            }
        }
    }

    /// Imports `lines` in files of up to ``fileLines`` lines; a file refused at line N goes on from line N + 1 in a
    /// new file, so that every line is decoded once.
    static func importLines(_ lines: [[UInt8]], binary: String, store: String, folder: String) throws -> Tally {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var tally = Tally()
        var next = 0
        while next < lines.count {
            let batch = Array(lines[next..<min(next + fileLines, lines.count)])
            let file = folder + "/batch.jsonl"
            var bytes: [UInt8] = []
            for line in batch { bytes += line + [0x0a] }
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            let run = try runWithTimeLimit(binary, ["import", file, "--store", store], folder: folder)
            tally.processes += 1
            switch run.outcome {
            case .exited(0):
                tally.decoded += batch.count
                tally.accepted += batch.count
                next += batch.count
            case .exited(1):
                guard let failed = failedLine(in: run.standardError, file: file), failed <= batch.count else {
                    tally.failures.append("exit 1 without file:line: \(run.standardError.prefix(300))")
                    tally.decoded += batch.count
                    next += batch.count
                    continue
                }
                let lines = run.standardError.split(separator: "\n", omittingEmptySubsequences: true)
                if lines.count != 1 { tally.failures.append("\(lines.count) lines on stderr: \(lines.prefix(3))") }
                tally.decoded += failed
                next += failed
            case .exited(let status):
                tally.failures.append("exit \(status): \(run.standardError.prefix(300))")
                next += batch.count
            case .signalled(let signal):
                tally.failures.append(
                    "killed by signal \(signal) on \(String(decoding: bytes.prefix(300), as: UTF8.self))"
                )
                next += batch.count
            case .timedOut:
                tally.failures.append("no exit within \(timeLimit) s")
                next += batch.count
            }
        }
        return tally
    }

    /// The line number in `file:N:` at the start of the error.
    static func failedLine(in error: String, file: String) -> Int? {
        let prefix = "sckb: " + file + ":"
        guard error.hasPrefix(prefix) else { return nil }
        return Int(error.dropFirst(prefix.count).prefix { $0.isNumber })
    }

    enum Outcome: Equatable {
        case exited(Int32)
        case signalled(Int32)
        case timedOut
    }

    /// Runs `binary` with stdout discarded and stderr in a file, killing it past ``timeLimit``.
    static func runWithTimeLimit(
        _ binary: String,
        _ arguments: [String],
        folder: String
    ) throws -> (outcome: Outcome, standardError: String) {
        let errorPath = folder + "/stderr"
        guard FileManager.default.createFile(atPath: errorPath, contents: nil) else {
            throw HarnessError(description: "cannot create \(errorPath)")
        }
        let errorHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        defer { try? errorHandle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SCKB_STORE"] = nil
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorHandle
        try process.run()
        let timedOut = Mutex(false)
        let watchdog = DispatchWorkItem {
            if process.isRunning {
                timedOut.withLock { $0 = true }
                kill(process.processIdentifier, SIGKILL)
            }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        let error = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: errorPath))) ?? Data(), as: UTF8.self)
        if timedOut.withLock({ $0 }) { return (.timedOut, error) }
        switch process.terminationReason {
        case .uncaughtSignal: return (.signalled(process.terminationStatus), error)
        default: return (.exited(process.terminationStatus), error)
        }
    }
}
