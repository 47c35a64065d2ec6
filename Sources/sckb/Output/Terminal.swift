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

/// Prints JSON values compactly, in canonical key order.
enum JSONOutput {
    static func print(_ value: JSONValue) {
        var bytes = CanonicalJSON.displayBytes(of: value)
        bytes.append(UInt8(ascii: "\n"))
        Terminal.standardOutput.write(bytes: bytes)
        Terminal.standardOutput.flush()
    }
}

/// Aligned text columns for terminals; user text is escaped, long cells are cut to fit 100 columns.
struct TextTable {
    var headers: [String]
    var rows: [[String]] = []
    var maximumWidth = 100

    init(_ headers: String...) {
        self.headers = headers
    }

    init(columns: [String]) {
        self.headers = columns
    }

    mutating func append(_ row: [String]) {
        rows.append(row.map(SafeText.escaped))
    }

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        let separators = 2 * (widths.count - 1)
        while widths.reduce(0, +) + separators > maximumWidth,
            let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
            widths[widest] > 12
        {
            widths[widest] -= 1
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (index, width) in widths.enumerated() {
                var cell = index < cells.count ? cells[index] : ""
                if cell.count > width { cell = String(cell.prefix(width - 1)) + "…" }
                text +=
                    index == widths.count - 1 ? cell : cell.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

    func print() {
        Terminal.standardOutput.write(render())
        Terminal.standardOutput.flush()
    }
}
