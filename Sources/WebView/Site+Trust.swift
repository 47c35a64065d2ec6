import Projections

/// The feed and proof routes of SPEC §10: `/api/events` for anyone; `/api/checkpoint`, `/api/proof/POSITION` and
/// `/api/consistency` only when the server holds a signing key (else 404). None takes the cut parameters.
extension Site {
    /// The most events one `/api/events` answer holds.
    static let feedLimit = 10_000
    /// The events an `/api/events` answer holds when the request gives no `limit`.
    static let defaultFeedLimit = 1_000
    /// The media type of `/api/events`: JSON Lines, as `export` writes them.
    static let feedType = "application/x-ndjson"
    /// The media type of checkpoints and proofs: the text the commands print.
    static let proofType = "text/plain; charset=utf-8"

    /// The answer of a route of SPEC §10 at `segments` (the path after `/api/`), or nil when `segments` names none.
    func trustAPI(_ segments: [Substring], _ parameters: QueryParameters, path: String) throws -> WebResponse? {
        switch (segments.first, segments.count) {
        case ("events", 1):
            try parameters.check(allowed: ["after", "limit"])
            let after = try number(parameters, "after") ?? 0
            let limit = try number(parameters, "limit") ?? UInt64(Site.defaultFeedLimit)
            guard limit <= Site.feedLimit else {
                throw WebError(400, "parameter 'limit': \(limit) is above the most one answer holds, \(Site.feedLimit)")
            }
            return WebResponse(
                status: 200,
                contentType: Site.feedType,
                body: try base.exportLines(after: after, limit: Int(limit))
            )
        case ("checkpoint", 1):
            let signer = try requireSigner(path)
            try parameters.check(allowed: [])
            guard try headPosition() > 0 else { throw WebError(404, "the log is empty: there is no checkpoint") }
            return proofText(try base.signedCheckpoint(signer: signer))
        case ("proof", 2):
            let signer = try requireSigner(path)
            try parameters.check(allowed: ["size"])
            guard let position = ProofNumber.parse(segments[1]) else {
                throw WebError(400, "'\(segments[1])' in \(path) is not a position")
            }
            let size = try number(parameters, "size")
            return proofText(try base.inclusionProof(of: position, size: size, signer: signer).text)
        case ("consistency", 1):
            let signer = try requireSigner(path)
            try parameters.check(allowed: ["old", "size"])
            guard let old = try number(parameters, "old") else { throw WebError(400, "parameter 'old' is needed") }
            let size = try number(parameters, "size")
            return proofText(try base.consistencyProof(from: old, size: size, signer: signer).text)
        default:
            return nil
        }
    }

    private func requireSigner(_ path: String) throws(WebError) -> NoteSigner {
        guard let signer else {
            throw WebError(404, "there is no API route at \(path): this server has no signing key (serve --key)")
        }
        return signer
    }

    private func number(_ parameters: QueryParameters, _ name: String) throws(WebError) -> UInt64? {
        guard let text = try parameters.value(name, ignoringEmpty: false) else { return nil }
        guard let value = ProofNumber.parse(text[...]) else {
            throw WebError(400, "parameter '\(name)': '\(text)' is not a number (0 or more, digits only)")
        }
        return value
    }

    private func proofText(_ body: [UInt8]) -> WebResponse {
        WebResponse(status: 200, contentType: Site.proofType, body: body)
    }
}

/// Decimal numbers of paths and query parameters: digits only, at most 15 of them.
enum ProofNumber {
    static func parse(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.utf8.count <= 15, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return nil
        }
        return UInt64(text)
    }
}
