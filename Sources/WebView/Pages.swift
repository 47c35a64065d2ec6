import EventStore
import Projections

/// The HTML pages, each built from the same JSON values the API serves.
struct Pages {
    let views: Views
    let path: String

    var cut: RequestCut { views.cut }
    var rendering: JSONRendering { JSONRendering(cut: cut) }

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
            page.append(
                "<dt>head position</dt><dd>"
                    + rendering.scalar(.number(JSONNumber(integer: Int64(head.position.rawValue))), key: "position")
            )
            page.append("</dd><dt>head hash</dt><dd><code class=\"hash\">\(head.hash.hex)</code></dd>")
            page.append("<dt>recorded</dt><dd>\(HTML.escape(head.recorded.rfc3339))</dd>")
        } else {
            page.append("<dt>head</dt><dd>the log is empty here</dd>")
        }
        page.append("<dt>solutions</dt><dd>\(spread.count) (" + page.link("/spread", "spread") + ")</dd>")
        page.append("<dt>replications</dt><dd>\(done) done, \(graph.edges.count - done) planned (")
        page.append(page.link("/graph", "graph", [("planned", "true")]) + ")</dd>")
        page.append("<dt>demonstrations</dt><dd>\(totals.demonstrations)</dd></dl></section>")

        page.append("<section><h2>Headline figures</h2>")
        page.append("<p>The figures published for the whole community beside the totals of the demonstration")
        page.append(" reports (maximum of percentages, sum of counts).</p>")
        page.append(kpiTable(totals))
        page.append("</section>")

        page.append("<section><h2>Events by type</h2>")
        let rows: [JSONValue] = statistics.byType.sorted { $0.key < $1.key }.map { type, count in
            ["type": .string(type.rawValue), "events": .number(JSONNumber(integer: Int64(count)))]
        }
        page.append(rows.isEmpty ? "<p>No events.</p>" : rendering.table(rows))
        page.append("</section>")
        page.append(apiLink(page, "/api/stats"))
        return page
    }

    func kpiTable(_ totals: ImpactTotals) -> String {
        var rows: [JSONValue] = []
        for kpi in KPI.allCases {
            rows.append([
                "kpi": .string(kpi.rawValue), "reported": totals.totals[kpi].map(JSONValue.number) ?? .null,
                "published": totals.published[kpi].map(JSONValue.number) ?? .null,
                "aggregate": .string(kpi.isPercentage ? "maximum" : "sum"),
            ])
        }
        return rendering.table(rows, columns: ["kpi", "reported", "published", "aggregate"])
    }

    // MARK: Graph

    func graph() throws -> Page {
        var page = newPage("Replication graph", keeping: ["solution", "from-tier", "to-tier", "planned"])
        let set = try views.base.views(graph: views.graphFilter(), at: cut.view)
        let graph = set.graph
        var solutions: [Slug: (name: String, area: Area)] = [:]
        for item in set.spread { solutions[item.solution] = (item.name, item.area) }
        var sources: [Position: String] = [:]
        for type in [EventType.solutionReplicated, .replicationPlanned] {
            var filter = LogFilter()
            filter.type = type
            filter.until = cut.view.until
            try views.base.log(filter) { entry in
                if let source = entry.recorded.event.source { sources[entry.recorded.position] = source }
            }
        }
        let filter = try views.graphFilter()
        page.append("<form class=\"options\" method=\"get\" action=\"/graph\">")
        page.append(textField("solution", "solution", filter.solution?.rawValue))
        page.append(select("from-tier", "from tier", Tier.allCases.map(\.rawValue), filter.fromTier?.rawValue))
        page.append(select("to-tier", "to tier", Tier.allCases.map(\.rawValue), filter.toTier?.rawValue))
        let checked = filter.includesPlanned ? " checked" : ""
        page.append("<label><input type=\"checkbox\" name=\"planned\" value=\"true\"\(checked)> planned edges</label>")
        page.append(hiddenCut() + "<button type=\"submit\">Show</button></form>")
        let done = graph.edges.filter { $0.status == .done }.count
        page.append(
            "<p>\(graph.nodes.count) cities, \(done) done and \(graph.edges.count - done) planned edges."
                + " Hover an edge for its solution, date and source; each city links to its profile.</p>"
        )
        page.append("<div class=\"figure\">")
        page.append(GraphSVG(graph: graph, solutions: solutions, sources: sources, cut: cut).render())
        page.append("</div><section><h2>Edges</h2>")
        let edgeValues = graph.json["edges"]?.arrayValue ?? []
        let rows = zip(graph.edges, edgeValues).map { edge, value -> JSONValue in
            guard case .object(var object) = value else { return value }
            object["source"] = sources[edge.position].map(JSONValue.string) ?? .null
            return .object(object)
        }
        page.append(rows.isEmpty ? "<p>No edges at this cut.</p>" : rendering.table(rows))
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
        var items = try views.spread()
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
        let rows = ViewJSON.spread(items)["solutions"]?.arrayValue ?? []
        page.append(
            rows.isEmpty
                ? "<p>No solutions at this cut.</p>"
                : rendering.table(
                    rows,
                    columns: [
                        "solution", "name", "area", "reach", "lighthouse_to_fellow", "demonstrated_in", "adopted_by",
                        "planned_by",
                    ]
                )
        )
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
        let value = report.json
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
        let counts = (value["by_category"]?.objectValue ?? JSONObject()).members.map { key, counts -> JSONValue in
            [
                "category": .string(key), "reported": counts["reported"] ?? .null,
                "overcome": counts["overcome"] ?? .null,
            ]
        }
        page.append("<section><h2>By category</h2>" + rendering.table(counts) + "</section>")
        let obstacles = value["obstacles"]?.arrayValue ?? []
        for category in ObstacleCategory.allCases {
            let rows = obstacles.filter { $0["category"]?.stringValue == category.rawValue }.map { item -> JSONValue in
                let overcome = item["overcome"]
                return [
                    "obstacle": item["obstacle"] ?? .null, "text": item["text"] ?? .null,
                    "solution": item["solution"] ?? .null, "city": item["city"] ?? .null,
                    "project": item["project"] ?? .null, "at": item["at"] ?? .null,
                    "position": item["position"] ?? .null, "pathway": overcome?["how"] ?? .null,
                    "overcome_at": overcome?["at"] ?? .null,
                ]
            }
            guard !rows.isEmpty else { continue }
            page.append("<section><h2 id=\"\(category.rawValue)\">\(HTML.escape(category.rawValue))</h2>")
            page.append(rendering.table(rows) + "</section>")
        }
        if obstacles.isEmpty { page.append("<p>No obstacles at this cut.</p>") }
        page.append(apiLink(page, "/api/obstacles"))
        return page
    }

    // MARK: Profiles and lists

    func profile(_ kind: String, _ id: Substring) throws -> Page {
        let value = try views.profile(kind, id)
        let name = value["name"]?.stringValue ?? String(id)
        var page = newPage("\(kind.prefix(1).uppercased() + kind.dropFirst()): \(name)")
        page.append(rendering.sections(value.objectValue ?? JSONObject()))
        page.append("<p>" + page.link("/history/" + id, "History of \(id)") + "</p>")
        page.append(apiLink(page, "/api/\(kind)/\(id)"))
        return page
    }

    func list(_ kind: String) throws -> Page {
        var page = newPage(kind == "cities" ? "Cities" : "Projects")
        let value = try kind == "cities" ? views.base.cityList(at: cut.view) : views.base.projectList(at: cut.view)
        page.append(rendering.sections(value.objectValue ?? JSONObject()))
        page.append(apiLink(page, "/api/\(kind)"))
        return page
    }

    // MARK: CCG

    func ccg(_ view: Substring) throws -> Page {
        let titles: [Substring: String] = [
            "members": "CCG members", "meetings": "CCG meetings", "travel": "CCG travel contributions",
        ]
        var page = newPage(titles[view] ?? "CCG", keeping: ["year"])
        let value = try views.ccg(view)
        if view != "members" {
            page.append("<form class=\"options\" method=\"get\" action=\"/ccg/\(view)\">")
            page.append(textField("year", "year", try views.integer("year").map(String.init)))
            page.append(hiddenCut() + "<button type=\"submit\">Show</button></form>")
        }
        page.append(rendering.sections(value.objectValue ?? JSONObject()))
        page.append("<p>Contacts (personal data) are not shown here.</p>")
        page.append(apiLink(page, "/api/ccg/\(view)"))
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
            let next = String(last.recorded.position.rawValue + 1)
            navigation.append(page.link("/log", "later →", kept + [("from", next), ("limit", String(limit))]))
        }
        if !navigation.isEmpty { page.append("<p class=\"pages\">" + navigation.joined(separator: " · ") + "</p>") }
        page.append(apiLink(page, "/api/log"))
        return page
    }

    func history(_ id: Substring) throws -> Page {
        let entries = try views.history(id)
        guard !entries.isEmpty else {
            throw WebError(404, "no event names '\(id)' at this cut")
        }
        var page = newPage("History of \(id)")
        page.append("<p>Every event naming \(HTML.escape(String(id))), and the retractions of those events.</p>")
        page.append(eventTable(entries))
        page.append(apiLink(page, "/api/history/\(id)"))
        return page
    }

    func eventTable(_ entries: [LogEntry]) -> String {
        guard !entries.isEmpty else { return "<p>No events.</p>" }
        let rows = entries.map(\.json)
        return rendering.table(
            rows,
            columns: ["position", "at", "recorded", "type", "data", "actor", "source", "id", "retracted_by"]
        )
    }
}
