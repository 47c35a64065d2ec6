import Projections

/// The HTML pages, each built from the same typed answers the API serves as JSON.
struct Pages {
    let views: Views
    let path: String
    /// The report of `verify` per head, shared by every request.
    let verification: VerificationCache

    var cut: RequestCut { views.cut }
    var links: Links { Links(cut: cut) }

    func newPage(_ title: String, keeping names: [String] = []) -> Page {
        // A bare flag (`?planned`) is kept as `planned=true`; an empty value (from a form) counts as absent.
        let kept = names.compactMap { name -> (String, String)? in
            guard let pair = views.parameters.pairs.first(where: { $0.name == name }) else { return nil }
            guard let value = pair.value else { return (name, "true") }
            return value.isEmpty ? nil : (name, value)
        }
        return Page(path: path, title: title, cut: cut, kept: kept)
    }

    func apiLink(_ page: Page, _ apiPath: String) -> String {
        let query = page.kept + cut.pairs
        let target = Page.href(apiPath, query, cut: .now)
        return "<p class=\"api\">The same as JSON: " + HTML.link(target, target) + "</p>"
    }

    // MARK: Overview

    func overview() throws -> Page {
        var page = newPage("Scalable Cities replication knowledge base")
        let statistics = try views.statistics()
        let set = try views.base.views(graph: GraphFilter(includesPlanned: true), at: cut.view)
        let (totals, spread, graph) = (set.totals, set.spread, set.graph)
        let done = graph.edges.filter { $0.status == .done }.count
        page.append("<section><h2>The record</h2>" + (try overviewVerification()) + "<dl>")
        page.append("<dt>events</dt><dd>\(Format.count(statistics.events))")
        if !cut.pairs.isEmpty { page.append(" inside this cut") }
        page.append("</dd>")
        if let head = statistics.head {
            page.append("<dt>last event</dt><dd>position " + links.position(head.position.rawValue) + " ")
            page.append(links.about("position", "(?)") + ", recorded " + Format.timeElement(head.recorded.rfc3339))
            page.append(", " + links.about("hash", "hash") + " <code class=\"hash\">\(head.hash.hex)</code></dd>")
        } else {
            page.append("<dt>last event</dt><dd>the log is empty here</dd>")
        }
        page.append("<dt>solutions</dt><dd>\(Format.count(spread.solutions.count)) (")
        page.append(page.link("/spread", "where each spread") + ")</dd>")
        page.append("<dt>replications</dt><dd>\(Format.count(done)) done, \(Format.count(graph.edges.count - done))")
        page.append(" planned (" + page.link("/graph", "graph", [("planned", "true")]) + ")</dd>")
        page.append("<dt>demonstrations</dt><dd>\(Format.count(totals.demonstrations))</dd></dl></section>")

        page.append("<section><h2>Headline figures</h2>")
        page.append("<p>The figures published for the whole community beside the totals of the demonstration")
        page.append(" reports (maximum of percentages, sum of counts).</p>")
        page.append(kpiTable(totals))
        page.append("</section>")

        page.append("<section><h2>Events by type</h2>")
        var types = HTMLTable("type", "events")
        for (type, count) in statistics.byType.sorted(by: { $0.key < $1.key }) {
            types.append([.text(type.rawValue), .count(count)])
        }
        page.append(types.render(empty: "No events."))
        page.append("</section>")
        page.append("<p>" + page.link("/gaps", "What the record does not know yet") + " · ")
        page.append(page.link("/search", "Search") + " · " + page.link("/about", "What the terms mean") + "</p>")
        page.append(apiLink(page, "/api/stats"))
        return page
    }

    func kpiTable(_ totals: ImpactTotals) -> String {
        var table = HTMLTable("indicator", "reported", "published", "aggregated by")
        for kpi in KPI.allCases {
            table.append([
                .text(kpi.title), .number(totals.totals[kpi]?.canonicalText),
                .number(totals.published[kpi]?.canonicalText),
                .text(kpi.isPercentage ? "maximum of the reports" : "sum of the reports"),
            ])
        }
        return table.render() + "<p class=\"note\">" + links.about("kpis", "How the indicators add up") + ".</p>"
    }

    // MARK: Graph

    func graph() throws -> Page {
        var page = newPage(
            "Replication graph",
            keeping: ["solution", "from-tier", "to-tier", "project", "planned", "sort", "order"]
        )
        let choices = try views.base.choices(at: cut.view)
        try views.checkKnown("solution", in: choices.solutions)
        try views.checkKnown("project", in: choices.projects)
        let set = try views.base.views(graph: views.graphFilter(), at: cut.view)
        let graph = set.graph
        let solutions = SolutionChoices(set.spread)
        page.append(try graphOptions(action: "/graph", solutions: solutions))
        let done = graph.edges.filter { $0.status == .done }.count
        page.append(
            "<p>\(Format.count(graph.nodes.count)) cities, \(Format.count(done)) done and "
                + "\(Format.count(graph.edges.count - done)) planned replications, one small graph per solution: where "
                + "it came from on the left (a city, or the lighthouse cities of a project as one "
                + links.about("origin", "origin") + "), where it went on the right. Each city, project and edge is a "
                + "link; each edge, also listed below, links to its " + links.about("status", "replication")
                + " page. " + page.link("/map", "The same edges on the map", page.kept) + ".</p>"
        )
        page.append("<div class=\"figure\">" + GraphSVG.legend())
        page.append(GraphSVG(graph: graph, solutions: solutions.styles, cut: cut).render())
        page.append("</div><section><h2>Edges</h2>")
        var edges = HTMLTable("solution", "from", "to", "at", "position", "funding", "project", "status", "source")
        for edge in graph.edges {
            edges.append([
                .html(links.solution(edge.solution, edge.solutionName)),
                .html(
                    links.origin(city: edge.from, cityName: edge.fromName, project: edge.project, projectName: edge.projectName)
                ),
                .html(links.city(edge.to, edge.toName)), .date(edge.at),
                .html(links.replication(edge.position.rawValue), number: edge.position.rawValue),
                .text(edge.funding?.rawValue), .html(links.project(edge.project, edge.projectName)),
                .text(edge.status.rawValue), .html(links.source(edge.source)),
            ])
        }
        page.append(try edges.render(TableView(views.parameters), on: page, empty: "No edges at this cut."))
        page.append("</section>" + apiLink(page, "/api/graph"))
        return page
    }

    func textField(_ name: String, _ label: String, _ value: String?) -> String {
        "<label>\(HTML.escape(label)) <input name=\"\(name)\" value=\"\(HTML.escape(value ?? ""))\" size=\"16\"></label>"
    }

    /// A list to choose an entity from, by name (the id is the value sent), with "any" first.
    func choiceSelect(_ name: String, _ label: String, _ choices: [EntityChoices.Choice], _ chosen: Slug?) -> String {
        var html = "<label>\(HTML.escape(label)) <select name=\"\(name)\"><option value=\"\">any</option>"
        // A chosen id the list lacks (a form sent by hand) stays chosen, by its id.
        var listed = choices
        if let chosen, !choices.contains(where: { $0.id == chosen }) {
            listed.append(.init(id: chosen, name: chosen.rawValue))
        }
        for choice in listed {
            let selected = choice.id == chosen ? " selected" : ""
            html += "<option value=\"\(HTML.escape(choice.id.rawValue))\"\(selected)>"
            html += HTML.escape(choice.name) + "</option>"
        }
        return html + "</select></label>"
    }

    func select(_ name: String, _ label: String, _ options: [String], _ chosen: String?) -> String {
        var html = "<label>\(HTML.escape(label)) <select name=\"\(name)\"><option value=\"\">any</option>"
        for option in options {
            let selected = option == chosen ? " selected" : ""
            html += "<option\(selected)>\(HTML.escape(option))</option>"
        }
        return html + "</select></label>"
    }

    func hiddenCut() -> String {
        cut.pairs.map { "<input type=\"hidden\" name=\"\($0.0)\" value=\"\(HTML.escape($0.1))\">" }.joined()
    }

    // MARK: Spread

    func spread() throws -> Page {
        var page = newPage("Spread of solutions", keeping: ["area", "sort", "order"])
        let report = try views.spread()
        let items = report.solutions
        let area = views.parameters["area"].flatMap { $0.isEmpty ? nil : $0 }
        let keptArea = area.map { [("area", $0)] } ?? []
        let sorting = page.kept.filter { $0.0 == "sort" || $0.0 == "order" }
        page.append("<p>Where each solution was demonstrated, adopted and planned, by " + links.about("reach", "reach"))
        page.append(" (the cities that have it) and ")
        page.append(links.about("lighthouse-to-fellow", "lighthouse \u{2192} fellow"))
        page.append(" adoptions. Click a heading to sort. Only one area: ")
        page.append(
            Area.allCases.map { page.link("/spread", $0.label, [("area", $0.rawValue)] + sorting) }
                .joined(separator: ", ")
        )
        page.append(", or " + page.link("/spread", "all", sorting) + ".</p>")
        func cities(_ ids: [Slug]) -> HTMLTable.Cell {
            .html(ids.isEmpty ? Links.none : ids.map { links.city($0, report.name(of: $0)) }.joined(separator: ", "))
        }
        var table = HTMLTable(
            "solution", "area", "reach", "lighthouse to fellow", "demonstrated in", "adopted by", "planned by"
        )
        for item in items {
            table.append([
                .html(links.solution(item.solution, item.name)), .text(item.area.label),
                .count(item.reach), .count(item.lighthouseToFellow), cities(item.demonstratedIn),
                cities(item.adoptedBy), cities(item.plannedBy),
            ])
        }
        page.append(try table.render(TableView(views.parameters), on: page, empty: "No solutions at this cut."))
        page.append(apiLink(Page(path: path, title: "", cut: cut, kept: keptArea), "/api/spread"))
        return page
    }

    // MARK: KPIs

    func kpis() throws -> Page {
        var page = newPage("Impact totals", keeping: ["project", "city"])
        let choices = try views.base.choices(at: cut.view)
        try views.checkKnown("project", in: choices.projects)
        try views.checkKnown("city", in: choices.cities)
        let totals = try views.kpis()
        let project = try views.slug("project", "project")
        let city = try views.slug("city", "city")
        page.append("<form class=\"options\" method=\"get\" action=\"/kpis\">")
        page.append(choiceSelect("project", "project", choices.projects, project))
        page.append(choiceSelect("city", "city", choices.cities, city))
        page.append(hiddenCut() + "<button type=\"submit\">Show</button></form>")
        page.append("<p>\(Format.count(totals.demonstrations)) demonstrations in scope.</p>" + kpiTable(totals))
        page.append(apiLink(page, "/api/kpis"))
        return page
    }

    // MARK: Obstacles

    func obstacles() throws -> Page {
        var page = newPage(
            "Obstacles to replication",
            keeping: ["solution", "city", "project", "category", "open", "sort", "order"]
        )
        let choices = try views.base.choices(at: cut.view)
        try views.checkKnown("solution", in: choices.solutions)
        try views.checkKnown("city", in: choices.cities)
        try views.checkKnown("project", in: choices.projects)
        let report = try views.obstacles()
        let open = try views.parameters.flag("open")
        page.append("<form class=\"options\" method=\"get\" action=\"/obstacles\">")
        page.append(choiceSelect("solution", "solution", choices.solutions, try views.slug("solution", "solution")))
        page.append(choiceSelect("city", "city", choices.cities, try views.slug("city", "city")))
        page.append(choiceSelect("project", "project", choices.projects, try views.slug("project", "project")))
        page.append(
            select("category", "category", ObstacleCategory.allCases.map(\.rawValue), views.parameters["category"])
        )
        let checked = open ? " checked" : ""
        page.append("<label><input type=\"checkbox\" name=\"open\" value=\"true\"\(checked)> open only</label>")
        page.append(hiddenCut() + "<button type=\"submit\">Show</button></form>")
        var counts = HTMLTable("category", "reported", "overcome")
        for entry in report.byCategory {
            counts.append([
                .html(page.link("/obstacles", entry.category.rawValue, [("category", entry.category.rawValue)])),
                .count(entry.reported), .count(entry.overcome),
            ])
        }
        page.append("<section><h2>By category</h2><p>The " + links.about("obstacle-categories", "categories"))
        page.append(" of what stood in the way.</p>" + counts.render() + "</section>")
        page.append("<section><h2>Obstacles</h2>")
        page.append(
            try obstacleRows(report.obstacles)
                .render(TableView(views.parameters), on: page, empty: "No obstacles at this cut.")
        )
        page.append("</section>" + apiLink(page, "/api/obstacles"))
        return page
    }

    func eligibility() throws -> Page {
        var page = newPage("CCG travel eligibility", keeping: ["city", "meeting", "amount"])
        let answer = try views.eligibility()
        let choices = try views.base.choices(at: cut.view)
        let meetings = try views.base.ccgMeetings(at: cut.view).meetings.map {
            EntityChoices.Choice(id: $0.meeting, name: Format.date($0.on) + ", " + ($0.place ?? $0.meeting.rawValue))
        }
        page.append("<p>May a city receive a CCG travel contribution for a meeting? The check writes nothing.</p>")
        page.append("<form class=\"options\" method=\"get\" action=\"/ccg/eligibility\">")
        let city = views.parameters["city"].flatMap(Slug.init(rawValue:))
        let meeting = views.parameters["meeting"].flatMap(Slug.init(rawValue:))
        page.append(choiceSelect("city", "city", choices.cities, city))
        page.append(choiceSelect("meeting", "meeting", meetings, meeting))
        page.append(textField("amount", "amount (EUR)", views.parameters["amount"]))
        page.append(hiddenCut() + "<button type=\"submit\">Check</button></form>")
        if let answer {
            page.append(
                answer.isEligible
                    ? "<p class=\"yes\" id=\"answer\">Eligible: yes</p>"
                    : "<p class=\"no\" id=\"answer\">Eligible: no</p>"
            )
            page.append("<ul>" + answer.reasons.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>")
            page.append(apiLink(page, "/api/ccg/eligibility"))
        }
        return page
    }

    // MARK: Log and history

    func history(_ id: Substring) throws -> Page {
        let entries = try views.history(id)
        var page = newPage("History of \(id)")
        page.append("<p>Every event naming \(HTML.escape(String(id))), and the retractions of those events.</p>")
        page.append(eventTable(entries))
        page.append(apiLink(page, "/api/history/\(id)"))
        return page
    }

    func eventTable(_ entries: [LogEntry]) -> String {
        var table = HTMLTable("position", "at", "recorded", "type", "data", "actor", "source", "id", "retracted by")
        for entry in entries {
            let stored = entry.stored
            table.append([
                .html(links.position(stored.position.rawValue)), .text(stored.at.text), .text(stored.recorded.rfc3339),
                .text(stored.event.type.rawValue), .html(dataList(stored.event.payload.fields)),
                .text(stored.event.actor?.rawValue), .html(links.source(stored.event.source)), .text(stored.event.id),
                .html(links.position(entry.retractedBy?.rawValue)),
            ])
        }
        return table.render(empty: "No events.")
    }

    /// An event's data as a definition list, each id a link to what it names.
    func dataList(_ fields: [DataField]) -> String {
        Links.facts(
            fields.map { field in
                let slug = Slug(rawValue: field.text)
                let html: String
                switch field.kind {
                case .city where slug != nil: html = links.city(slug, nil)
                case .project where slug != nil: html = links.project(slug, nil)
                case .solution where slug != nil: html = links.solution(slug, nil)
                case .entity where slug != nil && field.name == "demonstration": html = links.demonstration(slug, nil)
                case .entity where slug != nil && field.name == "obstacle": html = links.obstacle(slug, nil)
                case .entity where slug != nil: html = links.history(slug)
                case .position: html = links.position(UInt64(field.text))
                default: html = HTML.escape(field.text)
                }
                return (field.name.replacingUnderscores(), html)
            }
        )
    }
}
