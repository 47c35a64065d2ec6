import Projections

/// The graph's and the map's shared filter form, and the map page.
extension Pages {
    /// The solutions to choose from, by name, and each solution's name and area for the drawings.
    struct SolutionChoices {
        var options: [(value: String, label: String)]
        var styles: [Slug: (name: String, area: Area)]

        init(_ spread: SpreadReport) {
            options = spread.solutions.sorted { ($0.name, $0.solution) < ($1.name, $1.solution) }
                .map { ($0.solution.rawValue, $0.name) }
            styles = Dictionary(
                spread.solutions.map { ($0.solution, ($0.name, $0.area)) },
                uniquingKeysWith: { first, _ in first }
            )
        }
    }

    /// The filter form of `/graph` and `/map`: solution and project as lists of names, the tiers, planned edges.
    func graphOptions(action: String, solutions: SolutionChoices) throws -> String {
        let filter = try views.graphFilter()
        let projects = try views.base.projectList(at: cut.view).projects
            .sorted { ($0.name, $0.project) < ($1.name, $1.project) }
        var html = "<form class=\"options\" method=\"get\" action=\"\(action)\">"
        html += namedSelect("solution", "solution", solutions.options, filter.solution?.rawValue)
        html += namedSelect(
            "project",
            "project",
            projects.map { ($0.project.rawValue, $0.name) },
            filter.project?.rawValue
        )
        html += select("from-tier", "from tier", Tier.allCases.map(\.rawValue), filter.fromTier?.rawValue)
        html += select("to-tier", "to tier", Tier.allCases.map(\.rawValue), filter.toTier?.rawValue)
        let checked = filter.includesPlanned ? " checked" : ""
        html += "<label><input type=\"checkbox\" name=\"planned\" value=\"true\"\(checked)> planned edges</label>"
        return html + hiddenCut() + "<button type=\"submit\">Show</button></form>"
    }

    /// A `<select>` whose options show names and submit ids.
    func namedSelect(
        _ name: String,
        _ label: String,
        _ options: [(value: String, label: String)],
        _ chosen: String?
    )
        -> String
    {
        var html = "<label>\(HTML.escape(label)) <select name=\"\(name)\"><option value=\"\">any</option>"
        for option in options {
            let selected = option.value == chosen ? " selected" : ""
            html += "<option value=\"\(HTML.escape(option.value))\"\(selected)>\(HTML.escape(option.label))</option>"
        }
        return html + "</select></label>"
    }

    // MARK: Map

    func map() throws -> Page {
        var page = newPage("Map of replications", keeping: ["solution", "from-tier", "to-tier", "project", "planned"])
        let set = try views.base.views(graph: views.graphFilter(), at: cut.view)
        let solutions = SolutionChoices(set.spread)
        let list = try views.base.cityList(at: cut.view)
        page.append(try graphOptions(action: "/map", solutions: solutions))
        let map = MapSVG(list: list, graph: set.graph, solutions: solutions.styles, cut: cut)
        let drawn = Set(map.arcs.map(\.edge.position))
        let done = map.arcs.filter { $0.edge.status == .done }.count
        page.append(
            "<p>\(map.cities.count) of \(list.cities.count) cities have a location; \(done) replications done and"
                + " \(map.arcs.count - done) planned are drawn, each an arc from where the solution came from to"
                + " where it went (from every lighthouse city of a project when the project's lighthouse cities"
                + " are the origin). Each city and arc is a link; names of cities are written where they fit.</p>"
        )
        page.append("<div class=\"figure map-figure\">" + map.render() + "</div>")
        let missing = set.graph.edges.filter { !drawn.contains($0.position) }
        if !missing.isEmpty {
            page.append("<section><h2>Not on the map</h2><p>An end of these has no location yet:</p><ul>")
            for edge in missing {
                page.append(
                    "<li>"
                        + HTML.link(
                            Page.href("/replication/\(edge.position.rawValue)", cut: cut),
                            GraphSVG.title(of: edge)
                        )
                        + "</li>"
                )
            }
            page.append("</ul></section>")
        }
        page.append(
            "<p class=\"credit\">Country outlines: Natural Earth (public domain), drawn in a Lambert azimuthal"
                + " equal-area projection centred on 52°N 10°E. "
                + page.link("/graph", "The same edges as a graph", page.kept)
                + "</p>"
        )
        page.append(apiLink(page, "/api/graph"))
        return page
    }
}
