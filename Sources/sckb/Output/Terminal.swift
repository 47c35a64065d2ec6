import Foundation
import Projections
import Synchronization

/// Writes bytes to a standard stream, buffered; the only place the tool prints.
final class Terminal: Sendable {
    private let descriptor: Int32
    private let buffer = Mutex<[UInt8]>([])

    static let standardOutput = Terminal(descriptor: 1)
    static let standardError = Terminal(descriptor: 2)

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Whether the stream is a terminal.
    var isTerminal: Bool { isatty(descriptor) == 1 }

    func write(_ text: String) {
        write(bytes: Array(text.utf8))
    }

    func write(bytes: some Collection<UInt8>) {
        let isFull = buffer.withLock { buffer in
            buffer.append(contentsOf: bytes)
            return buffer.count >= 1 << 16
        }
        if isFull || descriptor == 2 { flush() }
    }

    func writeLine(_ text: String) {
        write(text + "\n")
    }

    func flush() {
        buffer.withLock { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = buffer.withUnsafeBytes { bytes in
                    Foundation.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                }
                if written <= 0 { break }
                offset += written
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }

    deinit { flush() }
}

/// Prints a table view as `--format csv` gives it.
enum CSVOutput {
    static func print(_ view: some CSVView) {
        Terminal.standardOutput.write(bytes: view.csv)
        Terminal.standardOutput.flush()
    }
}

/// Prints a view's JSON as `--format json` gives it: compact, keys in canonical order, one line.
enum JSONOutput {
    static func print(_ view: some JSONView) {
        Terminal.standardOutput.write(bytes: view.jsonLine)
        Terminal.standardOutput.flush()
    }
}

/// Aligned text columns for terminals, at most ``maximumWidth`` columns wide where the columns allow; user text is
/// escaped.
///
/// Each column has a kind: `.id` (ids, actors, positions, times) is never cut; `.text` (free text) wraps onto
/// continuation lines within its column; `.cut` (the default of `TextTable("A", "B")`) is cut with `…`. When ids and
/// the narrowest text still do not fit, the column the caller marked first to drop goes first:
///
/// ```swift
/// var table = TextTable(columns: [.id("POS"), .id("ACTOR"), .text("DATA"), .text("SOURCE", dropOrder: 1)])
/// ```
struct TextTable {
    /// How a column fits its cells into the width.
    enum Kind {
        /// Never cut, never wrapped.
        case id
        /// Wrapped onto continuation lines.
        case text
        /// Cut with `…`.
        case cut
    }

    /// One column: its header, its kind, and when it may be dropped (nil: never; 1 goes before 2).
    struct Column {
        var header: String
        var kind: Kind
        var dropOrder: Int?

        /// An id column: never cut.
        static func id(_ header: String, dropOrder: Int? = nil) -> Column {
            Column(header: header, kind: .id, dropOrder: dropOrder)
        }

        /// A free-text column: wrapped.
        static func text(_ header: String, dropOrder: Int? = nil) -> Column {
            Column(header: header, kind: .text, dropOrder: dropOrder)
        }

        /// A column cut with `…` when too wide.
        static func cut(_ header: String, dropOrder: Int? = nil) -> Column {
            Column(header: header, kind: .cut, dropOrder: dropOrder)
        }
    }

    var columns: [Column]
    var rows: [[String]] = []
    var maximumWidth = 100
    /// The narrowest a cut column gets.
    var minimumCutWidth = 12
    /// The narrowest a wrapped column gets before a column is dropped.
    var minimumTextWidth = 10

    /// The headers, in order.
    var headers: [String] { columns.map(\.header) }

    init(_ headers: String...) {
        self.columns = headers.map { Column.cut($0) }
    }

    init(columns: [String]) {
        self.columns = columns.map { Column.cut($0) }
    }

    init(columns: [Column]) {
        self.columns = columns
    }

    /// A table of `rows` under `headers` whose column kinds follow the cells: a column with a space in some cell is
    /// free text (wrapped), any other holds ids, numbers or dates (never cut).
    init(headers: [String], rows: [[String]]) {
        self.columns = headers.indices.map { index in
            rows.contains { index < $0.count && $0[index].contains(" ") }
                ? Column.text(headers[index]) : Column.id(headers[index])
        }
        for row in rows { append(row) }
    }

    mutating func append(_ row: [String]) {
        rows.append(row.map(SafeText.escaped))
    }

    /// The columns shown and their widths, after shrinking flexible columns and dropping what still does not fit.
    private func layout() -> [(index: Int, width: Int)] {
        var shown = Array(columns.indices)
        while true {
            var widths = shown.map { index in
                rows.reduce(columns[index].header.count) { max($0, index < $1.count ? $1[index].count : 0) }
            }
            let floor = shown.enumerated().map { position, index in
                switch columns[index].kind {
                case .id: widths[position]
                case .cut: min(widths[position], max(minimumCutWidth, columns[index].header.count))
                case .text: min(widths[position], max(minimumTextWidth, columns[index].header.count))
                }
            }
            let separators = 2 * (shown.count - 1)
            while widths.reduce(0, +) + separators > maximumWidth,
                let widest = widths.indices.filter({ widths[$0] > floor[$0] }).max(by: { widths[$0] < widths[$1] })
            {
                widths[widest] -= 1
            }
            let droppable = shown.indices.filter { columns[shown[$0]].dropOrder != nil }
            if widths.reduce(0, +) + separators <= maximumWidth || droppable.isEmpty {
                return zip(shown, widths).map { (index: $0, width: $1) }
            }
            let first = droppable.min { (columns[shown[$0]].dropOrder ?? 0) < (columns[shown[$1]].dropOrder ?? 0) }
            if let first { shown.remove(at: first) }
        }
    }

    /// The lines a cell takes in a column of `width`.
    private func cellLines(_ cell: String, kind: Kind, width: Int) -> [String] {
        guard cell.count > width else { return [cell] }
        switch kind {
        case .id:
            return [cell]
        case .cut:
            return [String(cell.prefix(width - 1)) + "…"]
        case .text:
            return TextTable.wrap(cell, width: width)
        }
    }

    /// Breaks `text` into lines of at most `width` characters, only at spaces (dropped) or, where no space fits, after
    /// a hyphen (kept), so that no word, name or e-mail address is split inside; a word longer than `width` stands
    /// whole on its line.
    static func wrap(_ text: String, width: Int) -> [String] {
        // Characters in an array, so that each line costs its own length, not the length of the rest.
        let characters = Array(text)
        var lines: [String] = []
        var start = 0
        while characters.count - start > width {
            let headEnd = start + width + 1
            var breakAt: (end: Int, next: Int)?
            if let space = characters[start..<headEnd].lastIndex(of: " "), space > start {
                breakAt = (space, space + 1)
            }
            if breakAt == nil, let hyphen = characters[start..<(headEnd - 1)].lastIndex(of: "-"), hyphen > start {
                breakAt = (hyphen + 1, hyphen + 1)
            }
            if breakAt == nil {
                // No break within the width: the first word goes whole onto its own line.
                guard let space = characters[start...].firstIndex(of: " ") else { break }
                breakAt = (space, space + 1)
            }
            guard let (end, next) = breakAt else { break }
            lines.append(String(characters[start..<end]))
            start = next
        }
        lines.append(String(characters[start...]))
        return lines
    }

    func render() -> String {
        let shown = layout()
        func lines(_ cells: [String]) -> [String] {
            let columnLines = shown.map { column in
                cellLines(
                    column.index < cells.count ? cells[column.index] : "",
                    kind: columns[column.index].kind,
                    width: column.width
                )
            }
            let height = columnLines.map(\.count).max() ?? 1
            return (0..<height).map { lineIndex in
                var text = ""
                for (position, column) in shown.enumerated() {
                    let cell = lineIndex < columnLines[position].count ? columnLines[position][lineIndex] : ""
                    text +=
                        position == shown.count - 1
                        ? cell
                        : cell + String(repeating: " ", count: max(0, column.width - cell.count) + 2)
                }
                while text.hasSuffix(" ") { text.removeLast() }
                return text
            }
        }
        return ([lines(headers)] + rows.map(lines)).joined().joined(separator: "\n") + "\n"
    }

    func print() {
        Terminal.standardOutput.write(render())
        Terminal.standardOutput.flush()
    }
}
