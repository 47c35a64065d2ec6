import ArgumentParser
import EventStore
import Foundation
import Projections

/// `sckb key generate NAME --out FILE`.
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Make the key that signs the log's checkpoints and proofs.",
        subcommands: [KeyGenerateCommand.self]
    )
}

struct KeyGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a new Ed25519 signing key to a file; print its verifier key.",
        discussion: """
            NAME is the log's origin. The private key is one line in the signed-note
            format (file mode 0600; an existing file is never overwritten). Keep it
            outside the store; give the verifier key to whoever checks the log.

            Examples:
              sckb key generate scalablecities.eu/sckb --out ~/sckb.key
            """
    )

    @Argument(help: ArgumentHelp("The log's origin: no white space, '+' or control characters.", valueName: "name"))
    var name: String

    @Option(
        help: ArgumentHelp("The file to write the private key to (required; never overwritten).", valueName: "file")
    )
    var out: String

    func run() throws {
        let signer = try NoteSigner.generate(name: name)
        try KeyFiles.create(out, holding: signer.text + "\n")
        Terminal.standardOutput.writeLine(signer.verifier.text)
    }
}

/// The signing key of the commands that sign.
struct SigningKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The private key file written by `sckb key generate` (required).", valueName: "file"))
    var key: String

    /// The key, read from its file; bad input (exit 1) when it cannot be read or is not a key.
    func signer() throws -> NoteSigner {
        try KeyFiles.signer(at: key)
    }
}

/// The `--size` of the commands that sign.
struct SizeOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The number of events the tree covers (default: all, the head).", valueName: "N"))
    var size: Int?

    /// The size asked for; bad input when it is below 1.
    func checked() throws -> UInt64? {
        guard let size else { return nil }
        guard size >= 1 else { throw InputError("--size \(size): a tree to sign covers at least 1 event") }
        return UInt64(size)
    }
}

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print the signed checkpoint of the log: origin, size and Merkle root.",
        discussion: """
            The checkpoint is a C2SP tlog-checkpoint signed note. It never writes to the
            store.

            Examples:
              sckb checkpoint --key ~/sckb.key
              sckb checkpoint --key ~/sckb.key --size 500
            """
    )

    @OptionGroup var key: SigningKeyOptions
    @OptionGroup var size: SizeOptions
    @OptionGroup var store: StoreOptions

    func run() throws {
        let signer = try key.signer()
        let base = try KnowledgeBase(path: store.path, creating: false, readingOnly: true)
        Terminal.standardOutput.write(bytes: try base.signedCheckpoint(size: try size.checked(), signer: signer))
    }
}

struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Print a signed proof that an event is in the log, or that the log extends an earlier one.",
        discussion: """
            With POSITION: a C2SP tlog-proof of that event in the tree of the first N
            events (--size, default the head). With --consistency OLD: the RFC 6962
            consistency proof from the first OLD events to the first N, as a
            tlog-witness add-checkpoint body. Both end with the signed checkpoint.

            Examples:
              sckb prove 12 --key ~/sckb.key > event-12.tlog-proof
              sckb prove --consistency 400 --key ~/sckb.key --size 759
            """
    )

    @Argument(help: ArgumentHelp("The position of the event to prove.", valueName: "position"))
    var position: Int?

    @Option(help: ArgumentHelp("Prove that the log extends its first OLD events instead.", valueName: "old"))
    var consistency: Int?

    @OptionGroup var key: SigningKeyOptions
    @OptionGroup var size: SizeOptions
    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard (position == nil) != (consistency == nil) else {
            throw ValidationError("give either POSITION or --consistency OLD")
        }
    }

    func run() throws {
        let signer = try key.signer()
        let base = try KnowledgeBase(path: store.path, creating: false, readingOnly: true)
        let text: [UInt8]
        if let old = consistency {
            guard old >= 1 else { throw InputError("--consistency \(old): the old tree holds at least 1 event") }
            text = try base.consistencyProof(from: UInt64(old), size: try size.checked(), signer: signer).text
        } else {
            let position = position ?? 0
            guard position >= 1 else { throw InputError("position \(position) is not a position (the first is 1)") }
            text = try base.inclusionProof(of: UInt64(position), size: try size.checked(), signer: signer).text
        }
        Terminal.standardOutput.write(bytes: text)
    }
}

struct CheckProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-proof",
        abstract: "Check an inclusion proof against one exported event line, without a store.",
        discussion: """
            Exit 0 when the checkpoint's signature, its origin (the key's name) and the
            path from the event's leaf to its root all hold; 3, with the reason, when one
            does not; 1 when a file cannot be read or parsed.

            Examples:
              sckb export | sed -n 12p > event-12.jsonl
              sckb check-proof event-12.tlog-proof event-12.jsonl \\
                --verifier 'scalablecities.eu/sckb+1a2b3c4d+AV...'
            """
    )

    @Argument(help: ArgumentHelp("The proof, as `sckb prove` prints it.", valueName: "proof-file"))
    var proofFile: String

    @Argument(help: ArgumentHelp("The event's line, as `sckb export` writes it.", valueName: "event-file"))
    var eventFile: String

    @Option(help: ArgumentHelp("The verifier key, or a file holding it (required).", valueName: "key"))
    var verifier: String

    func run() throws {
        let verifierKey = try readVerifier()
        let proof = try KeyFiles.bytes(proofFile, what: "proof file")
        let line = try KeyFiles.bytes(eventFile, what: "event file")
        let checked: ProofCheck
        do {
            checked = try ProofCheck.inclusion(proof: proof, line: line, verifier: verifierKey)
        } catch let error as NoteFormatError {
            throw error.located(at: proofFile)
        } catch let error as InputError {
            throw error.located(at: eventFile)
        } catch let error as ProofRejection {
            throw CommandFailure(status: .storeUnavailable, description: "\(proofFile): the proof fails: \(error)")
        }
        let checkpoint = checked.checkpoint
        Terminal.standardOutput.writeLine(
            "ok: position \(checked.position) is in \(SafeText.escaped(checkpoint.origin)) at size \(checkpoint.size),"
                + " root \(checkpoint.root.hex)"
        )
    }

    private func readVerifier() throws -> NoteVerifier { try KeyFiles.verifier(verifier) }
}

/// Key and proof files: read whole, written once with owner-only permissions.
enum KeyFiles {
    /// The verifier key given as `--verifier`: the option's text when it is one, else the file it names.
    static func verifier(_ option: String) throws -> NoteVerifier {
        if let key = try? NoteVerifier(parsing: option) { return key }
        guard FileManager.default.fileExists(atPath: option) else {
            do {
                return try NoteVerifier(parsing: option)
            } catch let error as NoteFormatError {
                throw error.located(at: "--verifier")
            }
        }
        let text = try KeyFiles.read(option, what: "verifier key file")
        do {
            return try NoteVerifier(parsing: text)
        } catch let error as NoteFormatError {
            throw error.located(at: option)
        }
    }

    /// Creates `path` (mode 0600) holding `text`; refuses an existing file.
    static func create(_ path: String, holding text: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason =
                errno == EEXIST ? "the file exists (a key is never overwritten)" : String(cString: strerror(errno))
            throw InputError("cannot write the key to \(path): \(reason)")
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            unlink(path)
            throw InputError("cannot write the key to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The signing key in the file at `path`; bad input (exit 1) when it cannot be read or is not a key.
    static func signer(at path: String) throws -> NoteSigner {
        let text = try read(path, what: "key file")
        do {
            return try NoteSigner(parsing: text)
        } catch let error as NoteFormatError {
            throw error.located(at: path)
        }
    }

    /// The bytes of the file at `path`; bad input when it cannot be read.
    static func bytes(_ path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "there is no such file"
            throw InputError("cannot read the \(what) \(path): \(reason)")
        }
        return [UInt8](data)
    }

    /// The one line of text in the file at `path`, without its newline.
    static func read(_ path: String, what: String) throws -> String {
        var bytes = try bytes(path, what: what)
        if bytes.last == 0x0A { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self), !text.contains("\n") else {
            throw InputError("the \(what) \(path) is not one line of text")
        }
        return text
    }
}
