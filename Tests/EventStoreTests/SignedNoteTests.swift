import Testing

@testable import EventStore

/// Signed notes, checkpoints and proof texts in the C2SP formats.
@Suite("signed notes and proofs")
struct SignedNoteTests {
    // The example of Go's golang.org/x/mod/sumdb/note documentation: its keys and the note it signs, byte for byte.
    static let goSigner = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let goVerifier = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let goText =
        "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let goSignature =
        "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

    @Test("keys, key ids and signatures are those of Go's sumdb/note example, byte for byte")
    func goExample() throws {
        let signer = try NoteSigner(parsing: Self.goSigner)
        #expect(signer.text == Self.goSigner)
        #expect(signer.verifier.text == Self.goVerifier)
        #expect(try NoteVerifier(parsing: Self.goVerifier) == signer.verifier)
        let note = try signer.sign(Array(Self.goText.utf8))
        #expect(String(decoding: note, as: UTF8.self) == Self.goText + "\n" + Self.goSignature)
        #expect(try signer.verifier.open(note) == Array(Self.goText.utf8))
    }

    @Test("a note whose text, signature or key id changed, or that another key signed, does not open")
    func alteredNotesDoNotOpen() throws {
        let signer = try NoteSigner(parsing: Self.goSigner)
        let note = try signer.sign(Array(Self.goText.utf8))
        for index in note.indices where index != Self.goText.utf8.count - 1 && note[index] != 0x0A {
            var altered = note
            altered[index] ^= 0x01
            #expect(throws: (any Error).self, "byte \(index)") { try signer.verifier.open(altered) }
        }
        let other = try NoteSigner(name: "PeterNeumann", seed: [UInt8](repeating: 1, count: 32))
        #expect(throws: ProofRejection.self) { try other.verifier.open(note) }
    }

    @Test(
        "key texts that are malformed, hold a wrong key id or a bad name are refused",
        arguments: [
            "", "PRIVATE+KEY+PeterNeumann+c74f20a3",
            "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            "PRIVATE+KEY+Peter Neumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDF",
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        ]
    )
    func malformedSigningKeys(text: String) {
        #expect(throws: NoteFormatError.self) { try NoteSigner(parsing: text) }
    }

    @Test(
        "names may not be empty nor hold white space, '+' or control characters",
        arguments: [
            "", "a b", "a+b", "a\tb", "a\nb", "a\u{7F}", "a\u{85}b", "a\u{2003}b",
        ]
    )
    func badNames(name: String) {
        #expect(throws: NoteFormatError.self) { try NoteSigner.generate(name: name) }
    }

    @Test("a checkpoint of another origin is refused even with a good signature")
    func checkpointOfAnotherOrigin() throws {
        let signer = try NoteSigner(name: "example.org/log", seed: [UInt8](repeating: 3, count: 32))
        let checkpoint = Checkpoint(origin: "example.org/other", size: 3, root: MerkleHash.emptyRoot)
        let note = try signer.sign(checkpoint.text)
        #expect(throws: ProofRejection.self) { try Checkpoint.verified(note, by: signer.verifier) }
        let own = try Checkpoint(origin: "example.org/log", size: 3, root: MerkleHash.emptyRoot).signed(by: signer)
        #expect(try Checkpoint.verified(own, by: signer.verifier).size == 3)
    }

    @Test("base64 round-trips and refuses what is not canonical")
    func base64() {
        for count in 0..<10 {
            let bytes = (0..<count).map { UInt8($0 * 37 & 0xFF) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy" && Base64.encode(Array("fo".utf8)) == "Zm8=")
        for text in ["Zm8", "Zm9=", "Z===", "Zm8=Zm8=", "Zm 8", "Zm8-"] {
            #expect(Base64.decode(text) == nil, "\(text)")
        }
    }

    @Test("inclusion and consistency proof texts round-trip, and RFC 9162's checks accept only the right ones")
    func proofTexts() throws {
        let leaves = (0..<11).map { MerkleHash.leaf([UInt8($0)]) }
        var frontier = MerkleFrontier()
        var roots: [SHA256Digest] = [MerkleHash.emptyRoot]
        for leaf in leaves {
            frontier.append(leaf)
            roots.append(frontier.root)
        }
        // The path of leaf 2 in the tree of 3: the leaves 0 and 1 joined.
        let path = [MerkleHash.node(leaves[0], leaves[1])]
        #expect(MerkleProofs.root(ofLeaf: leaves[2], at: 2, size: 3, path: path) == roots[3])
        #expect(MerkleProofs.root(ofLeaf: leaves[2], at: 2, size: 4, path: path) == nil)
        #expect(MerkleProofs.root(ofLeaf: leaves[1], at: 2, size: 3, path: path) != roots[3])
        let proof = InclusionProof(index: 2, path: path, checkpoint: Array("x\n\n— y z\n".utf8))
        #expect(try InclusionProof(parsing: proof.text) == proof)
        let consistency = ConsistencyProof(old: 2, path: [leaves[2]], checkpoint: Array("x\n".utf8))
        #expect(try ConsistencyProof(parsing: consistency.text) == consistency)
        #expect(MerkleProofs.isConsistent(old: 2, oldRoot: roots[2], size: 3, root: roots[3], path: [leaves[2]]))
        #expect(!MerkleProofs.isConsistent(old: 2, oldRoot: roots[2], size: 3, root: roots[3], path: [leaves[1]]))
        for text in ["", "c2sp.org/tlog-proof@v1\nindex 01\n\n", "c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\n"] {
            #expect(throws: NoteFormatError.self, "\(text)") { try InclusionProof(parsing: Array(text.utf8)) }
        }
    }
}
