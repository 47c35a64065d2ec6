import Projections

/// One HTML page: the shared header (navigation, the cut and its form), a title and the body.
struct Page {
    /// The page's path, without query: the form of the cut submits to it.
    var path: String
    /// The title, plain text.
    var title: String
    /// The cut the page is taken at.
    var cut: RequestCut
    /// The page's own parameters other than the cut, kept as hidden fields when the cut changes.
    var kept: [(String, String)] = []
    /// The body, HTML already escaped.
    var body = ""
    /// The HTTP status the page is served with: 200, or 404 for a page saying what is not there.
    var status = 200

    /// `path` with `parameters`, and the page's cut, as a link target.
    static func href(_ path: String, _ parameters: [(String, String)] = [], cut: RequestCut) -> String {
        let all = parameters + cut.pairs
        guard !all.isEmpty else { return path }
        return path + "?"
            + all.map { HTML.percentEncoded($0.0) + "=" + HTML.percentEncoded($0.1) }.joined(separator: "&")
    }

    /// A link to `path` keeping the cut.
    func link(_ path: String, _ text: String, _ parameters: [(String, String)] = []) -> String {
        HTML.link(Page.href(path, parameters, cut: cut), text)
    }

    mutating func append(_ html: String) {
        body += html
    }

    /// The whole document.
    func render() -> String {
        let navigation: [(String, String)] = [
            ("/", "Overview"), ("/graph", "Graph"), ("/map", "Map"), ("/spread", "Spread"), ("/obstacles", "Obstacles"),
            ("/kpis", "KPIs"), ("/cities", "Cities"), ("/projects", "Projects"), ("/ccg/members", "CCG members"),
            ("/ccg/meetings", "Meetings"), ("/ccg/travel", "Travel"), ("/ccg/eligibility", "Eligibility"),
            ("/log", "Log"), ("/about", "About"),
        ]
        var html = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer">
            <title>\(HTML.escape(title)) · sckb</title>
            <link rel="stylesheet" href="/style.css">
            </head>
            <body>
            <header>
            <nav aria-label="views">
            """
        for (target, label) in navigation {
            let current = target == path ? " aria-current=\"page\"" : ""
            html += "<a href=\"\(HTML.escape(Page.href(target, cut: cut)))\"\(current)>\(HTML.escape(label))</a> "
        }
        html += "</nav>\n<form class=\"search\" method=\"get\" action=\"/search\" role=\"search\">"
        for (name, value) in cut.pairs {
            html += "<input type=\"hidden\" name=\"\(HTML.escape(name))\" value=\"\(HTML.escape(value))\">"
        }
        html += "<label>Search <input type=\"search\" name=\"q\" size=\"18\" placeholder=\"Köln, lamppost…\"></label> "
        html += "<button type=\"submit\">Find</button></form>\n"
        html += "<form class=\"cut\" method=\"get\" action=\"\(HTML.escape(path))\">"
        for (name, value) in kept {
            html += "<input type=\"hidden\" name=\"\(HTML.escape(name))\" value=\"\(HTML.escape(value))\">"
        }
        html += """
            <label>as of <input name="as-of" value="\(HTML.escape(cut.asOfText ?? ""))" placeholder="YYYY-MM-DD" \
            size="10"></label> <label>until <input name="until" value="\(HTML.escape(cut.untilText ?? ""))" \
            placeholder="N or YYYY-MM-DD" size="14"></label> <button type="submit">Travel</button>
            """
        html += "</form>\n" + yearList()
        if cut.pairs.isEmpty {
            html += "<p class=\"cut-shown\" id=\"cut\">Showing: the record now.</p>\n"
        } else {
            html += "<div class=\"cut-banner\" id=\"cut\" role=\"status\"><strong>Showing a past cut:</strong> "
            html += HTML.escape(cut.caption) + " (" + HTML.link("/about#as-of", "what this means", className: "term")
            html += "). " + HTML.link(Page.href(path, kept, cut: RequestCut.now), "Back to now", className: "now")
            html += "</div>\n"
        }
        html += "</header>\n<main>\n<h1>\(HTML.escape(title))</h1>\n" + body + "\n</main>\n"
        html += "<footer>sckb · read-only view of the event log · <a href=\"/about\">About</a> · "
        html += "<a href=\"/verify\">Verify</a> · <a href=\"/api/stats\">JSON</a></footer>\n"
        html += "</body>\n</html>\n"
        return html
    }
}

extension Page {
    /// The first year the year list offers: the SCC lighthouse programme's first call.
    static let firstYear = 2014

    /// Links to this page as of the end of each year, from ``firstYear`` to the current year, the one shown marked.
    func yearList() -> String {
        let current = Int(Timestamp.now().rfc3339.prefix(4)) ?? Page.firstYear
        var links: [String] = []
        for year in Page.firstYear...max(current, Page.firstYear) {
            let date = "\(year)-12-31"
            if cut.asOfText == date && cut.untilText == nil {
                links.append("<strong aria-current=\"true\">\(year)</strong>")
            } else {
                let target = Page.href(path, kept, cut: RequestCut.now) + (kept.isEmpty ? "?" : "&") + "as-of=" + date
                links.append(HTML.link(target, String(year)))
            }
        }
        return "<nav class=\"years\" aria-label=\"the record as of the end of each year\">As of the end of: "
            + links.joined(separator: " ") + "</nav>\n"
    }
}

extension RequestCut {
    /// No cut: the record now.
    static var now: RequestCut { RequestCut(asOfText: nil, untilText: nil, view: ViewCut()) }
}

/// The one stylesheet: readable on a phone, in print, with no script.
enum Stylesheet {
    static let text = """
        :root { color-scheme: light; --ink: #1d2733; --muted: #5b6675; --line: #d5dbe3; --accent: #0b5cad; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
          background: #fff; }
        header { background: #f3f6f9; border-bottom: 1px solid var(--line); padding: .5rem 1rem; }
        nav a { display: inline-block; margin: 0 .6rem .2rem 0; color: var(--accent); text-decoration: none; }
        nav a[aria-current] { font-weight: 600; text-decoration: underline; }
        form.cut, form.options, form.search { margin: .3rem 0; display: flex; flex-wrap: wrap; gap: .4rem .8rem;
          align-items: center; }
        input, select, button { font: inherit; padding: .15rem .3rem; max-width: 100%; }
        form label { display: inline-flex; flex-wrap: wrap; align-items: center; gap: .3rem; max-width: 100%;
          min-width: 0; }
        form select { min-width: 0; flex: 1 1 auto; }
        .cut-shown { margin: .2rem 0 0; color: var(--muted); font-size: .9rem; }
        .cut-banner { margin: .4rem 0 0; padding: .4rem .7rem; background: #fff4d6; border: 2px solid #d9a400;
          border-radius: 4px; }
        .cut-banner a.now { font-weight: 600; }
        nav.years { margin: .2rem 0 0; font-size: .85rem; color: var(--muted); }
        nav.years a, nav.years strong { display: inline-block; margin-right: .35rem; }
        a.term { font-size: .85em; }
        blockquote { margin: .6rem 0; padding: .3rem .9rem; border-left: 4px solid var(--line); }
        .notice { border-left: 4px solid #d9a400; padding: .2rem .8rem; background: #fff8e6; }
        p.pages { color: var(--muted); font-size: .9rem; }
        p.pages a, p.pages strong { display: inline-block; margin: 0 .15rem; }
        th a { color: inherit; text-decoration: none; }
        th a:hover, th a:focus { text-decoration: underline; }
        main { padding: .5rem 1rem 2rem; max-width: 72rem; }
        h1, h2, p, li, dd, dt, blockquote { overflow-wrap: anywhere; }
        h1 { font-size: 1.5rem; margin: .6rem 0; }
        h2 { font-size: 1.15rem; margin: 1.4rem 0 .4rem; }
        a { color: var(--accent); }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .92rem; }
        th, td { border-bottom: 1px solid var(--line); padding: .25rem .6rem .25rem 0; text-align: left;
          overflow-wrap: break-word;
          vertical-align: top; }
        th { font-weight: 600; white-space: nowrap; }
        td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
        dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem 1rem; margin: .4rem 0 1rem; }
        dt { font-weight: 600; }
        dd { margin: 0; }
        code, .hash { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem;
          overflow-wrap: anywhere; }
        .figure { overflow-x: auto; border: 1px solid var(--line); padding: .3rem; }
        svg.graph { width: 100%; min-width: 40rem; height: auto; }
        svg.graph text { font: 11px system-ui, sans-serif; fill: var(--ink); }
        svg.graph .edge { fill: none; stroke-width: 1.6; opacity: .7; }
        svg.graph .planned { stroke-dasharray: 6 4; }
        svg.graph a:hover text { text-decoration: underline; fill: var(--accent); }
        .yes { color: #176b2c; font-weight: 600; }
        .no { color: #a11d1d; font-weight: 600; }
        .error { border-left: 4px solid #a11d1d; padding: .2rem .8rem; background: #fbeeee; }
        footer { color: var(--muted); font-size: .85rem; padding: 1rem; border-top: 1px solid var(--line); }
        @media (max-width: 40rem) { body { font-size: 15px; } main { padding: .5rem; } dl { display: block; }
          dd { margin-bottom: .4rem; } }
        @media print { header form, nav, footer { display: none; } header { background: none; border: 0; }
          a { color: inherit; text-decoration: none; } .figure { border: 0; overflow: visible; }
          svg.graph { min-width: 0; } }
        form.options label { max-width: 100%; display: inline-flex; align-items: center; gap: .3rem; }
        form.options select { max-width: 100%; min-width: 0; flex: 1 1 auto; }
        ul.filters { padding-left: 1.2rem; } ul.filters li { margin: .2rem 0; }
        .graph-panels { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
        .graph-panel { flex: 1 1 26rem; max-width: 36rem; min-width: 0; }
        .graph-panel h3 { font-size: 1rem; margin: .6rem 0 .1rem; }
        .graph-panel .area { color: var(--muted); font-weight: normal; font-size: .85rem; }
        svg.graph-legend { width: 100%; max-width: 45rem; height: auto; }
        svg.graph-legend text { font: 11px system-ui, sans-serif; fill: var(--ink); }
        svg.graph-legend .edge { fill: none; stroke-width: 2; }
        svg.graph-legend .planned { stroke-dasharray: 6 4; }
        .graph-panel svg.graph { min-width: 24rem; }
        svg .lighthouse { fill: #1d2733; stroke: #1d2733; stroke-width: 1.5; }
        svg .fellow { fill: #ffffff; stroke: #1d2733; stroke-width: 1.5; }
        svg .other { fill: #d5dbe3; stroke: #1d2733; stroke-width: 1.5; }
        svg .origin { fill: #f3c623; stroke: #1d2733; stroke-width: 1.5; }
        svg.graph .hit { fill: none; stroke: transparent; stroke-width: 10; }
        svg.graph a:hover .edge, svg.map a.arc:hover .edge { stroke-width: 3; opacity: 1; }
        svg.map { width: 100%; min-width: 40rem; height: auto; display: block; }
        svg.map .sea { fill: #eef4f9; }
        svg.map .land path { fill: #fbfaf5; stroke: #b9c2cc; stroke-width: .8; }
        svg.map .edge { fill: none; stroke-width: 1.8; opacity: .8; }
        svg.map .planned { stroke-dasharray: 6 4; }
        svg.map text { font: 11px system-ui, sans-serif; fill: var(--ink); paint-order: stroke;
          stroke: #fbfaf5; stroke-width: 3px; stroke-linejoin: round; }
        svg.map .legend rect { fill: #ffffff; stroke: var(--line); opacity: .92; }
        svg.map a.city:hover text { fill: var(--accent); text-decoration: underline; }

        """
}
