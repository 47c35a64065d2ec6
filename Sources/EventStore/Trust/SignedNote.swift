/// The key that signs notes in the C2SP signed-note format (c2sp.org/signed-note): an Ed25519 key under a name.
///
/// Its text is `PRIVATE+KEY+NAME+<hex key id>+<base64(0x01 ‖ 32-byte seed)>`:
/// ```swift
/// let signer = try NoteSigner.generate(name: "scalablecities.eu/sckb")
/// let note = try signer.sign(Array("scalablecities.eu/sckb\n12\nBASE64ROOT\n".utf8))
/// ```
public struct NoteSigner: Sendable {
    /// The key's name: a transparency log's origin.
    public let name: String
    /// The key that signs.
    let key: Ed25519SigningKey

    /// The key with the name `name` and the 32-byte `seed`; throws when the name is not valid.
    public init(name: String, seed: [UInt8]) throws {
        guard NoteKeys.isValidName(name) else { throw NoteFormatError(NoteKeys.nameRule(name)) }
        self.name = name
        self.key = try Ed25519SigningKey(seed: seed)
    }

    /// A new key from random bytes, named `name`.
    public static func generate(name: String) throws -> NoteSigner {
        guard NoteKeys.isValidName(name) else { throw NoteFormatError(NoteKeys.nameRule(name)) }
        let key = try Ed25519SigningKey.generate()
        return try NoteSigner(name: name, seed: key.seed)
    }

    /// Reads a private key's text (one line, without its newline).
    public init(parsing text: String) throws {
        let fields = text.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == "PRIVATE", fields[1] == "KEY" else {
            throw NoteFormatError("not a signed-note private key (PRIVATE+KEY+NAME+ID+KEY)")
        }
        guard let key = Base64.decode(fields[4]), key.count == 33, key[0] == NoteKeys.ed25519 else {
            throw NoteFormatError("the key is not base64 of 0x01 and a 32-byte Ed25519 seed")
        }
        try self.init(name: String(fields[2]), seed: Array(key[1...]))
        guard fields[3] == NoteKeys.hex(keyID) else {
            throw NoteFormatError("the key id \(fields[3]) is not the id of the key it holds (\(NoteKeys.hex(keyID)))")
        }
    }

    /// The private key's text, to keep in a file of its own.
    public var text: String {
        "PRIVATE+KEY+\(name)+\(NoteKeys.hex(keyID))+" + Base64.encode([NoteKeys.ed25519] + key.seed)
    }

    /// The verifier key of this key.
    public var verifier: NoteVerifier {
        NoteVerifier(name: name, key: key.publicKey)
    }

    /// The first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key), as a number.
    public var keyID: UInt32 { verifier.keyID }

    /// The signed note of `text` (which must end in a newline): the text, a blank line and one signature line,
    /// `— NAME <base64(key id ‖ signature)>`.
    public func sign(_ text: [UInt8]) throws -> [UInt8] {
        precondition(text.last == UInt8(ascii: "\n"), "a note's text ends with a newline")
        let signature = try key.signature(for: text)
        let line = "\n\u{2014} \(name) " + Base64.encode(NoteKeys.bytes(keyID) + signature) + "\n"
        return text + Array(line.utf8)
    }
}

/// The key that checks notes signed by a ``NoteSigner``: `NAME+<hex key id>+<base64(0x01 ‖ public key)>`.
public struct NoteVerifier: Sendable, Equatable {
    /// The key's name: the origin of the log it signs.
    public let name: String
    /// The first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key).
    public let keyID: UInt32
    /// The Ed25519 public key.
    public let key: Ed25519PublicKey

    init(name: String, key: Ed25519PublicKey) {
        self.name = name
        self.key = key
        self.keyID = NoteKeys.keyID(name: name, key: key.bytes)
    }

    /// Reads a verifier key's text (one line, without its newline).
    public init(parsing text: String) throws {
        let fields = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { throw NoteFormatError("not a signed-note verifier key (NAME+ID+KEY)") }
        let name = String(fields[0])
        guard NoteKeys.isValidName(name) else { throw NoteFormatError(NoteKeys.nameRule(name)) }
        guard let bytes = Base64.decode(fields[2]), bytes.count == 33, bytes[0] == NoteKeys.ed25519,
            let key = Ed25519PublicKey(bytes: Array(bytes[1...]))
        else { throw NoteFormatError("the key is not base64 of 0x01 and a 32-byte Ed25519 public key") }
        self.init(name: name, key: key)
        guard fields[1] == NoteKeys.hex(keyID) else {
            throw NoteFormatError("the key id \(fields[1]) is not the id of the key it holds (\(NoteKeys.hex(keyID)))")
        }
    }

    /// The verifier key's text.
    public var text: String {
        "\(name)+\(NoteKeys.hex(keyID))+" + Base64.encode([NoteKeys.ed25519] + key.bytes)
    }

    /// The text of the signed note `note` when it carries a valid signature by this key: the bytes above the blank
    /// line. Signatures by other keys are ignored.
    ///
    /// - Throws: ``NoteFormatError`` when `note` is not a signed note, ``ProofRejection`` when it has no signature
    ///   by this key or the signature does not verify.
    public func open(_ note: [UInt8]) throws -> [UInt8] {
        guard let split = NoteKeys.lastBlankLine(in: note), split > 0 else {
            throw NoteFormatError("the note has no blank line before its signatures")
        }
        let text = Array(note[..<(split + 1)])
        let signatures = note[(split + 2)...]
        guard signatures.last == UInt8(ascii: "\n") else { throw NoteFormatError("the note does not end in a newline") }
        var found = false
        for line in signatures.dropLast().split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            let (signer, bytes) = try NoteKeys.signatureLine(line)
            guard signer == name, bytes.count == 68, NoteKeys.number(bytes.prefix(4)) == keyID else { continue }
            guard key.isValidSignature(Array(bytes[4...]), for: text) else {
                throw ProofRejection("the signature of \(name) does not verify")
            }
            found = true
        }
        guard found else { throw ProofRejection("the note has no signature by the key \(name)+\(NoteKeys.hex(keyID))") }
        return text
    }
}

/// What signed notes share: names, key ids and signature lines.
enum NoteKeys {
    /// The algorithm byte of Ed25519 keys.
    static let ed25519: UInt8 = 1

    /// Whether `name` may name a key: not empty, no white space, no `+`, no control characters.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && !name.unicodeScalars.contains {
                $0 == "+" || $0.properties.isWhitespace || $0.value < 0x20 || (0x7F...0x9F).contains($0.value)
            }
    }

    static func nameRule(_ name: String) -> String {
        name.isEmpty
            ? "the key's name is empty"
            : "the key's name may not hold white space, '+' or control characters"
    }

    static func keyID(name: String, key: [UInt8]) -> UInt32 {
        var hasher = SHA256()
        hasher.update(name.utf8)
        hasher.update([0x0A, ed25519])
        hasher.update(key)
        return number(hasher.finalize().bytes.prefix(4))
    }

    static func hex(_ id: UInt32) -> String {
        let digits = String(id, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    static func bytes(_ id: UInt32) -> [UInt8] {
        [UInt8(id >> 24), UInt8(id >> 16 & 0xFF), UInt8(id >> 8 & 0xFF), UInt8(id & 0xFF)]
    }

    static func number(_ bytes: some Collection<UInt8>) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// The index of the first newline of the last "\n\n" in `note`.
    static func lastBlankLine(in note: [UInt8]) -> Int? {
        guard note.count >= 2 else { return nil }
        var index = note.count - 2
        while index >= 0 {
            if note[index] == 0x0A && note[index + 1] == 0x0A { return index }
            index -= 1
        }
        return nil
    }

    /// Reads `— NAME BASE64` into the name and the decoded bytes.
    static func signatureLine(_ line: ArraySlice<UInt8>) throws -> (String, [UInt8]) {
        let prefix = Array("\u{2014} ".utf8)
        guard line.starts(with: prefix) else { throw NoteFormatError("a signature line does not start with '— '") }
        let rest = line.dropFirst(prefix.count)
        guard let space = rest.lastIndex(of: UInt8(ascii: " ")),
            let bytes = Base64.decode(String(decoding: rest[(space + 1)...], as: UTF8.self)), bytes.count > 4
        else { throw NoteFormatError("a signature line is not '— NAME BASE64'") }
        return (String(decoding: rest[..<space], as: UTF8.self), bytes)
    }
}

/// Text that is not a well-formed key, note or proof: bad input.
public struct NoteFormatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in one line.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) {
        self.description = description
    }

    /// The same error, said of `location` (a file, or a file and line).
    public func located(at location: String) -> NoteFormatError {
        NoteFormatError("\(location): \(description)")
    }
}

/// A well-formed proof or note that does not hold: a signature, an origin, a path or a root that does not verify.
public struct ProofRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why it does not hold, in one line.
    public let description: String

    /// A rejection saying `description`.
    public init(_ description: String) {
        self.description = description
    }
}
