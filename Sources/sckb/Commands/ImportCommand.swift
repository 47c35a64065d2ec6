import ArgumentParser
import Foundation
import Projections

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import JSON Lines files, folders of them, or standard input.",
        discussion: """
            A folder imports its *.jsonl files in name order; - reads standard input.
            Each file is one transaction: all its new events or none. Events whose id
            is already stored with the same content are skipped, so re-import is a
            no-op. An error names file:line and stops; earlier files stay imported.

            Examples:
              sckb import events/
              sckb export --store old | sckb import - --store new
            """
    )

    @Argument(help: ArgumentHelp("Files, folders or - for standard input.", valueName: "path"))
    var paths: [String]

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: FormatOptions

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one file, folder or -") }
    }

    func run() throws {
        let sources = paths.map { $0 == "-" ? ImportSource.standardInput : .path($0) }
        let progress = Progress(isEnabled: Terminal.standardError.isTerminal)
        let total = try store.write { base in
            try base.importFiles(sources) { step in
                switch step {
                case .reading(let file, let bytesRead, let size):
                    progress.report("importing \(file): \(megabytes(bytesRead)) of \(megabytes(size)) MB")
                case .finished:
                    progress.clear()
                }
            }
        }
        switch output.format {
        case .json:
            JSONOutput.print(total)
        default:
            let files = "\(total.files) file\(total.files == 1 ? "" : "s")"
            Terminal.standardOutput.writeLine("\(total.appended) appended, \(total.skipped) skipped (\(files))")
        }
    }

    private func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f", Double(bytes) / 1_000_000)
    }
}

/// A progress line on standard error, redrawn in place, only when it is a terminal.
final class Progress {
    private let isEnabled: Bool
    private var isShown = false

    init(isEnabled: Bool) {
        self.isEnabled = isEnabled
    }

    func report(_ text: String) {
        guard isEnabled else { return }
        Terminal.standardError.write("\r\u{1B}[K" + text)
        isShown = true
    }

    func clear() {
        guard isShown else { return }
        Terminal.standardError.write("\r\u{1B}[K")
        isShown = false
    }
}
