import ArgumentParser
import EventStore
import Foundation
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
        if source.hasPrefix("http://") || source.hasPrefix("https://") { return try followFeed() }
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
        report(outcome)
    }

    /// Follows an `sckb serve` URL: its events from the store's head on, read into a private file, then mirrored.
    private func followFeed() throws {
        let root = source.hasSuffix("/") ? String(source.dropLast()) : source
        let checkpoint = try verifier.map { key in
            let target = root + "/api/checkpoint"
            return try verified(Array(MirrorFeed.fetch(target)), at: target, by: KeyFiles.verifier(key))
        }
        let name = "sckb-feed-\(UUID().uuidString).jsonl"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
        guard FileManager.default.createFile(atPath: file, contents: nil) else {
            throw InputError("cannot create the feed's copy", at: file)
        }
        defer { try? FileManager.default.removeItem(atPath: file) }
        let outcome = try store.write { base in
            // From the head on, so that its hash is checked; a store the feed does not reach is compared whole.
            // With a checkpoint, the whole feed, whose root the checkpoint's must be.
            let held = checkpoint == nil ? try base.head()?.position.rawValue ?? 0 : 0
            try MirrorFeed.download(from: root, after: held > 0 ? held - 1 : 0, to: file)
            var first = Position(held > 0 ? held : 1)
            if held > 0, (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) == 0 {
                try MirrorFeed.download(from: root, after: 0, to: file)
                first = .first
            }
            return try base.mirror(exportAt: file, source: source, checkpoint: checkpoint, startingAt: first)
        }
        report(outcome)
    }

    private func report(_ outcome: MirrorOutcome) {
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
        return try verified(KeyFiles.bytes(path, what: "checkpoint"), at: path, by: key)
    }

    /// The checkpoint the signed note `note` (read from `path`) holds, verified by `key`: bad input (1) when it
    /// does not parse, exit 3 when its signature or origin does not hold.
    private func verified(_ note: [UInt8], at path: String, by key: NoteVerifier) throws -> Checkpoint {
        do {
            return try Checkpoint.verified(note, by: key)
        } catch let error as NoteFormatError {
            throw error.located(at: path)
        } catch let error as ProofRejection {
            throw CommandFailure(status: .storeUnavailable, description: "\(path): the checkpoint fails: \(error)")
        }
    }
}
