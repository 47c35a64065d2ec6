import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `key generate`, `checkpoint`, `prove` and `check-proof` as a user runs them: files, exit codes, one-line errors.
@Suite("key, checkpoint, prove and check-proof", .serialized, .timeLimit(.minutes(2)))
struct TrustCommandTests {
    /// A store of the first events of events/, a key for it and the paths of both.
    static func withSignedStore(
        _ body: (_ folder: String, _ store: String, _ key: String, _ verifier: String) throws -> Void
    )
        throws
    {
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            let imported = try runSCKB(["import", ViewCompatibilityTests.repository + "/events", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            let made = try runSCKB(["key", "generate", "test.sckb/cli", "--out", folder + "/key"])
            try #require(made.status == 0, "\(made.standardError)")
            try body(folder, store, folder + "/key", made.standardOutput.trimmingCharacters(in: .newlines))
        }
    }

    @Test("key generate writes one 0600 line, prints the verifier key, never overwrites and checks the name")
    func keyGenerate() throws {
        try withTemporaryDirectory { folder in
            let made = try runSCKB(["key", "generate", "scalablecities.eu/sckb", "--out", folder + "/key"])
            #expect(made.status == 0 && made.outputLines.count == 1 && made.errorLines.isEmpty)
            #expect(made.standardOutput.hasPrefix("scalablecities.eu/sckb+"))
            let text = try String(contentsOfFile: folder + "/key", encoding: .utf8)
            #expect(text.hasPrefix("PRIVATE+KEY+scalablecities.eu/sckb+") && text.hasSuffix("\n"))
            #expect(text.split(separator: "\n").count == 1)
            var status = stat()
            #expect(stat(folder + "/key", &status) == 0 && status.st_mode & 0o777 == 0o600)
            let again = try runSCKB(["key", "generate", "scalablecities.eu/sckb", "--out", folder + "/key"])
            #expect(again.status == 1 && again.errorLines.count == 1, "\(again.standardError)")
            #expect(try String(contentsOfFile: folder + "/key", encoding: .utf8) == text)
            for name in ["", "two words", "a+b", "tab\there", "line\nbreak"] {
                let refused = try runSCKB(["key", "generate", name, "--out", folder + "/other"])
                #expect(refused.status == 1 && refused.errorLines.count == 1, "\(name): \(refused.standardError)")
                #expect(!FileManager.default.fileExists(atPath: folder + "/other"))
            }
            #expect(try runSCKB(["key", "generate", "x"]).status == 2)
        }
    }

    @Test("checkpoint and prove: a missing key is usage (2); bad sizes, positions and keys are bad input (1)")
    func exitCodes() throws {
        try Self.withSignedStore { folder, store, key, _ in
            try Data("PRIVATE+KEY+nonsense\n".utf8).write(to: URL(fileURLWithPath: folder + "/bad.key"))
            let cases: [([String], Int32)] = [
                (["checkpoint"], 2), (["prove", "5"], 2), (["prove", "--key", key], 2),
                (["prove", "5", "--consistency", "3", "--key", key], 2),
                (["checkpoint", "--key", key, "--size", "x"], 2),
                (["checkpoint", "--key", key, "--size", "0"], 1),
                (["checkpoint", "--key", key, "--size", "100000"], 1),
                (["prove", "0", "--key", key], 1), (["prove", "800", "--key", key], 1),
                (["prove", "50", "--key", key, "--size", "40"], 1), (["prove", "--consistency", "0", "--key", key], 1),
                (["prove", "--consistency", "40", "--size", "40", "--key", key], 1),
                (["checkpoint", "--key", folder + "/missing.key"], 1),
                (["checkpoint", "--key", folder + "/bad.key"], 1),
                (["prove", "5", "--key", folder + "/bad.key"], 1),
            ]
            let before = try exportBytes(store: store)
            for (arguments, status) in cases {
                let result = try runSCKB(arguments + ["--store", store])
                #expect(result.status == status, "\(arguments): \(result.standardError)")
                #expect(
                    result.errorLines.count == 1 && result.outputBytes.isEmpty,
                    "\(arguments): \(result.standardError)"
                )
            }
            let missing = try runSCKB(["checkpoint", "--key", key, "--store", folder + "/none"])
            #expect(missing.status == 3 && !FileManager.default.fileExists(atPath: folder + "/none"))
            #expect(try exportBytes(store: store) == before)
        }
    }

    @Test(
        "check-proof: 0 when the proof holds; 3 for another key, another origin or a changed line or path; 1 for unreadable files"
    )
    func checkProof() throws {
        try Self.withSignedStore { folder, store, key, verifier in
            let proof = try runSCKB(["prove", "12", "--key", key, "--store", store])
            #expect(proof.status == 0)
            let lines = String(decoding: try exportBytes(store: store), as: UTF8.self).split(separator: "\n")
            func write(_ text: some StringProtocol, _ name: String) throws -> String {
                try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
                return folder + "/" + name
            }
            let proofFile = try write(proof.standardOutput, "proof")
            let lineFile = try write(lines[11] + "\n", "line")
            let verifierFile = try write(verifier + "\n", "verifier")
            let other = try runSCKB(["key", "generate", "test.sckb/other", "--out", folder + "/other.key"])
            let sameName = try runSCKB(["key", "generate", "test.sckb/cli", "--out", folder + "/same-name.key"])
            let otherOrigin = try runSCKB(["prove", "12", "--key", folder + "/other.key", "--store", store])
            let changedPath = proof.standardOutput.replacingOccurrences(of: "\n\n", with: "X\n\n")
            let cases: [(String, String, String, Int32)] = [
                (proofFile, lineFile, verifier, 0), (proofFile, lineFile, verifierFile, 0),
                (proofFile, lineFile, other.standardOutput.trimmingCharacters(in: .newlines), 3),
                (proofFile, lineFile, sameName.standardOutput.trimmingCharacters(in: .newlines), 3),
                (try write(otherOrigin.standardOutput, "other-origin"), lineFile, verifier, 3),
                (proofFile, try write(lines[12] + "\n", "line-13"), verifier, 3),
                (
                    proofFile,
                    try write(lines[11].replacingOccurrences(of: "\"at\":\"", with: "\"at\":\"1"), "changed"), verifier,
                    3
                ),
                (
                    try write(proof.standardOutput.replacingOccurrences(of: "index 11", with: "index 12"), "index"),
                    lineFile, verifier, 3
                ),
                (try write(changedPath, "changed-path"), lineFile, verifier, 1),
                (folder + "/nothing", lineFile, verifier, 1), (proofFile, folder + "/nothing", verifier, 1),
                (try write("not a proof\n", "garbage"), lineFile, verifier, 1),
                (proofFile, try write("{", "bad-json"), verifier, 1),
                (proofFile, lineFile, "not a key", 1),
            ]
            for (proofPath, linePath, key, status) in cases {
                let result = try runSCKB(["check-proof", proofPath, linePath, "--verifier", key])
                #expect(result.status == status, "\(proofPath) \(linePath) \(key): \(result.standardError)")
                #expect(
                    status == 0 ? result.errorLines.isEmpty : result.errorLines.count == 1,
                    "\(result.standardError)"
                )
            }
            #expect(try runSCKB(["check-proof", proofFile, lineFile]).status == 2)
        }
    }
}
