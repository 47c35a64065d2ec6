import ArgumentParser
import Projections

struct MirrorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Make the store an exact replica of an export or a publish folder.",
        discussion: """
            Events keep their positions, recorded times and hashes, so export of
            both is byte-identical. Each run checks that SOURCE holds the store's
            events with the same hashes, then appends only the later ones, every
            link checked, in transactions of at most 10,000 events. A fork, a gap
            or a broken link: exit 3. A mirror refuses append, import and contacts.

            Examples:
              sckb mirror kb.jsonl --store mirror/.sckb
              sckb mirror site/ --store mirror/.sckb     (a folder with events.jsonl)
            """
    )

    @Argument(help: ArgumentHelp("An export file, or a publish folder holding events.jsonl.", valueName: "source"))
    var source: String

    @OptionGroup var store: StoreOptions

    func run() throws {
        let file: String
        switch try OtherLog.at(source) {
        case .exportFile(let path): file = path
        case .store:
            throw InputError("a store is not a mirror source; export it, or publish it", at: source)
        }
        let outcome = try store.write { base in try base.mirror(exportAt: file, source: source) }
        let out = Terminal.standardOutput
        if outcome.sourceEvents < outcome.events {
            out.writeLine(
                "ok: \(SafeText.escaped(source)) holds the first \(outcome.sourceEvents) of the mirror's"
                    + " \(outcome.events) events; nothing to add"
            )
        } else {
            out.writeLine("ok: appended \(outcome.appended) events; the mirror holds \(outcome.events)")
        }
        out.flush()
    }
}
