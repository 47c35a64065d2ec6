import Projections

/// `/about`: every term the record uses, in a sentence or two each, with an anchor the pages link to; and the
/// credits of the data sckb draws with.
extension Pages {
    /// The terms, in the order the page lists them: anchor, term, explanation (HTML).
    static let terms: [(anchor: String, term: String, text: String)] = [
        (
            "tier", "Tier",
            "A city is a <em>lighthouse</em> city if it is a lighthouse city in any project (it demonstrated solutions "
                + "first), else a <em>fellow</em> city if it is a fellow city in any project (it follows, learning from "
                + "the lighthouses), else <em>other</em>."
        ),
        (
            "reach", "Reach",
            "How many different cities have a solution: those that demonstrated it and those that adopted it by "
                + "replication, each counted once."
        ),
        (
            "lighthouse-to-fellow", "Lighthouse \u{2192} fellow",
            "How many adoptions of a solution went from a lighthouse city (or a project's lighthouse cities) to a "
                + "fellow city: the transfer the lighthouse programme was set up for."
        ),
        (
            "origin", "Origin via a project",
            "Where a replication or a plan takes its solution from. Usually one city; when the source only says "
                + "\u{201C}from the lighthouse cities\u{201D} of a project, the origin is that project's lighthouse "
                + "cities as a group, and it counts as a lighthouse origin."
        ),
        (
            "status", "Replication status",
            "A replication is <em>done</em> when a SolutionReplicated records it. A plan (ReplicationPlanned) is "
                + "<em>open</em> until the city takes the solution over: then it is <em>fulfilled</em> when it came "
                + "from the planned origin, <em>closed</em> when it came from another. A <em>retracted</em> event "
                + "counts nowhere but stays in the log."
        ),
        (
            "as-of", "As of (valid time)",
            "What was true in the world through a date: only events whose <code>at</code> is on or before it count. "
                + "A bare date means through the end of that day, UTC. The year links in the header show the record "
                + "as of the end of each year."
        ),
        (
            "until", "Until (transaction time)",
            "What the knowledge base itself said at an earlier point: only the events recorded up to a position, or "
                + "through a date. A later correction (a retraction) does not count before it was recorded."
        ),
        (
            "valid-time", "At",
            "When a fact happened in the world, as its source says (a date, or a UTC date-time)."
        ),
        (
            "recorded", "Recorded",
            "When the knowledge base recorded the event: it never changes, and the log is in this order."
        ),
        (
            "position", "Position",
            "The number of an event in the log: 1 for the first, one more for each event appended. Nothing is ever "
                + "changed or removed, so a position always names the same event."
        ),
        (
            "hash", "Hash",
            "Every event is sealed with a SHA-256 hash of its bytes and of the hash before it: a chain. Changing any "
                + "earlier event would change every later hash, so the hash of the head stands for the whole log. "
                + "Note it down, and anyone can later check that the record they see is the one you saw."
        ),
        (
            "verify", "Verified",
            "sckb re-reads the whole log, checks the hash chain, rebuilds every table from the events and compares. "
                + "<a href=\"/verify\">The verification page</a> shows the result for the log as it is now."
        ),
        (
            "obstacle-categories", "Obstacle categories",
            "After the Smart City Guidance Package's common obstacles: legislative, procurement, financial, "
                + "technical, data-privacy, organisational and social. An obstacle is open until the record says how "
                + "it was overcome."
        ),
        (
            "kpis", "Impact indicators",
            "Figures reported per demonstration. Percentages are aggregated by their maximum, counts by their exact "
                + "sum; the figures the community published are shown beside them, not mixed in."
        ),
    ]

    func about() -> Page {
        var page = newPage("About this record")
        page.append(
            "<p>This is the replication knowledge base of the Scalable Cities community: every fact is an event in an "
                + "append-only log, and every page is worked out from the log. Each fact links to the events it rests "
                + "on and to their sources.</p><dl class=\"terms\">"
        )
        for term in Pages.terms {
            page.append("<dt id=\"\(term.anchor)\">\(HTML.escape(term.term))</dt><dd>\(term.text)</dd>")
        }
        page.append("</dl><section id=\"indicators\"><h2>Indicators and their units</h2>")
        var table = HTMLTable("indicator", "id", "unit", "aggregated by")
        for kpi in KPI.allCases {
            table.append([
                .text(kpi.label), .html("<code>\(HTML.escape(kpi.rawValue))</code>"), .text(kpi.unit ?? "count"),
                .text(kpi.isPercentage ? "maximum" : "sum"),
            ])
        }
        page.append(table.render() + "</section>")
        page.append(
            "<section id=\"credits\"><h2>Data credits</h2><ul>"
                + "<li>City locations: <a href=\"https://www.geonames.org/\">GeoNames</a>, licensed under "
                + "<a href=\"https://creativecommons.org/licenses/by/4.0/\">CC BY 4.0</a>, rounded to two decimals; "
                + "each CityLocated event links to its place's GeoNames page.</li>"
                + "<li>Map outlines: <a href=\"https://www.naturalearthdata.com/\">Natural Earth</a>, public domain.</li>"
                + "<li>Projects, cities, demonstrations, replications, obstacles and figures: the sources each event "
                + "names (CORDIS, the projects' sites, the Smart Cities Marketplace).</li></ul></section>"
        )
        return page
    }
}
