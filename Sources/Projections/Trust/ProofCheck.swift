import EventStore

/// The check of an inclusion proof against one event line as `export` writes it, with no store: what
/// `sckb check-proof` does.
/// ```swift
/// let checked = try ProofCheck.inclusion(proof: proofBytes, line: lineBytes, verifier: verifier)
/// // checked.position is in the log checked.checkpoint.origin of checked.checkpoint.size events
/// ```
public struct ProofCheck: Sendable, Equatable {
    /// The event's position.
    public var position: Position
    /// The signed checkpoint the proof leads to, verified.
    public var checkpoint: Checkpoint

    /// Checks that `proof` (a c2sp.org/tlog-proof) proves the event of the export line `line` in a log whose
    /// checkpoint `verifier` signed and whose origin is `verifier`'s name.
    ///
    /// The leaf is SHA-256(0x00 ‖ the line's canonical bytes without `hash`), as the store hashes it; the line's
    /// position must be the proof's index + 1.
    ///
    /// - Throws: ``InputError`` or `NoteFormatError` when the line or the proof does not parse;
    ///   `ProofRejection` when the signature, the origin, the position or the path does not hold.
    public static func inclusion(proof: [UInt8], line: [UInt8], verifier: NoteVerifier) throws -> ProofCheck {
        let parsed = try InclusionProof(parsing: proof)
        let (position, canonical) = try canonicalBytes(ofExportLine: line)
        guard position.rawValue == parsed.index + 1 else {
            throw ProofRejection(
                "the event is at position \(position), the proof is for index \(parsed.index) (position \(parsed.index + 1))"
            )
        }
        let checkpoint = try parsed.verified(leaf: MerkleHash.leaf(canonical), by: verifier)
        return ProofCheck(position: position, checkpoint: checkpoint)
    }

    /// The position and the canonical bytes (without `hash`) of one event line as `export` writes it.
    static func canonicalBytes(ofExportLine line: [UInt8]) throws -> (Position, [UInt8]) {
        var text = line[...]
        while let last = text.last, last == 0x0A || last == 0x0D { text = text.dropLast() }
        guard !text.contains(0x0A) else { throw InputError("the event file holds more than one line") }
        let json: JSONValue
        do {
            json = try JSONParser.parse(text)
        } catch {
            throw InputError("the event line is not valid JSON: \(error)")
        }
        guard case .object(var object) = json, let hash = object["hash"]?.stringValue,
            SHA256Digest(hex: hash)?.hex == hash, let number = object["position"]?.numberValue?.integerValue,
            number >= 1
        else { throw InputError("the event line has no position or no hash (is it a line of an export?)") }
        object["hash"] = nil
        return (Position(UInt64(number)), CanonicalJSON.bytes(of: .object(object)))
    }
}
