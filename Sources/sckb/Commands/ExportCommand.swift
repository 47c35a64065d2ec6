import ArgumentParser
import Projections

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the log as JSON Lines, each event with its position, recorded time and hash.",
        discussion: """
            Each line is the event's canonical (RFC 8785) JSON; the lines round-trip
            through import, and verify FILE re-checks their hash chain.

            Examples:
              sckb export > kb.jsonl
              sckb export --until 1200 > kb-until-1200.jsonl
            """
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var cut: CutOptions

    func run() throws {
        let base = try store.open(creating: false)
        let newline = UInt8(ascii: "\n")
        try base.export(until: cut.cut) { line in
            Terminal.standardOutput.write(bytes: CanonicalJSON.escapingForDisplay(line))
            Terminal.standardOutput.write(bytes: CollectionOfOne(newline))
        }
        Terminal.standardOutput.flush()
    }
}
