import EventStore
import Glibc

/// What a store that mirrors another log records of it: where it follows it from, and when it last did.
///
/// Kept as `mirror.json` in the store's folder (one canonical JSON line), beside `data.mdb` and outside the log:
/// it is not a fact of the knowledge base, a replica of the same log may follow another source, and the file is
/// there before any write transaction needs to know that the store is a mirror.
public struct MirrorRecord: Sendable, Equatable {
    /// The source as the user named it: a URL, a folder or a file.
    public var source: String
    /// When the last run that completed ended; nil until one has.
    public var lastSync: Timestamp?

    /// Describes a mirror of `source`, last synchronized at `lastSync`.
    public init(source: String, lastSync: Timestamp?) {
        self.source = source
        self.lastSync = lastSync
    }

    /// The file's name in the store's folder.
    static let fileName = "mirror.json"

    /// The record of the store at `path`, or nil when it is not a mirror; bad input when the file does not read.
    static func read(storeAt path: String) throws -> MirrorRecord? {
        let file = path + "/" + fileName
        guard access(file, F_OK) == 0 else { return nil }
        let reader = try LineReader(path: file)
        var record: MirrorRecord?
        _ = try reader.nextLine { line in
            let json = try JSONParser.parse(line)
            guard case .string(let source) = json["source"] else { return }
            let lastSync: Timestamp? =
                if case .string(let text) = json["last_sync"] { Timestamp(rfc3339: text) } else { nil }
            record = MirrorRecord(source: source, lastSync: lastSync)
        }
        guard let record else { throw InputError("not a mirror record", at: file) }
        return record
    }

    /// `{"last_sync":…,"source":…}`.
    var json: JSONValue {
        ["source": .string(source), "last_sync": .text(lastSync?.rfc3339)]
    }

    /// Writes the record into the store at `path`: to a temporary file, flushed, then renamed over the old one.
    func write(storeAt path: String) throws {
        let file = path + "/" + MirrorRecord.fileName
        try StoreFiles.replace(file, with: CanonicalJSON.bytes(of: json) + [0x0A])
    }
}

/// What one mirror run did.
public struct MirrorOutcome: Sendable, Equatable {
    /// Events appended by this run.
    public var appended: Int
    /// The events the store holds now.
    public var events: UInt64
    /// The events the source holds (fewer than ``events`` when it is behind the store but agrees with it).
    public var sourceEvents: UInt64
}

/// A source that holds another event at a position the mirror holds: refused, the store unchanged.
public struct ForkRefusal: Error, Sendable, CustomStringConvertible {
    /// The first position where the logs differ.
    public var position: Position
    /// The mirror's hash there.
    public var hash: SHA256Digest
    /// The source's hash there.
    public var sourceHash: SHA256Digest
    /// The file the evidence was written to, when it could be.
    public var evidence: String?

    /// One line naming the position, both hashes and the evidence.
    public var description: String {
        "the source forks from this store at position \(position): the store holds \(hash.hex), the source"
            + " \(sourceHash.hex)" + (evidence.map { "; evidence kept in \($0)" } ?? "")
    }
}

/// A source whose events do not verify: a gap in positions, a broken link, an id stored twice.
public struct MirrorRefusal: Error, Sendable, CustomStringConvertible {
    /// Where: the source's file and line.
    public var location: String
    /// Why.
    public var reason: String

    /// One line: `location: reason`.
    public var description: String { "\(location): \(reason)" }
}

/// One source line checked and ready to append exactly.
private struct ReplicaEvent {
    var bytes: [UInt8]
    var hash: SHA256Digest
    var event: StoredEvent
    var location: String

    init(line: UnsafeRawBufferPointer, position: Position, hash: SHA256Digest, location: String) throws {
        bytes = try Self.storedBytes(of: line, at: location)
        self.hash = hash
        self.location = location
        do {
            event = try bytes.withUnsafeBytes { try StoredEvent(position: position, hash: hash, bytes: $0) }
        } catch let error as LogDamage {
            throw InputError(error.reason, at: location)
        }
    }

    /// The bytes a store keeps (and the chain and the tree hash) for an export line: its canonical form without
    /// `hash`.
    static func storedBytes(of line: UnsafeRawBufferPointer, at location: String) throws -> [UInt8] {
        guard case .object(var object) = try JSONParser.parse(line) else {
            throw InputError("an event must be a JSON object", at: location)
        }
        object["hash"] = nil
        return CanonicalJSON.bytes(of: .object(object))
    }
}

extension KnowledgeBase {
    /// The events a mirror writes in one transaction at most: a kill leaves every batch before it committed.
    public static let mirrorBatchSize = 10_000

    /// The mirror record of this store, or nil when it is not a mirror.
    public func mirrorRecord() throws -> MirrorRecord? {
        try MirrorRecord.read(storeAt: path)
    }

    /// Throws bad input naming the source when this store is a mirror: only `mirror` writes to it.
    func refuseLocalWrite(_ what: String) throws {
        guard let record = try mirrorRecord() else { return }
        throw InputError(
            "\(path) is a mirror of \(SafeText.escaped(record.source)) and refuses \(what); it changes only by"
                + " sckb mirror"
        )
    }

    /// Makes this store an exact replica of the export at `path` (a file as `export` writes it, or a publish
    /// folder's `events.jsonl`), recorded as a mirror of `source`.
    ///
    /// Lines at positions the store holds must carry the store's hashes (else ``ForkRefusal``, with the source's
    /// line kept in `forks/`, nothing written). Later lines are appended exactly, with their positions, `recorded`
    /// and hashes, each link checked, their rules and read models applied, in write transactions of at most
    /// `batchSize` events. A gap, a broken link or an id stored twice is a ``MirrorRefusal``; a line that is not an
    /// event is an ``InputError``; either way the batches before it stay, each one verified.
    ///
    /// A feed read from `first` (a later position than 1) starts its file there; `first` is at most the store's
    /// head position, so that the head's hash is checked, or 1.
    ///
    /// Errors name the file `name` (its path by default): a feed downloaded into a private file is named by its URL.
    ///
    /// With a `checkpoint` (already verified by its key), the root of the source's first `checkpoint.size` events
    /// must be the checkpoint's root (else ``MirrorRefusal``, nothing written), and the store advances to that size
    /// and no further.
    ///
    /// `stopping` is asked after each committed batch: when it answers true the run ends there, the events read
    /// past that batch dropped and `last_sync` left as it was (the next run goes on from the head).
    public func mirror(
        exportAt path: String,
        named name: String? = nil,
        source: String,
        checkpoint: Checkpoint? = nil,
        startingAt first: Position = .first,
        batchSize: Int = KnowledgeBase.mirrorBatchSize,
        clock: () -> Timestamp = Timestamp.now,
        stopping: () -> Bool = { false }
    ) throws -> MirrorOutcome {
        let previous = try mirrorRecord()
        let name = name ?? path
        if let checkpoint { try Self.checkRoot(of: path, named: name, against: checkpoint) }
        let last = checkpoint?.size ?? UInt64.max
        let reader = try LineReader(path: path, named: name)
        let held = try head()?.position.rawValue ?? 0
        var expected = first.rawValue
        var batch: [ReplicaEvent] = []
        batch.reserveCapacity(min(batchSize, 1024))
        var appended = 0
        var isRecorded = false
        func flush() throws {
            guard !batch.isEmpty else { return }
            try write { transaction in
                for replica in batch {
                    if let id = replica.event.event.id, let existing = try transaction.position(ofID: id) {
                        throw MirrorRefusal(
                            location: replica.location,
                            reason: "id '\(SafeText.escaped(id))' is already stored at position \(existing)"
                        )
                    }
                    do {
                        _ = try transaction.appendExactly(
                            replica.bytes,
                            hash: replica.hash,
                            at: replica.event.position,
                            recorded: replica.event.recorded,
                            id: replica.event.event.id
                        )
                    } catch let error as ChainLinkError {
                        throw MirrorRefusal(location: replica.location, reason: error.description)
                    }
                    try project(replica.event, in: transaction)
                }
            }
            appended += batch.count
            batch.removeAll(keepingCapacity: true)
            if !isRecorded {
                try MirrorRecord(source: source, lastSync: previous?.lastSync).write(storeAt: self.path)
                isRecorded = true
            }
        }
        while try reader.nextLine({ line in
            guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
            let location = "\(name):\(reader.lineNumber)"
            let (position, hash) = try ExportLineHeader.read(line, at: location)
            guard position.rawValue == expected else {
                throw MirrorRefusal(location: location, reason: "a gap in positions: \(position), expected \(expected)")
            }
            expected += 1
            if position.rawValue <= held {
                let ours = try environment.read { try Self.hash(at: position, in: $0) }
                guard let ours, ours == hash else {
                    throw ForkRefusal(
                        position: position,
                        hash: ours ?? .zero,
                        sourceHash: hash,
                        evidence: try? keepForkEvidence(Array(line) + [0x0A], at: position, clock: clock)
                    )
                }
                return
            }
            guard position.rawValue <= last else { return }
            batch.append(try ReplicaEvent(line: line, position: position, hash: hash, location: location))
        }) {
            guard batch.count >= batchSize else { continue }
            try flush()
            if stopping() {
                let events = try head()?.position.rawValue ?? 0
                return MirrorOutcome(appended: appended, events: events, sourceEvents: events)
            }
        }
        try flush()
        try MirrorRecord(source: source, lastSync: clock()).write(storeAt: self.path)
        return MirrorOutcome(
            appended: appended,
            events: try head()?.position.rawValue ?? 0,
            sourceEvents: expected - 1
        )
    }

    /// Checks that the RFC 6962 root of the first `checkpoint.size` lines of the export at `path` (their stored
    /// bytes as leaves) is the checkpoint's root.
    private static func checkRoot(of path: String, named name: String, against checkpoint: Checkpoint) throws {
        let reader = try LineReader(path: path, named: name)
        var frontier = MerkleFrontier()
        while frontier.size < checkpoint.size,
            try reader.nextLine({ line in
                guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
                let location = "\(name):\(reader.lineNumber)"
                frontier.append(MerkleHash.leaf(try ReplicaEvent.storedBytes(of: line, at: location)))
            })
        {}
        guard frontier.size == checkpoint.size else {
            throw MirrorRefusal(
                location: name,
                reason: "holds \(frontier.size) events, fewer than its checkpoint's size \(checkpoint.size)"
            )
        }
        guard frontier.root == checkpoint.root else {
            throw MirrorRefusal(
                location: name,
                reason: "the root of its first \(checkpoint.size) events is \(frontier.root.hex), not the checkpoint's"
                    + " \(checkpoint.root.hex)"
            )
        }
    }

    /// Writes `evidence` of a fork at `position` into `forks/` in the store's folder and returns the file's path.
    private func keepForkEvidence(_ evidence: [UInt8], at position: Position, clock: () -> Timestamp) throws -> String {
        let folder = path + "/forks"
        guard mkdir(folder, 0o755) == 0 || errno == EEXIST else {
            throw InputError("cannot create the folder: \(String(cString: strerror(errno)))", at: folder)
        }
        let file = folder + "/position-\(position)-\(clock().secondsSince1970).jsonl"
        try StoreFiles.replace(file, with: evidence)
        return file
    }
}

/// Small files beside the store's data.
enum StoreFiles {
    /// Replaces the file at `path` with `bytes`: written to a temporary file, flushed, then renamed over it.
    static func replace(_ path: String, with bytes: [UInt8]) throws {
        let temporary = path + ".partial"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw InputError("cannot write: \(String(cString: strerror(errno)))", at: path)
        }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            guard count > 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                unlink(temporary)
                throw InputError("cannot write: \(reason)", at: path)
            }
            written += count
        }
        guard fsync(descriptor) == 0, close(descriptor) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw InputError("cannot write: \(reason)", at: path)
        }
    }
}
