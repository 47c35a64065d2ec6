import EventStore
import Projections
import Testing

/// The feed and proof routes of `sckb serve [--key]` in process (SPEC §10).
@Suite("feed and proof routes")
struct TrustRouteTests {
    static let signer: NoteSigner = {
        do {
            return try NoteSigner(name: "test.sckb/web", seed: [UInt8](repeating: 7, count: 32))
        } catch {
            preconditionFailure("a fixed seed makes a key: \(error)")
        }
    }()

    /// The lines `export` writes, each with its newline.
    static func exportLines(_ base: KnowledgeBase) throws -> [[UInt8]] {
        var lines: [[UInt8]] = []
        try base.export { lines.append(CanonicalJSON.escapingForDisplay($0) + [0x0A]) }
        return lines
    }

    @Test("/api/events gives export's lines after N, at most K (1,000 by default), as NDJSON; bad parameters are 400")
    func feedGivesExportLines() async throws {
        try await withServedStore { served in
            let lines = try Self.exportLines(served.base)
            let all = try await served.request("/api/events")
            #expect(all.status == 200)
            #expect(all.headers[.contentType] == "application/x-ndjson")
            #expect(all.body == Array(lines.prefix(1000).joined()))
            let page = try await served.request("/api/events?after=700&limit=5")
            #expect(page.body == Array(lines[700..<705].joined()))
            let tail = try await served.request("/api/events?after=\(lines.count - 2)&limit=10000")
            #expect(tail.body == Array(lines.suffix(2).joined()))
            let past = try await served.request("/api/events?after=\(lines.count)")
            #expect(past.status == 200 && past.body.isEmpty)
            // No cut parameters: a mirror reads the log as it is.
            for query in [
                "limit=10001", "limit=abc", "limit=-1", "after=x", "after=", "after=1.5", "until=5",
                "as-of=2020-01-01", "limit=1&limit=2",
            ] {
                let answer = try await served.request("/api/events?" + query)
                #expect(answer.status == 400, "\(query): \(answer.text)")
            }
            // Without a key the checkpoint and proof routes do not exist.
            for path in ["/api/checkpoint", "/api/proof/1", "/api/consistency?old=1"] {
                #expect(try await served.request(path).status == 404, "\(path)")
            }
        }
    }

    @Test("with a key the checkpoint, proofs and consistency proofs are the bytes the commands print, and verify")
    func proofRoutesGiveWhatTheCommandsPrint() async throws {
        try await withServedStore(signer: Self.signer) { served in
            let base = served.base
            let verifier = Self.signer.verifier
            let checkpoint = try await served.request("/api/checkpoint")
            #expect(checkpoint.status == 200 && checkpoint.headers[.contentType] == "text/plain; charset=utf-8")
            #expect(checkpoint.body == (try base.signedCheckpoint(signer: Self.signer)))
            let head = try #require(try base.head()).position.rawValue
            #expect(try Checkpoint.verified(checkpoint.body, by: verifier).size == head)
            let proof = try await served.request("/api/proof/5?size=100")
            #expect(proof.body == (try base.inclusionProof(of: 5, size: 100, signer: Self.signer)).text)
            let line = try Self.exportLines(base)[4]
            #expect(try ProofCheck.inclusion(proof: proof.body, line: line, verifier: verifier).position.rawValue == 5)
            let atHead = try await served.request("/api/proof/\(head)")
            #expect(atHead.body == (try base.inclusionProof(of: head, signer: Self.signer)).text)
            let consistency = try await served.request("/api/consistency?old=10&size=100")
            #expect(consistency.body == (try base.consistencyProof(from: 10, size: 100, signer: Self.signer)).text)
            for path in [
                "/api/proof/0", "/api/proof/abc", "/api/proof/5?size=0", "/api/proof/5?size=99999",
                "/api/proof/50?size=40", "/api/proof/5?until=3", "/api/consistency", "/api/consistency?old=0",
                "/api/consistency?old=100&size=100", "/api/consistency?old=5&size=99999", "/api/consistency?old=x",
                "/api/checkpoint?size=3",
            ] {
                let answer = try await served.request(path)
                #expect(answer.status == 400, "\(path): \(answer.status) \(answer.text)")
            }
        }
    }
}
