import EventStore
import Foundation
import Projections
import Testing

/// sckb's checkpoints and proofs checked without sckb: `scripts/verify_proof.py` (Python, `cryptography`,
/// `rfc8785`), driven by `scripts/check_proofs.py` in one process, on a 10,000-event generated store and on the
/// real `events/`; and the tree's root recomputed from `export` with hashlib alone.
@Suite("proofs checked without sckb", .serialized, .timeLimit(.minutes(3)))
struct ProofCrossCheckTests {
    /// A store made by the binary under test, with its key and export.
    struct SignedStore {
        let label: String
        let path: String
        let signer: NoteSigner
        let verifier: String
        let lines: [String]

        /// Imports `source` into `folder/label` and makes a key for it, all with the binary under test.
        init(label: String, importing source: String, in folder: String) throws {
            self.label = label
            path = folder + "/" + label
            let imported = try runSCKB(["import", source, "--store", path])
            try #require(imported.status == 0, "\(imported.standardError)")
            let keyFile = folder + "/\(label).key"
            let made = try runSCKB(["key", "generate", "test.sckb/\(label)", "--out", keyFile])
            try #require(made.status == 0 && made.outputLines.count == 1, "\(made.standardError)")
            verifier = String(made.outputLines[0])
            signer = try NoteSigner(
                parsing: String(decoding: try Data(contentsOf: URL(fileURLWithPath: keyFile)), as: UTF8.self)
                    .trimmingCharacters(in: .newlines)
            )
            lines = String(decoding: try exportBytes(store: path), as: UTF8.self).split(separator: "\n").map(
                String.init
            )
        }
    }

    static let repository = ViewCompatibilityTests.repository

    @Test(
        "the Python verifier accepts every proof and refuses it once a byte of the line, the path or the signature changes"
    )
    func pythonVerifierChecksProofs() throws {
        try withTemporaryDirectory { folder in
            try writeGeneratedLog(events: 10000, seed: 21, to: folder + "/generated.jsonl")
            let stores = [
                try SignedStore(label: "generated", importing: folder + "/generated.jsonl", in: folder),
                try SignedStore(label: "real", importing: Self.repository + "/events", in: folder),
            ]
            var generator = SeededGenerator(seed: 21)
            var inclusion: [[String: Any]] = []
            var consistency: [[String: Any]] = []
            var roots: [[String: Any]] = []
            for store in stores {
                let base = try KnowledgeBase(path: store.path, creating: false, readingOnly: true)
                let count = store.lines.count
                let positions =
                    store.label == "real"
                    ? Array(1...count) : (0..<200).map { _ in Int.random(in: 1...count, using: &generator) }
                for (index, position) in positions.enumerated() {
                    let proof = try base.inclusionProof(of: UInt64(position), signer: store.signer)
                    inclusion.append([
                        "label": store.label, "verifier": store.verifier, "line": store.lines[position - 1],
                        "proof": String(decoding: proof.text, as: UTF8.self), "sweep": index == 0,
                    ])
                }
                // What `prove` and `checkpoint` print is what the API returns, byte for byte.
                let printed = try runSCKB([
                    "prove", String(positions[0]), "--key", folder + "/\(store.label).key", "--store", store.path,
                ])
                #expect(
                    printed.outputBytes
                        == (try base.inclusionProof(of: UInt64(positions[0]), signer: store.signer)).text
                )
                guard store.label == "generated" else { continue }
                for index in 0..<50 {
                    let size = Int.random(in: 2...count, using: &generator)
                    let old = Int.random(in: 1..<size, using: &generator)
                    let proof = try base.consistencyProof(from: UInt64(old), size: UInt64(size), signer: store.signer)
                    let checkpoint = try base.signedCheckpoint(size: UInt64(old), signer: store.signer)
                    consistency.append([
                        "label": store.label, "verifier": store.verifier, "old": old, "size": size,
                        "proof": String(decoding: proof.text, as: UTF8.self),
                        "old_checkpoint": String(decoding: checkpoint, as: UTF8.self), "sweep": index == 0,
                    ])
                }
            }
            for (store, sizes) in [
                (stores[0], [1, 2, 3, 4096, 4097, 10000]), (stores[1], [1, 7, 8, 9, 500, stores[1].lines.count]),
            ] {
                let export = folder + "/\(store.label).export.jsonl"
                try Data(store.lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: export))
                for size in sizes {
                    let stats = try jsonObject(
                        try runSCKB(["stats", "--until", String(size), "--format", "json", "--store", store.path])
                            .standardOutput
                    )
                    let tree = try #require(stats["tree"] as? [String: Any])
                    #expect(tree["size"] as? Int == size)
                    roots.append(["export": export, "size": size, "root": tree["root"] as? String ?? ""])
                }
            }
            let manifest: [String: Any] = ["inclusion": inclusion, "consistency": consistency, "roots": roots]
            try JSONSerialization.data(withJSONObject: manifest).write(
                to: URL(fileURLWithPath: folder + "/manifest.json")
            )
            let checked = try runProgram(
                "/usr/bin/env",
                ["python3", Self.repository + "/scripts/check_proofs.py", folder + "/manifest.json"]
            )
            try #require(checked.status == 0, "\(checked.standardError)")
            let result = try jsonObject(checked.standardOutput)
            #expect((result["failures"] as? [String])?.isEmpty == true, "\(result["failures"] ?? "")")
            let counts = try #require(result["counts"] as? [String: Int])
            #expect(counts["accepted"] == inclusion.count + consistency.count + roots.count)
            #expect((counts["refused"] ?? 0) > 6 * (inclusion.count + consistency.count))
        }
    }
}
