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
        let files = try ImportSources.files(for: paths)
        let total = try store.write { base in try importAll(files, into: base) }
        switch output.format {
        case .json:
            JSONOutput.print(total)
        default:
            Terminal.standardOutput.writeLine(
                "\(total.appended) appended, \(total.skipped) skipped (\(files.count) file\(files.count == 1 ? "" : "s"))"
            )
        }
    }

    private func importAll(_ files: [String], into base: KnowledgeBase) throws -> KnowledgeBase.ImportCounts {
        var total = KnowledgeBase.ImportCounts()
        let progress = Progress(isEnabled: Terminal.standardError.isTerminal)
        for (index, file) in files.enumerated() {
            var path = file
            if file == "-" { path = try ImportSources.spoolStandardInput() }
            defer { if file == "-" { unlink(path) } }
            let size = fileSize(path)
            do {
                let counts = try base.importFile(at: path, named: file) { bytes in
                    progress.report("importing \(file): \(megabytes(bytes)) of \(megabytes(size)) MB")
                }
                total.appended += counts.appended
                total.skipped += counts.skipped
                progress.clear()
            } catch {
                progress.clear()
                guard index > 0, let input = error as? InputError else { throw error }
                throw InputError(
                    input.message + " (nothing of this file was imported; \(index) earlier file(s) were)",
                    at: input.location
                )
            }
        }
        return total
    }

    private func fileSize(_ path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
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
