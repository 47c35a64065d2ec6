import EventStore
import Glibc

/// Another log to compare a store's log with: a store, an export file, or a folder written by `publish`.
public enum OtherLog: Sendable, Equatable {
    /// A store's folder.
    case store(String)
    /// A JSON Lines file as `export` writes it (a publish folder's `events.jsonl` included).
    case exportFile(String)

    /// What the path at `path` holds: a folder with `events.jsonl` is a publish folder, a folder with `data.mdb` a
    /// store, a file an export; anything else is bad input.
    public static func at(_ path: String) throws(InputError) -> OtherLog {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw InputError("cannot read: \(String(cString: strerror(errno)))", at: path)
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { return .exportFile(path) }
        let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
        if access(folder + "/events.jsonl", F_OK) == 0 { return .exportFile(folder + "/events.jsonl") }
        if access(folder + "/data.mdb", F_OK) == 0 { return .store(folder) }
        throw InputError("is neither a store (data.mdb), a publish folder (events.jsonl) nor an export file", at: path)
    }
}

/// How two logs relate: the same events, one a prefix of the other, or apart from some position on.
///
/// Each event's chain hash seals every event before it, so the first position where the hashes differ is where the
/// logs diverge, and equal hashes at the shorter log's head make it a prefix of the longer.
/// ```swift
/// let comparison = try base.compare(with: OtherLog.at("mirror/.sckb"))
/// comparison.relation  // .prefix
/// ```
public struct LogComparison: Sendable, Equatable, JSONValueView {
    /// The three relations `diff` names.
    public enum Relation: String, Sendable, Equatable {
        /// The same events, position by position.
        case identical
        /// One log holds all of the other and more (either may be the longer).
        case prefix
        /// The logs hold different events at ``LogComparison/position``.
        case diverged
    }

    /// How the logs relate.
    public var relation: Relation
    /// The events of this store.
    public var events: UInt64
    /// The events of the other log.
    public var otherEvents: UInt64
    /// The first position where they differ (diverged only).
    public var position: Position?
    /// This store's hash there.
    public var hash: SHA256Digest?
    /// The other log's hash there.
    public var otherHash: SHA256Digest?

    /// `{"events":n,"hash":…,"other_events":n,"other_hash":…,"position":…,"relation":…}`.
    var json: JSONValue {
        [
            "relation": .string(relation.rawValue),
            "events": .number(JSONNumber(integer: Int64(events))),
            "other_events": .number(JSONNumber(integer: Int64(otherEvents))),
            "position": .position(position),
            "hash": .text(hash?.hex),
            "other_hash": .text(otherHash?.hex),
        ]
    }
}

/// Finds the first position where two hash sequences differ, fed one position at a time, in order.
private struct DivergenceSearch {
    var first: (position: Position, ours: SHA256Digest, theirs: SHA256Digest)?

    mutating func compare(at position: Position, ours: SHA256Digest?, theirs: SHA256Digest) {
        guard first == nil, let ours, ours != theirs else { return }
        first = (position, ours, theirs)
    }

    func comparison(events: UInt64, otherEvents: UInt64) -> LogComparison {
        if let first {
            return LogComparison(
                relation: .diverged,
                events: events,
                otherEvents: otherEvents,
                position: first.position,
                hash: first.ours,
                otherHash: first.theirs
            )
        }
        return LogComparison(
            relation: events == otherEvents ? .identical : .prefix,
            events: events,
            otherEvents: otherEvents
        )
    }
}

extension KnowledgeBase {
    /// Compares this store's log with `other`, position by position and hash by hash, reading each log once.
    ///
    /// An export file is read a line at a time (memory stays flat); its positions must run 1, 2, 3… and each line
    /// carry a 64-digit hash. Throws ``InputError`` when `other` cannot be read or parsed.
    public func compare(with other: OtherLog) throws -> LogComparison {
        switch other {
        case .store(let path):
            return try compare(withStoreAt: path)
        case .exportFile(let path):
            return try compare(withExportAt: path)
        }
    }

    private func compare(withStoreAt path: String) throws -> LogComparison {
        if let mine = realpath(self.path, nil), let theirs = realpath(path, nil) {
            defer {
                free(mine)
                free(theirs)
            }
            // LMDB must not open one store twice in a process; a store is identical to itself.
            if strcmp(mine, theirs) == 0 {
                let events = try head()?.position.rawValue ?? 0
                return LogComparison(relation: .identical, events: events, otherEvents: events)
            }
        }
        let other: KnowledgeBase
        do {
            other = try KnowledgeBase(path: path, creating: false, readingOnly: true)
        } catch {
            throw InputError("cannot read the store: \(error)", at: path)
        }
        return try other.environment.read { theirs in
            try environment.read { ours in
                let events = try ours.head()?.position.rawValue ?? 0
                let otherEvents = try theirs.head()?.position.rawValue ?? 0
                var search = DivergenceSearch()
                var number: UInt64 = 1
                while number <= min(events, otherEvents), search.first == nil {
                    let position = Position(number)
                    if let theirHash = try Self.hash(at: position, in: theirs) {
                        search.compare(at: position, ours: try Self.hash(at: position, in: ours), theirs: theirHash)
                    }
                    number += 1
                }
                return search.comparison(events: events, otherEvents: otherEvents)
            }
        }
    }

    private func compare(withExportAt path: String) throws -> LogComparison {
        let reader = try LineReader(path: path)
        return try environment.read { ours in
            let events = try ours.head()?.position.rawValue ?? 0
            var search = DivergenceSearch()
            var otherEvents: UInt64 = 0
            while try reader.nextLine({ line in
                guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
                let (position, theirHash) = try ExportLineHeader.read(line, at: "\(path):\(reader.lineNumber)")
                guard position.rawValue == otherEvents + 1 else {
                    throw InputError(
                        "holds position \(position), expected \(otherEvents + 1)",
                        at: "\(path):\(reader.lineNumber)"
                    )
                }
                otherEvents += 1
                if search.first == nil, position.rawValue <= events {
                    search.compare(at: position, ours: try Self.hash(at: position, in: ours), theirs: theirHash)
                }
            }) {}
            return search.comparison(events: events, otherEvents: otherEvents)
        }
    }

    static func hash(
        at position: Position,
        in reader: borrowing some LogReader & ~Copyable
    ) throws -> SHA256Digest? {
        try reader.withEvent(at: position) { hash, _ in SHA256Digest(bytes: Array(hash)) } ?? nil
    }
}

/// The position and hash of one line as `export` writes it.
enum ExportLineHeader {
    /// Reads them from `line`; bad input, located at `location`, when the line is not JSON or lacks either.
    static func read(_ line: UnsafeRawBufferPointer, at location: String) throws(InputError) -> (Position, SHA256Digest)
    {
        let json: JSONValue
        do {
            json = try JSONParser.parse(line)
        } catch {
            throw InputError("not valid JSON: \(error)", at: location)
        }
        guard case .string(let text) = json["hash"], text.utf8.count == 64,
            text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
            let hash = SHA256Digest(hex: text)
        else { throw InputError("the line has no hash of 64 lowercase hex digits (is it an export?)", at: location) }
        guard let number = json["position"]?.numberValue?.integerValue, number >= 1 else {
            throw InputError("the line has no position (is it an export?)", at: location)
        }
        return (Position(UInt64(number)), hash)
    }
}
