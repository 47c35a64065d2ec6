import Projections

/// The replication graph drawn by sckb itself as one small graph per solution: the solution's name as a heading,
/// its origins (a city, or a project's lighthouse cities as one origin) in the left column, the cities it went to
/// or is planned to go to in the right, done edges solid and planned ones dashed, in the colour of its area.
/// Within a panel the nodes are ordered to keep crossings few (``GraphLayout``); every node links to its city or
/// project, every edge to its replication page, and every name is written out, not left to hovering.
struct GraphSVG {
    /// The graph to draw.
    var graph: ReplicationGraph
    /// Each solution's name and area.
    var solutions: [Slug: (name: String, area: Area)]
    /// The cut that links keep.
    var cut: RequestCut

    /// The colour of each area (also in the legend).
    static let colours: [(Area, String)] = [
        (.mobilityLogistics, "#1f6fb4"), (.buildings, "#c53030"), (.urbanDataICT, "#2b8a3e"),
        (.citizenEngagement, "#7b4bb7"), (.urbanGovernance, "#d9730d"),
    ]

    static func colour(of area: Area?) -> String {
        colours.first { $0.0 == area }?.1 ?? "#555555"
    }

    /// What an edge is, in words: the solution, origin, target, status, date, project, funding and source.
    static func title(of edge: GraphEdge) -> String {
        var title = "\(edge.solutionName): "
        let origin = edge.fromName ?? "lighthouse cities of " + (edge.projectName ?? "?")
        title += "\(origin) → \(edge.toName), \(edge.status.rawValue) \(edge.at)"
        if let project = edge.projectName { title += ", project \(project)" }
        if let funding = edge.funding { title += ", funding \(funding.rawValue)" }
        return title + ", source: " + (edge.source ?? "not given")
    }

    private static let rowHeight = 22
    private static let top = 14
    private static let width = 450
    private static let leftX = 180
    private static let rightX = 290

    /// The panels, one `<section>` per solution with an HTML heading and its SVG, biggest first.
    func render() -> String {
        let layout = GraphLayout(graph: graph)
        var html = "<div class=\"graph-panels\">\n"
        for (index, panel) in layout.panels.enumerated() {
            html += self.panel(panel, index: index)
        }
        return html + "</div>\n"
    }

    private func panel(_ panel: GraphLayout.Panel, index: Int) -> String {
        let solution = solutions[panel.solution]
        let colour = GraphSVG.colour(of: solution?.area)
        let name = solution?.name ?? panel.edges.first?.edge.solutionName ?? panel.solution.rawValue
        let rows = max(panel.left.count, panel.right.count, 1)
        let height = GraphSVG.top + rows * GraphSVG.rowHeight
        let done = panel.edges.filter { $0.edge.status == .done }.count
        var counts = "\(done) done"
        if panel.edges.count > done { counts += ", \(panel.edges.count - done) planned" }
        var html = """
            <section class="graph-panel"><h3>\
            \(HTML.link(Page.href("/solution/" + panel.solution.rawValue, cut: cut), name)) \
            <span class="area">\(HTML.escape(solution?.area.label ?? "")) · \(counts)</span></h3>
            <svg class="graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(GraphSVG.width) \(height)" \
            role="img" aria-label="\(HTML.escape(name)): \(panel.edges.count) edges">
            <defs><marker id="arrow-\(index)" viewBox="0 0 10 10" refX="16" refY="5" markerWidth="7" \
            markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="\(colour)"/></marker>\
            </defs>
            <g class="edges">

            """
        for placed in panel.edges {
            let fromY = MapSVG.pixel(GraphSVG.y(panel.leftRows[placed.left]))
            let toY = MapSVG.pixel(GraphSVG.y(panel.rightRows[placed.right]))
            let middle = (GraphSVG.leftX + GraphSVG.rightX) / 2
            let path = "M\(GraphSVG.leftX),\(fromY) C\(middle),\(fromY) \(middle),\(toY) \(GraphSVG.rightX),\(toY)"
            let planned = placed.edge.status == .planned ? " planned" : ""
            html += """
                <a href="\(HTML.escape(Page.href("/replication/\(placed.edge.position.rawValue)", cut: cut)))">\
                <path class="hit" d="\(path)"/><path class="edge\(planned)" d="\(path)" stroke="\(colour)" \
                marker-end="url(#arrow-\(index))"/><title>\(HTML.escape(GraphSVG.title(of: placed.edge)))</title></a>

                """
        }
        html += "</g>\n<g class=\"nodes\">\n"
        for (index, node) in panel.left.enumerated() {
            html += self.node(node, y: GraphSVG.y(panel.leftRows[index]), isLeft: true)
        }
        for (index, node) in panel.right.enumerated() {
            html += self.node(node, y: GraphSVG.y(panel.rightRows[index]), isLeft: false)
        }
        return html + "</g>\n</svg></section>\n"
    }

    /// The y of a row (rows may fall between whole rows).
    private static func y(_ row: Double) -> Double {
        Double(top) + row * Double(rowHeight)
    }

    private func node(_ node: GraphLayout.Node, y: Double, isLeft: Bool) -> String {
        let (top, baseline, y) = (MapSVG.pixel(y - 6), MapSVG.pixel(y + 4), MapSVG.pixel(y))
        let x = isLeft ? GraphSVG.leftX : GraphSVG.rightX
        let textX = isLeft ? x - 9 : x + 9
        let anchor = isLeft ? "end" : "start"
        switch node {
        case .project(let origin):
            let cities = origin.lighthouseCities.map(\.rawValue).joined(separator: ", ")
            // Project names run long: the column shows a short one (the full name is in the title).
            let label = (origin.name.count <= 16 ? origin.name : origin.project.rawValue) + " lighthouses"
            return """
                <a href="\(HTML.escape(Page.href("/project/" + origin.project.rawValue, cut: cut)))"><rect \
                x="\(x - 6)" y="\(top)" width="12" height="12" class="origin"/><text x="\(textX)" y="\(baseline)" \
                text-anchor="\(anchor)">\(HTML.escape(label))</text><title>\(HTML.escape(origin.name)) (project \
                \(HTML.escape(origin.project.rawValue))): its lighthouse cities as one origin (\(HTML.escape(cities)))\
                </title></a>

                """
        case .city(let city):
            let label = "\(city.name) (\(city.country))"
            return """
                <a href="\(HTML.escape(Page.href("/city/" + city.id.rawValue, cut: cut)))"><circle cx="\(x)" \
                cy="\(y)" r="5" class="\(city.tier.rawValue)"/><text x="\(textX)" y="\(baseline)" \
                text-anchor="\(anchor)">\(HTML.escape(label))</text><title>\(HTML.escape(city.name)) · \
                \(HTML.escape(city.tier.rawValue)) city</title></a>

                """
        }
    }

    /// The key to the drawings: node shapes by tier, line styles by status, colours by area.
    static func legend() -> String {
        var svg = """
            <svg class="graph-legend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 64" role="img" \
            aria-label="Key to the graph"><g>
            """
        var x = 10
        for (area, colour) in GraphSVG.colours {
            svg += "<line x1=\"\(x)\" y1=\"14\" x2=\"\(x + 22)\" y2=\"14\" stroke=\"\(colour)\" stroke-width=\"3\"/>"
            svg += "<text x=\"\(x + 27)\" y=\"18\">\(HTML.escape(area.label))</text>"
            x += 36 + area.label.count * 6
        }
        let shapes: [(String, String)] = [
            ("<circle cx=\"16\" cy=\"36\" r=\"5\" class=\"lighthouse\"/>", "lighthouse city"),
            ("<circle cx=\"136\" cy=\"36\" r=\"5\" class=\"fellow\"/>", "fellow city"),
            ("<circle cx=\"236\" cy=\"36\" r=\"5\" class=\"other\"/>", "other city"),
            ("<rect x=\"330\" y=\"30\" width=\"12\" height=\"12\" class=\"origin\"/>", "a project's lighthouse cities"),
        ]
        let textX = [26, 146, 246, 348]
        for (index, shape) in shapes.enumerated() {
            svg += shape.0 + "<text x=\"\(textX[index])\" y=\"40\">\(shape.1)</text>"
        }
        svg += "<path class=\"edge\" d=\"M10,56 H34\" stroke=\"#555555\"/><text x=\"40\" y=\"60\">done</text>"
        svg += "<path class=\"edge planned\" d=\"M90,56 H114\" stroke=\"#555555\"/>"
        svg += "<text x=\"120\" y=\"60\">planned (open ReplicationPlanned)</text>"
        return svg + "</g></svg>\n"
    }
}
