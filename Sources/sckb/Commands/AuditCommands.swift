import ArgumentParser
import Foundation
import Projections

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the hash chain, the indexes and every read model; or an export on its own.",
        discussion: """
            Without FILE, recomputes the chain from the stored bytes and compares the
            indexes and every read model with ones rebuilt from the log. With FILE,
            checks an export's own chain (no store needed). --expect checks that
            position N still carries the hash an auditor noted. Exit 3 on any problem.

            Examples:
              sckb verify
              sckb verify --expect 371:bafd5039b2ab1294642332503fd4dac937bb21fb09da3ff9f8679e75c5c48ba0
              sckb verify kb.jsonl --format json
            """
    )

    @Argument(help: ArgumentHelp("An export to check on its own (default: the store).", valueName: "file"))
    var file: String?

    @Option(help: ArgumentHelp("Position N must carry this hash (repeatable).", valueName: "N:hash"))
    var expect: [String] = []

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: FormatOptions

    func validate() throws {
        for text in expect where ExpectedHash(parsing: text) == nil {
            throw ValidationError("--expect '\(text)' is not N:HASH (a position and 64 hex digits)")
        }
    }

    func run() throws {
        let expected = expect.compactMap(ExpectedHash.init(parsing:))
        let report: VerificationReport
        if let file {
            report = try ExportVerifier.verify(path: file, expecting: expected)
        } else {
            let progress = Progress(isEnabled: Terminal.standardError.isTerminal)
            report = try store.open(creating: false).verify(expecting: expected) { position in
                progress.report("verifying: position \(position)")
            }
            progress.clear()
        }
        if output.format == .json {
            JSONOutput.print(report)
        } else {
            let out = Terminal.standardOutput
            out.writeLine(
                report.isOK ? "ok: \(report.events) events verified" : "FAILED: \(report.problems.count) problem(s)"
            )
            if let head = report.head { out.writeLine("head: \(head.hex)") }
            for problem in report.problems {
                out.writeLine("position \(problem.position): \(SafeText.escaped(problem.problem))")
            }
        }
        guard report.isOK else {
            let first = report.problems[0]
            throw CommandFailure(
                status: .storeUnavailable,
                description: "verification failed at position \(first.position): \(first.problem)"
            )
        }
    }
}

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild every read model and index from the log; print events per second.",
        discussion: """
            The rebuild is one write transaction: readers see the old models until it
            commits. The store verifies afterwards.

            Example:
              sckb replay --store /tmp/kb
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let base = try store.open(creating: false)
        let progress = Progress(isEnabled: Terminal.standardError.isTerminal)
        let start = DispatchTime.now()
        let count = try base.replay { position in progress.report("replaying: position \(position)") }
        progress.clear()
        let summary = ReplaySummary(
            events: count,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        )
        if output.format == .json {
            JSONOutput.print(summary)
        } else {
            Terminal.standardOutput.writeLine(
                "replayed \(count) events in \(String(format: "%.2f", summary.seconds)) s: \(summary.eventsPerSecond)"
                    + " events/s"
            )
        }
    }
}
