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

    /// The largest log the overview verifies while a person waits; past it, it shows the last report made.
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

    /// The last report made, whatever head it was made at.
    var latest: Kept? { kept.withLock { $0 } }
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

    /// The overview's verification line: the report for the head, made now when the log is small enough to wait
    /// for, else the last one made (the page is then not kept, so that the next request shows a newer one).
    func overviewVerification(_ page: inout Page) throws -> String {
        let head = try views.base.head()?.position.rawValue ?? 0
        if head <= VerificationCache.overviewLimit || verification.latest?.head == head {
            return verifiedLine(try verification.report(head: head) { try views.verify() })
        }
        page.isCacheable = false
        guard let latest = verification.latest else {
            return "<p id=\"verified\">Not verified yet since the server started: "
                + HTML.link("/verify", "verify the \(Format.count(Int(head))) events now") + ".</p>"
        }
        return verifiedLine(latest.report) + "<p>\(Format.count(Int(head - min(head, latest.head)))) events recorded"
            + " since; " + HTML.link("/verify", "verify them") + ".</p>"
    }
}
