import ArgumentParser
import EventStore
import Foundation
import Projections
import Synchronization

struct MirrorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Make the store an exact replica of an export, a publish folder or an sckb serve URL.",
        discussion: """
            Events keep their positions, recorded times and hashes, so export of
            both is byte-identical. Each run checks that SOURCE holds the store's
            events with the same hashes, then appends only the later ones, every
            link checked, in transactions of at most 10,000 events. A fork, a gap
            or a broken link: exit 3. A mirror refuses append, import and contacts.
            With --follow it runs again every --interval seconds until SIGINT or
            SIGTERM, which end it after the batch in hand (exit 0); a refusal or
            an unreachable source ends it with that run's exit status.

            Examples:
              sckb mirror kb.jsonl --store mirror/.sckb
              sckb mirror site/ --store mirror/.sckb     (a folder with events.jsonl)
              sckb mirror site/ --store mirror/.sckb --verifier kb.vkey
              sckb mirror http://kb.example.org:8080 --store mirror/.sckb --follow --interval 30
            """
    )

    @Argument(
        help: ArgumentHelp(
            "An export file, a publish folder holding events.jsonl, or the URL of an sckb serve.",
            valueName: "source"
        )
    )
    var source: String

    @Option(
        help: ArgumentHelp(
            "The verifier key, or a file holding it: check the publish folder's checkpoint (default: none).",
            valueName: "key"
        )
    )
    var verifier: String?

    @Flag(help: "Keep following SOURCE: run again every --interval seconds until SIGINT or SIGTERM.")
    var follow = false

    @Option(help: ArgumentHelp("With --follow, the seconds between runs (default: 10).", valueName: "seconds"))
    var interval: Double?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if interval != nil, !follow { throw ValidationError("--interval needs --follow") }
        if let interval, !(interval > 0 && interval <= 86_400) {
            throw ValidationError("--interval must be a number of seconds above 0, at most 86400")
        }
    }

    func run() throws {
        guard follow else { return report(try mirrorOnce()) }
        FollowSignals.install()
        var isFirst = true
        while !FollowSignals.isStopping {
            let outcome = try mirrorOnce()
            // The first run says where the mirror stands; later runs speak only when they add events.
            if isFirst || outcome.appended > 0 { report(outcome) }
            isFirst = false
            FollowSignals.sleep(seconds: interval ?? 10)
        }
    }

    /// One run: the events SOURCE holds after the store's head, checked and appended.
    private func mirrorOnce() throws -> MirrorOutcome {
        if source.hasPrefix("http://") || source.hasPrefix("https://") { return try followFeed() }
        let file: String
        switch try OtherLog.at(source) {
        case .exportFile(let path): file = path
        case .store:
            throw InputError("a store is not a mirror source; export it, or publish it", at: source)
        }
        let checkpoint = try verifier.map { try verifiedCheckpoint(beside: file, verifier: KeyFiles.verifier($0)) }
        return try store.write { base in
            try base.mirror(
                exportAt: file,
                source: source,
                checkpoint: checkpoint,
                stopping: { FollowSignals.isStopping }
            )
        }
    }

    /// Follows an `sckb serve` URL: its events from the store's head on, read into a private file, then mirrored.
    ///
    /// The file is unlinked as soon as it is made and used through `/proc/self/fd`, so that a run killed with -9
    /// leaves nothing behind.
    private func followFeed() throws -> MirrorOutcome {
        let root = source.hasSuffix("/") ? String(source.dropLast()) : source
        let checkpoint = try verifier.map { key in
            let target = root + "/api/checkpoint"
            return try verified(Array(MirrorFeed.fetch(target)), at: target, by: KeyFiles.verifier(key))
        }
        let pattern = FileManager.default.temporaryDirectory.appendingPathComponent("sckb-feed-XXXXXX").path
        var template = Array(pattern.utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else {
            throw InputError("cannot create the feed's copy: \(String(cString: strerror(errno)))", at: pattern)
        }
        unlink(template)
        defer { close(descriptor) }
        let file = "/proc/self/fd/\(descriptor)"
        return try store.write { base in
            // From the head on, so that its hash is checked; a store the feed does not reach is compared whole.
            // With a checkpoint, the whole feed, whose root the checkpoint's must be.
            let held = checkpoint == nil ? try base.head()?.position.rawValue ?? 0 : 0
            try MirrorFeed.download(from: root, after: held > 0 ? held - 1 : 0, to: file)
            var first = Position(held > 0 ? held : 1)
            var written = stat()
            if held > 0, fstat(descriptor, &written) == 0, written.st_size == 0 {
                try MirrorFeed.download(from: root, after: 0, to: file)
                first = .first
            }
            return try base.mirror(
                exportAt: file,
                named: root + "/api/events",
                source: source,
                checkpoint: checkpoint,
                startingAt: first,
                stopping: { FollowSignals.isStopping }
            )
        }
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

/// SIGINT and SIGTERM under `mirror --follow`: they set a flag that the follow loop and the mirror (after each
/// committed batch) read, so the process ends with exit 0 and no batch half-applied; without `--follow` the
/// signals keep their default action.
enum FollowSignals {
    private static let stopping = Atomic<Bool>(false)

    /// Whether SIGINT or SIGTERM has arrived.
    static var isStopping: Bool { stopping.load(ordering: .relaxed) }

    /// Installs the handlers (an atomic store is safe in a signal handler) and unblocks both signals in this
    /// thread: a parent may start the process with them blocked (Foundation's `Process` does), and then they would
    /// stay pending.
    static func install() {
        var signals = sigset_t()
        sigemptyset(&signals)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { _ in FollowSignals.stopping.store(true, ordering: .relaxed) }
            sigaddset(&signals, signalNumber)
        }
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// Sleeps `seconds`, or less when a signal arrives first.
    static func sleep(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        while !isStopping, Date() < deadline { usleep(50_000) }
    }
}
