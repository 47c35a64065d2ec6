import Projections

/// The replication graph drawn as SVG by sckb itself: lighthouse cities (and project origins) in the left column,
/// fellow and other cities in the right, done edges solid and planned ones dashed, coloured by area, with a legend;
/// each node links to its profile and each edge carries a `<title>` with the solution, the date and the source.
struct GraphSVG {
    /// The graph to draw.
    var graph: ReplicationGraph
    /// Each solution's name and area.
    var solutions: [Slug: (name: String, area: Area)]
    /// The cut that node links keep.
    var cut: RequestCut

    /// The colour of each area (also in the legend).
    static let colours: [(Area, String)] = [
        (.mobilityLogistics, "#1f6fb4"), (.buildings, "#c53030"), (.urbanDataICT, "#2b8a3e"),
        (.citizenEngagement, "#7b4bb7"), (.urbanGovernance, "#d9730d"),
    ]

    static func colour(of area: Area?) -> String {
        colours.first { $0.0 == area }?.1 ?? "#555555"
    }

    private static let rowHeight = 22
    private static let top = 96
    private static let width = 900
    private static let leftX = 300
    private static let rightX = 600

    func render() -> String {
        let origins = graph.projectOrigins
        let left = graph.nodes.filter { $0.tier == .lighthouse }.sorted(by: GraphSVG.order)
        let right = graph.nodes.filter { $0.tier != .lighthouse }.sorted(by: GraphSVG.order)
        // Nodes by key: a city's id, or `project:ID` for the node standing for a project's lighthouse cities.
        var place: [String: (x: Int, y: Int, isLeft: Bool)] = [:]
        for (index, origin) in origins.enumerated() {
            place["project:" + origin.project.rawValue] = (
                GraphSVG.leftX, GraphSVG.top + index * GraphSVG.rowHeight, true
            )
        }
        for (index, node) in left.enumerated() {
            place[node.id.rawValue] = (
                GraphSVG.leftX, GraphSVG.top + (origins.count + index) * GraphSVG.rowHeight, true
            )
        }
        for (index, node) in right.enumerated() {
            place[node.id.rawValue] = (GraphSVG.rightX, GraphSVG.top + index * GraphSVG.rowHeight, false)
        }
        let height = GraphSVG.top + max(origins.count + left.count, right.count, 1) * GraphSVG.rowHeight + 10
        var svg = """
            <svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(GraphSVG.width) \(height)" \
            role="img" aria-labelledby="graph-title">
            <title id="graph-title">Replication graph: \(graph.edges.count) edges between \(graph.nodes.count) \
            cities</title>
            <defs>
            """
        for (area, colour) in GraphSVG.colours {
            svg += """
                <marker id="arrow-\(area.rawValue)" viewBox="0 0 10 10" refX="17" refY="5" markerWidth="7" \
                markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="\(colour)"/></marker>
                """
        }
        svg += "</defs>\n" + legend()
        svg += "<text x=\"\(GraphSVG.leftX)\" y=\"\(GraphSVG.top - 18)\" text-anchor=\"end\" class=\"column\">"
        svg += "Lighthouse cities and project origins</text>"
        svg +=
            "<text x=\"\(GraphSVG.rightX)\" y=\"\(GraphSVG.top - 18)\" class=\"column\">Fellow and other cities</text>\n"
        svg += "<g class=\"edges\">\n"
        for edge in graph.edges {
            let fromKey = edge.from?.rawValue ?? "project:" + (edge.project?.rawValue ?? "")
            guard let from = place[fromKey], let to = place[edge.to.rawValue] else { continue }
            svg += self.edge(edge, from: from, to: to)
        }
        svg += "</g>\n<g class=\"nodes\">\n"
        for origin in origins {
            guard let spot = place["project:" + origin.project.rawValue] else { continue }
            svg += projectNode(origin, at: spot)
        }
        for node in left + right {
            guard let spot = place[node.id.rawValue] else { continue }
            svg += self.node(node, at: spot)
        }
        return svg + "</g>\n</svg>"
    }

    private static func order(_ first: GraphNode, _ second: GraphNode) -> Bool {
        (first.country, first.name, first.id.rawValue) < (second.country, second.name, second.id.rawValue)
    }

    private func legend() -> String {
        var svg = "<g class=\"legend\">"
        var x = 10
        for (area, colour) in GraphSVG.colours {
            svg += "<line x1=\"\(x)\" y1=\"16\" x2=\"\(x + 24)\" y2=\"16\" stroke=\"\(colour)\" stroke-width=\"3\"/>"
            svg += "<text x=\"\(x + 30)\" y=\"20\">\(HTML.escape(area.rawValue))</text>"
            x += 40 + area.rawValue.count * 7
        }
        svg += "<rect x=\"540\" y=\"34\" width=\"12\" height=\"12\" fill=\"#f3c623\" stroke=\"#1d2733\"/>"
        svg += "<text x=\"558\" y=\"44\">a project's lighthouse cities as one origin</text>"
        svg += "<line x1=\"10\" y1=\"40\" x2=\"34\" y2=\"40\" stroke=\"#555555\" stroke-width=\"2\"/>"
        svg += "<text x=\"40\" y=\"44\">done (SolutionReplicated)</text>"
        svg += "<line x1=\"230\" y1=\"40\" x2=\"254\" y2=\"40\" stroke=\"#555555\" stroke-width=\"2\" "
        svg += "stroke-dasharray=\"6 4\"/><text x=\"260\" y=\"44\">planned (open ReplicationPlanned)</text>"
        return svg + "</g>\n"
    }

    private func edge(
        _ edge: GraphEdge,
        from: (x: Int, y: Int, isLeft: Bool),
        to: (x: Int, y: Int, isLeft: Bool)
    ) -> String {
        let solution = solutions[edge.solution]
        let colour = GraphSVG.colour(of: solution?.area)
        let path: String
        if from.isLeft != to.isLeft {
            let middle = (from.x + to.x) / 2
            path = "M\(from.x),\(from.y) C\(middle),\(from.y) \(middle),\(to.y) \(to.x),\(to.y)"
        } else {
            // Both ends in one column: an arc bulging towards the middle, wider for ends further apart.
            let bulge = min(40 + abs(to.y - from.y) / 3, 140) * (from.isLeft ? 1 : -1)
            path = "M\(from.x),\(from.y) C\(from.x + bulge),\(from.y) \(to.x + bulge),\(to.y) \(to.x),\(to.y)"
        }
        var title = "\(edge.solutionName): "
        let origin = edge.fromName ?? "lighthouse cities of " + (edge.projectName ?? "?")
        title += "\(origin) → \(edge.toName), \(edge.status.rawValue) \(edge.at)"
        if let project = edge.projectName { title += ", project \(project)" }
        if let funding = edge.funding { title += ", funding \(funding.rawValue)" }
        title += ", source: " + (edge.source ?? "not given")
        let dashed = edge.status == .planned ? " planned" : ""
        let marker = solution.map { " marker-end=\"url(#arrow-\($0.area.rawValue))\"" } ?? ""
        return """
            <path class="edge\(dashed)" d="\(path)" stroke="\(colour)"\(marker)><title>\(HTML.escape(title))</title>\
            </path>

            """
    }

    private func projectNode(_ origin: GraphProjectOrigin, at spot: (x: Int, y: Int, isLeft: Bool)) -> String {
        let cities = origin.lighthouseCities.map(\.rawValue).joined(separator: ", ")
        // Project names run long: the column shows a short one (the full name is in the title).
        let label = origin.name.count <= 24 ? origin.name : origin.project.rawValue
        return """
            <a href="\(HTML.escape(Page.href("/project/" + origin.project.rawValue, cut: cut)))"><rect \
            x="\(spot.x - 6)" y="\(spot.y - 6)" width="12" height="12" fill="#f3c623" stroke="#1d2733" \
            stroke-width="1.5"/><text x="\(spot.x - 11)" y="\(spot.y + 4)" text-anchor="end">\
            \(HTML.escape(label)) lighthouse cities</text><title>\(HTML.escape(origin.name)) (project \
            \(HTML.escape(origin.project.rawValue))): its lighthouse cities as one origin (\(HTML.escape(cities)))\
            </title></a>

            """
    }

    private func node(_ node: GraphNode, at spot: (x: Int, y: Int, isLeft: Bool)) -> String {
        let textX = spot.isLeft ? spot.x - 9 : spot.x + 9
        let anchor = spot.isLeft ? "end" : "start"
        let fill = node.tier == .lighthouse ? "#1d2733" : (node.tier == .fellow ? "#ffffff" : "#d5dbe3")
        let label = "\(node.name) (\(node.country))"
        return """
            <a href="\(HTML.escape(Page.href("/city/" + node.id.rawValue, cut: cut)))"><circle cx="\(spot.x)" \
            cy="\(spot.y)" r="5" fill="\(fill)" stroke="#1d2733" stroke-width="1.5"/><text x="\(textX)" \
            y="\(spot.y + 4)" text-anchor="\(anchor)">\(HTML.escape(label))</text><title>\(HTML.escape(node.name)) \
            · \(HTML.escape(node.tier.rawValue)) city</title></a>

            """
    }
}
