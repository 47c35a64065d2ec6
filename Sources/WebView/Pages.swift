import Projections

/// The HTML pages, each built from the same typed answers the API serves as JSON.
struct Pages {
    let views: Views
    let path: String

    var cut: RequestCut { views.cut }
    var links: Links { Links(cut: cut) }

    func newPage(_ title: String, keeping names: [String] = []) -> Page {
        let kept = names.compactMap { name in views.parameters[name].flatMap { $0.isEmpty ? nil : (name, $0) } }
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
        page.append("<section><h2>The record</h2><dl>")
        page.append("<dt>events</dt><dd>\(statistics.events)</dd>")
        if let head = statistics.head {
            page.append("<dt>head position</dt><dd>" + links.position(head.position.rawValue))
            page.append("</dd><dt>head hash</dt><dd><code class=\"hash\">\(head.hash.hex)</code></dd>")
            page.append("<dt>recorded</dt><dd>\(HTML.escape(head.recorded.rfc3339))</dd>")
        } else {
            page.append("<dt>head</dt><dd>the log is empty here</dd>")
        }
        page.append("<dt>solutions</dt><dd>\(spread.solutions.count) (" + page.link("/spread", "spread") + ")</dd>")
        page.append("<dt>replications</dt><dd>\(done) done, \(graph.edges.count - done) planned (")
        page.append(page.link("/graph", "graph", [("planned", "true")]) + ")</dd>")
        page.append("<dt>demonstrations</dt><dd>\(totals.demonstrations)</dd></dl></section>")

        page.append("<section><h2>Headline figures</h2>")
        page.append("<p>The figures published for the whole community beside the totals of the demonstration")
        page.append(" reports (maximum of percentages, sum of counts).</p>")
        page.append(kpiTable(totals))
        page.append("</section>")

        page.append("<section><h2>Events by type</h2>")
        var types = HTMLTable("type", "events")
        for (type, count) in statistics.byType.sorted(by: { $0.key < $1.key }) {
            types.append([.text(type.rawValue), .number(String(count))])
        }
        page.append(types.render(empty: "No events."))
        page.append("</section>")
        page.append("<p>" + page.link("/gaps", "What the record does not know yet") + " · ")
        page.append(page.link("/search", "Search") + "</p>")
        page.append(apiLink(page, "/api/stats"))
        return page
    }

    func kpiTable(_ totals: ImpactTotals) -> String {
        var table = HTMLTable("kpi", "reported", "published", "aggregate")
        for kpi in KPI.allCases {
            table.append([
                .text(kpi.rawValue), .number(totals.totals[kpi]?.canonicalText),
                .number(totals.published[kpi]?.canonicalText), .text(kpi.isPercentage ? "maximum" : "sum"),
            ])
        }
        return table.render()
    }

    // MARK: Graph

    func graph() throws -> Page {
        var page = newPage("Replication graph", keeping: ["solution", "from-tier", "to-tier", "project", "planned"])
        let set = try views.base.views(graph: views.graphFilter(), at: cut.view)
        let graph = set.graph
        let solutions = SolutionChoices(set.spread)
        page.append(try graphOptions(action: "/graph", solutions: solutions))
        let done = graph.edges.filter { $0.status == .done }.count
        page.append(
            "<p>\(graph.nodes.count) cities, \(done) done and \(graph.edges.count - done) planned edges, one small"
                + " graph per solution: where it came from on the left (a city, or the lighthouse cities of a project"
                + " as one origin), where it went on the right. Each city, project and edge is a link; the edges are"
                + " also listed below. " + page.link("/map", "The same edges on the map", page.kept) + ".</p>"
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
                .html(links.city(edge.to, edge.toName)), .text(edge.at), .html(links.position(edge.position.rawValue)),
                .text(edge.funding?.rawValue), .html(links.project(edge.project, edge.projectName)),
                .text(edge.status.rawValue), .html(links.source(edge.source)),
            ])
        }
        page.append(edges.render(empty: "No edges at this cut."))
        page.append("</section>" + apiLink(page, "/api/graph"))
        return page
    }

    func textField(_ name: String, _ label: String, _ value: String?) -> String {
        "<label>\(HTML.escape(label)) <input name=\"\(name)\" value=\"\(HTML.escape(value ?? ""))\" size=\"16\"></label>"
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
        var page = newPage("Spread of solutions", keeping: ["area", "sort"])
        let report = try views.spread()
        var items = report.solutions
        let sort = views.parameters["sort"].flatMap { $0.isEmpty ? nil : $0 } ?? "reach"
        switch sort {
        case "reach": break
        case "area":
            items.sort { ($0.area.rawValue, -$0.reach, $0.solution) < ($1.area.rawValue, -$1.reach, $1.solution) }
        default: throw WebError(400, "parameter 'sort': '\(sort)' is not one of reach|area")
        }
        let area = views.parameters["area"].flatMap { $0.isEmpty ? nil : $0 }
        let keptArea = area.map { [("area", $0)] } ?? []
        page.append("<p>Sort by " + page.link("/spread", "reach", keptArea + [("sort", "reach")]) + " or ")
        page.append(page.link("/spread", "area", keptArea + [("sort", "area")]) + ". Only one area: ")
        page.append(
            Area.allCases.map { page.link("/spread", $0.rawValue, [("area", $0.rawValue), ("sort", sort)]) }
                .joined(separator: ", ")
        )
        page.append(", or " + page.link("/spread", "all", [("sort", sort)]) + ".</p>")
        func cities(_ ids: [Slug]) -> HTMLTable.Cell {
            .html(ids.isEmpty ? Links.none : ids.map { links.city($0, report.name(of: $0)) }.joined(separator: ", "))
        }
        var table = HTMLTable(
            "solution", "area", "reach", "lighthouse to fellow", "demonstrated in", "adopted by", "planned by"
        )
        for item in items {
            table.append([
                .html(links.solution(item.solution, item.name)), .text(item.area.rawValue),
                .number(String(item.reach)), .number(String(item.lighthouseToFellow)), cities(item.demonstratedIn),
                cities(item.adoptedBy), cities(item.plannedBy),
            ])
        }
        page.append(table.render(empty: "No solutions at this cut."))
        page.append(apiLink(Page(path: path, title: "", cut: cut, kept: keptArea), "/api/spread"))
        return page
    }

    // MARK: KPIs

    func kpis() throws -> Page {
        var page = newPage("Impact totals", keeping: ["project", "city"])
        let totals = try views.kpis()
        let project = try views.slug("project", "project")
        let city = try views.slug("city", "city")
        page.append("<form class=\"options\" method=\"get\" action=\"/kpis\">")
        page.append(textField("project", "project", project?.rawValue) + textField("city", "city", city?.rawValue))
        page.append(hiddenCut() + "<button type=\"submit\">Show</button></form>")
        page.append("<p>\(totals.demonstrations) demonstrations in scope.</p>" + kpiTable(totals))
        page.append(apiLink(page, "/api/kpis"))
        return page
    }

    // MARK: Obstacles

    func obstacles() throws -> Page {
        var page = newPage("Obstacles to replication", keeping: ["solution", "city", "project", "category", "open"])
        let report = try views.obstacles()
        let open = try views.parameters.flag("open")
        page.append("<form class=\"options\" method=\"get\" action=\"/obstacles\">")
        page.append(textField("solution", "solution", views.parameters["solution"]))
        page.append(textField("city", "city", views.parameters["city"]))
        page.append(textField("project", "project", views.parameters["project"]))
        page.append(
            select("category", "category", ObstacleCategory.allCases.map(\.rawValue), views.parameters["category"])
        )
        let checked = open ? " checked" : ""
        page.append("<label><input type=\"checkbox\" name=\"open\" value=\"true\"\(checked)> open only</label>")
        page.append(hiddenCut() + "<button type=\"submit\">Show</button></form>")
        var counts = HTMLTable("category", "reported", "overcome")
        for entry in report.byCategory {
            counts.append([.text(entry.category.rawValue), .number(String(entry.reported)), .number(String(entry.overcome))])
        }
        page.append("<section><h2>By category</h2>" + counts.render() + "</section>")
        for category in ObstacleCategory.allCases {
            let listed = report.obstacles.filter { $0.category == category }
            guard !listed.isEmpty else { continue }
            page.append("<section><h2 id=\"\(category.rawValue)\">\(HTML.escape(category.rawValue))</h2>")
            page.append(obstacleTable(listed) + "</section>")
        }
        if report.obstacles.isEmpty { page.append("<p>No obstacles at this cut.</p>") }
        page.append(apiLink(page, "/api/obstacles"))
        return page
    }

    func eligibility() throws -> Page {
        var page = newPage("CCG travel eligibility", keeping: ["city", "meeting", "amount"])
        let answer = try views.eligibility()
        page.append("<p>May a city receive a CCG travel contribution for a meeting? The check writes nothing.</p>")
        page.append("<form class=\"options\" method=\"get\" action=\"/ccg/eligibility\">")
        page.append(textField("city", "city", views.parameters["city"]))
        page.append(textField("meeting", "meeting", views.parameters["meeting"]))
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

    static let pageSize = 50

    func log() throws -> Page {
        var page = newPage("The log", keeping: ["type", "entity", "from", "limit"])
        let entries = try views.log(defaultLimit: Pages.pageSize)
        let filter = try views.logFilter(defaultLimit: Pages.pageSize)
        var kept: [(String, String)] = []
        if let type = filter.type { kept.append(("type", type.rawValue)) }
        if let entity = filter.entity { kept.append(("entity", entity.rawValue)) }
        let limit = filter.limit ?? Pages.pageSize
        page.append("<form class=\"options\" method=\"get\" action=\"/log\">")
        page.append(select("type", "type", EventType.allCases.map(\.rawValue), filter.type?.rawValue))
        page.append(textField("entity", "entity", filter.entity?.rawValue))
        page.append(textField("from", "from position", String(filter.from.rawValue)))
        page.append(hiddenCut() + "<button type=\"submit\">Show</button></form>")
        page.append(eventTable(entries))
        var navigation: [String] = []
        if filter.from.rawValue > 1 {
            let previous = max(1, Int(filter.from.rawValue) - limit)
            navigation.append(
                page.link("/log", "← earlier", kept + [("from", String(previous)), ("limit", String(limit))])
            )
        }
        if entries.count == limit, let last = entries.last {
            let next = String(last.stored.position.rawValue + 1)
            navigation.append(page.link("/log", "later →", kept + [("from", next), ("limit", String(limit))]))
        }
        if !navigation.isEmpty { page.append("<p class=\"pages\">" + navigation.joined(separator: " · ") + "</p>") }
        page.append(apiLink(page, "/api/log"))
        return page
    }

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
                case .entity where slug != nil: html = links.history(slug)
                case .position: html = links.position(UInt64(field.text))
                default: html = HTML.escape(field.text)
                }
                return (field.name.replacingUnderscores(), html)
            }
        )
    }
}
