import ArgumentParser
import Projections

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count events by type; show the head position and hash and the store's size.",
        discussion: """
            The head hash seals the whole history: note it, and check it later with
            verify --expect N:HASH.

            Examples:
              sckb stats
              sckb stats --until 2026-01-31 --format json
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: FormatOptions
    @OptionGroup var time: TimeOptions

    func run() throws {
        let statistics = try store.open(creating: false).statistics(until: time.transaction.cut, asOf: time.validTime)
        switch output.format {
        case .json:
            JSONOutput.print(statistics)
        default:
            var table = TextTable("TYPE", "EVENTS")
            for (type, count) in statistics.byType.sorted(by: { $0.key < $1.key }) {
                table.append([type.rawValue, String(count)])
            }
            table.append(["total", String(statistics.events)])
            table.print()
            let out = Terminal.standardOutput
            if let head = statistics.head {
                out.writeLine("head: position \(head.position), hash \(head.hash.hex)")
                out.writeLine("recorded: \(head.recorded.rfc3339)")
            } else {
                out.writeLine("head: the log is empty")
            }
            out.writeLine("tree: size \(statistics.tree.size), root \(statistics.tree.root.hex)")
            out.writeLine("store: \(statistics.storeBytes) bytes")
            if let mirror = statistics.mirror {
                out.writeLine(
                    "mirror: of \(SafeText.escaped(mirror.source)), last sync \(mirror.lastSync?.rfc3339 ?? "never")"
                )
            }
            out.flush()
        }
    }
}
