import ArgumentParser
import EventStore
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
              sckb mirror site/ --store mirror/.sckb --verifier kb.vkey
            """
    )

    @Argument(help: ArgumentHelp("An export file, or a publish folder holding events.jsonl.", valueName: "source"))
    var source: String

    @Option(
        help: ArgumentHelp(
            "The verifier key, or a file holding it: check the publish folder's checkpoint (default: none).",
            valueName: "key"
        )
    )
    var verifier: String?

    @OptionGroup var store: StoreOptions

    func run() throws {
        let file: String
        switch try OtherLog.at(source) {
        case .exportFile(let path): file = path
        case .store:
            throw InputError("a store is not a mirror source; export it, or publish it", at: source)
        }
        let checkpoint = try verifier.map { try verifiedCheckpoint(beside: file, verifier: KeyFiles.verifier($0)) }
        let outcome = try store.write { base in
            try base.mirror(exportAt: file, source: source, checkpoint: checkpoint)
        }
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

    /// The checkpoint in the publish folder of `file` (its `checkpoint` beside `events.jsonl`), verified by `key`.
    private func verifiedCheckpoint(beside file: String, verifier key: NoteVerifier) throws -> Checkpoint {
        guard file.hasSuffix("/events.jsonl") else {
            throw InputError(
                "--verifier needs a publish folder, whose checkpoint it checks; an export has none",
                at: source
            )
        }
        let path = String(file.dropLast("events.jsonl".count)) + "checkpoint"
        let note = try KeyFiles.bytes(path, what: "checkpoint")
        do {
            return try Checkpoint.verified(note, by: key)
        } catch let error as NoteFormatError {
            throw error.located(at: path)
        } catch let error as ProofRejection {
            throw CommandFailure(status: .storeUnavailable, description: "\(path): the checkpoint fails: \(error)")
        }
    }
}
