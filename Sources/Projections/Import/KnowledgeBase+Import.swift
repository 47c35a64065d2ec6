import EventStore
import Glibc

/// Where events to import come from.
public enum ImportSource: Sendable, Equatable {
    /// A JSON Lines file, or a folder whose `*.jsonl` files are imported in name order.
    case path(String)
    /// Standard input, copied to a private temporary file first, so that an import can be re-run.
    case standardInput

    /// The source as messages name it: its path, or `-` for standard input.
    public var name: String {
        switch self {
        case .path(let path): path
        case .standardInput: "-"
        }
    }
}

/// How far an import of several files has come, for a progress line.
public enum ImportProgress: Sendable, Equatable {
    /// `bytesRead` of the `size` bytes of the file `file` (as messages name it) are read.
    case reading(file: String, bytesRead: Int, size: Int)
    /// The file `file` is done: imported, or refused.
    case finished(file: String)
}

extension KnowledgeBase {
    /// Counts of one import.
    public struct ImportCounts: Sendable, Equatable {
        /// Events appended.
        public var appended = 0
        /// Events skipped because their id was already stored with the same content.
        public var skipped = 0
        /// JSON Lines files imported (standard input counts as one).
        public var files = 0

        /// No events yet.
        public init() {}
    }

    /// Imports files, folders and standard input, in the order given, one transaction per file.
    ///
    /// A folder contributes its `*.jsonl` files in name order; standard input is copied to a temporary file first
    /// (removed afterwards). Each file's new events are imported all or none; the first error stops the import, and
    /// the files before it stay imported. Errors name `file:line`; the error of a file after the first says how many
    /// earlier files were imported. `progress` hears how far each file has come.
    public func importFiles(
        _ sources: [ImportSource],
        progress: (ImportProgress) -> Void = { _ in }
    ) throws -> ImportCounts {
        try refuseLocalWrite("import")
        var total = ImportCounts()
        for (index, source) in try ImportSources.files(for: sources).enumerated() {
            let name = source.name
            let path: String
            switch source {
            case .path(let file): path = file
            case .standardInput: path = try ImportSources.spoolStandardInput()
            }
            defer { if source == .standardInput { unlink(path) } }
            let size = KnowledgeBase.fileSize(at: path)
            do {
                let counts = try importFile(at: path, named: name) { bytes in
                    progress(.reading(file: name, bytesRead: bytes, size: size))
                }
                total.appended += counts.appended
                total.skipped += counts.skipped
                total.files += 1
                progress(.finished(file: name))
            } catch {
                progress(.finished(file: name))
                guard index > 0, let input = error as? InputError else { throw error }
                throw InputError(
                    input.message + " (nothing of this file was imported; \(index) earlier file(s) were)",
                    at: input.location
                )
            }
        }
        return total
    }

    /// Imports one JSON Lines file in one transaction: all its new events or none.
    ///
    /// Errors name `name:line`. `progress` is called now and then with the bytes read so far; it may be called
    /// again from the start if the transaction is retried after growing the map.
    public func importFile(
        at path: String,
        named name: String,
        progress: (Int) -> Void = { _ in }
    ) throws -> ImportCounts {
        try refuseLocalWrite("import")
        // The log, its indexes and the read models take about eight times the JSON Lines bytes.
        try environment.reserve(KnowledgeBase.fileSize(at: path) * 8)
        return try write { transaction in
            // Lines are read and decoded on a second thread, a few batches ahead of the rules and the fold here.
            let lines = try DecodedLines(path: path, named: name)
            defer { lines.finish() }
            var counts = ImportCounts()
            counts.files = 1
            var nextReport = 1 << 20
            while let line = lines.next() {
                let event = try line.event.get()
                do {
                    switch try append(event, frame: line.frame, in: transaction) {
                    case .appended: counts.appended += 1
                    case .skipped: counts.skipped += 1
                    }
                } catch let error as InputError {
                    throw error.located(at: "\(name):\(line.line)")
                } catch let error as RuleViolation {
                    throw error.located(at: "\(name):\(line.line)")
                }
                if line.bytesRead >= nextReport {
                    progress(line.bytesRead)
                    nextReport = line.bytesRead + (1 << 20)
                }
            }
            lines.finish()
            progress(lines.bytesRead)
            return counts
        }
    }

    /// The size of the file at `path` in bytes, or 0 when it cannot be asked.
    private static func fileSize(at path: String) -> Int {
        var status = stat()
        return stat(path, &status) == 0 ? Int(status.st_size) : 0
    }
}
