import Projections
import Synchronization

/// The result of `verify` for the log's head, kept until the head moves: `/verify` and the overview ask for it, so a
/// store is verified once per head however many pages show it.
final class VerificationCache: Sendable {
    /// A report and the head position it was made at.
    struct Kept: Sendable {
        var head: UInt64
        var report: VerificationReport
    }

    private let kept = Mutex<Kept?>(nil)
    /// The head a verification started by ``refresh(head:base:)`` is running for, if any.
    private let running = Mutex<UInt64?>(nil)

    /// The largest log the overview verifies while a person waits when nothing has been verified yet; past it, it
    /// starts the verification and says so.
    static let overviewLimit: UInt64 = 100_000

    /// The report for `head`: kept, or made now by `verify` and kept.
    func report(head: UInt64, verify: () throws -> VerificationReport) throws -> VerificationReport {
        if let found = kept.withLock({ $0 }), found.head == head { return found.report }
        let report = try verify()
        kept.withLock { current in
            if head >= current?.head ?? 0 { current = Kept(head: head, report: report) }
        }
        return report
    }

    /// Whether the report kept is the one for `head`.
    func isVerified(head: UInt64) -> Bool {
        kept.withLock { $0?.head == head }
    }

    /// The last report made, whatever head it was made at.
    var latest: Kept? { kept.withLock { $0 } }

    /// Starts verifying `base` at `head` off the request, unless a verification is already running; the report is
    /// kept when it ends, and the next request for the overview shows it.
    func refresh(head: UInt64, base: KnowledgeBase) {
        let isFirst = running.withLock { current in
            guard current == nil else { return false }
            current = head
            return true
        }
        guard isFirst else { return }
        DispatchQueueBridge.run {
            // A store that cannot be read now is reported by the next request that reads it.
            _ = try? self.report(head: head) { try base.verify(expecting: []) { _ in } }
            self.running.withLock { $0 = nil }
        }
    }
}

extension Pages {
    /// `/verify`: the chain, the indexes and the read models checked, ok or each problem.
    func verify() throws -> Page {
        var page = newPage("Verification", keeping: ["expect"])
        let head = try views.base.head()?.position.rawValue ?? 0
        let report: VerificationReport
        if views.parameters["expect"] != nil {
            report = try views.verify()
        } else {
            report = try verification.report(head: head) { try views.verify() }
        }
        page.append(
            "<p>sckb has re-read every event of the log, checked the " + links.about("hash", "hash chain")
                + ", and rebuilt every table from the events to compare it with the stored one ("
                + links.about("verify", "what this means") + "). It checks the log as it is now, whatever cut a page"
                + " shows.</p>"
        )
        page.append(verifiedLine(report))
        if !report.problems.isEmpty {
            var table = HTMLTable("position", "problem")
            for problem in report.problems {
                let position = problem.position.rawValue > 0 ? problem.position.rawValue : nil
                table.append([
                    .html(links.position(position), number: position),
                    .text(problem.problem),
                ])
            }
            page.append(section("Problems", table.render()))
        }
        page.append(
            "<p>To check later that the record has not changed, note the position and the hash of the head; "
                + "<code>/verify?expect=N:HASH</code> (or <code>sckb verify --expect N:HASH</code>) checks that "
                + "position N still carries it.</p>"
        )
        page.append(apiLink(page, "/api/verify"))
        return page
    }

    /// "verified: N events, head HASH", or the number of problems, as one paragraph linking `/verify`.
    func verifiedLine(_ report: VerificationReport) -> String {
        guard report.isOK else {
            let count = report.problems.count
            return "<p class=\"no\" id=\"verified\">Verification failed: \(count) problem\(count == 1 ? "" : "s")"
                + (report.problems.first.map { ", the first: " + HTML.escape($0.problem) } ?? "") + " ("
                + HTML.link("/verify", "details") + ").</p>"
        }
        return "<p class=\"yes\" id=\"verified\">Verified: \(Format.count(report.events)) events, head "
            + "<code class=\"hash\">\(report.head?.hex ?? "none")</code> (" + HTML.link("/verify", "how") + ").</p>"
    }

    /// The overview's verification line: the report for the head when one is kept. When the head has moved since
    /// the last report, that report is shown with the number of events since, and a new verification starts off the
    /// request (its end makes the answers kept for the head stale: see ``Site/effectiveHead(query:head:)``); with no
    /// report yet, a small log is verified while the person waits. At an `until` cut the page links `/verify`
    /// instead: verification is of the log now.
    func overviewVerification() throws -> String {
        guard cut.untilText == nil else {
            return "<p id=\"verified\">" + HTML.link("/verify", "Verify the log as it is now") + ".</p>"
        }
        let head = try views.base.head()?.position.rawValue ?? 0
        let latest = verification.latest
        if let latest, latest.head == head { return verifiedLine(latest.report) }
        if latest == nil && head <= VerificationCache.overviewLimit {
            return verifiedLine(try verification.report(head: head) { try views.verify() })
        }
        verification.refresh(head: head, base: views.base)
        guard let latest else {
            return "<p id=\"verified\">Being verified: the \(Format.count(Int(head))) events of the log ("
                + HTML.link("/verify", "wait for the result") + ").</p>"
        }
        let since = Int(head - min(head, latest.head))
        let count = since == 1 ? "1 event recorded since is" : "\(Format.count(since)) events recorded since are"
        return verifiedLine(latest.report) + "<p class=\"note\">\(count) being verified ("
            + HTML.link("/verify", "wait for the result") + ").</p>"
    }
}
