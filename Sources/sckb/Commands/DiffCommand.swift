import ArgumentParser
import Projections

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare the log with another store, export file or publish folder.",
        discussion: """
            Says whether the logs are identical, one a prefix of the other (and by
            how many events), or where they diverge (the first position and both
            hashes). Exit 0 when identical or a prefix, 3 when they diverge, 1 when
            OTHER cannot be read.

            Examples:
              sckb diff ../mirror/.sckb
              sckb diff kb.jsonl --format json
              sckb diff site/          (a folder holding events.jsonl)
            """
    )

    @Argument(help: ArgumentHelp("A store's folder, an export file or a publish folder.", valueName: "other"))
    var other: String

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let otherLog = try OtherLog.at(other)
        let comparison = try store.open(creating: false).compare(with: otherLog)
        if output.format == .json {
            JSONOutput.print(comparison)
        } else {
            Terminal.standardOutput.writeLine(describe(comparison))
            Terminal.standardOutput.flush()
        }
        if comparison.relation == .diverged, let position = comparison.position, let hash = comparison.hash,
            let otherHash = comparison.otherHash
        {
            throw CommandFailure(
                status: .storeUnavailable,
                description: "the logs diverge at position \(position): \(hash.hex) here, \(otherHash.hex) in"
                    + " \(SafeText.escaped(other))"
            )
        }
    }

    private func describe(_ comparison: LogComparison) -> String {
        let name = SafeText.escaped(other)
        switch comparison.relation {
        case .identical:
            return "identical: both logs hold \(comparison.events) events"
        case .prefix where comparison.events < comparison.otherEvents:
            return "prefix: this store's \(comparison.events) events are the first of \(name)'s"
                + " \(comparison.otherEvents) (\(comparison.otherEvents - comparison.events) more there)"
        case .prefix:
            return "prefix: \(name)'s \(comparison.otherEvents) events are the first of this store's"
                + " \(comparison.events) (\(comparison.events - comparison.otherEvents) more here)"
        case .diverged:
            return "diverged at position \(comparison.position.map { String(describing: $0) } ?? "?"):"
                + " hash \(comparison.hash?.hex ?? "?") here, \(comparison.otherHash?.hex ?? "?") in \(name)"
                + " (\(comparison.events) events here, \(comparison.otherEvents) there)"
        }
    }
}
