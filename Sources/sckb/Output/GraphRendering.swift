import Projections

/// The replication graph as a table, Graphviz DOT or Mermaid; every label escaped so that any name renders.
enum GraphRendering {
    static func table(_ graph: ReplicationGraph) {
        var edges = TextTable(columns: [
            .id("POS"), .id("SOLUTION"), .id("FROM"), .id("TO"), .id("AT", dropOrder: 2), .id("FUNDING", dropOrder: 1),
            .id("STATUS"),
        ])
        for edge in graph.edges {
            edges.append([
                edge.position.description, edge.solution.rawValue, fromText(edge), edge.to.rawValue, edge.at,
                edge.funding?.rawValue ?? "", edge.status.rawValue,
            ])
        }
        edges.print()
        Terminal.standardOutput.write("\n")
        var nodes = TextTable(columns: [.id("CITY"), .text("NAME"), .id("COUNTRY"), .id("TIER")])
        for node in graph.nodes {
            nodes.append([node.id.rawValue, node.name, node.country, node.tier.rawValue])
        }
        nodes.print()
        guard !graph.projectOrigins.isEmpty else { return }
        Terminal.standardOutput.write("\nPROJECT* in FROM: the lighthouse cities of that project, as one origin\n")
        var origins = TextTable(columns: [.id("ORIGIN"), .text("PROJECT"), .text("LIGHTHOUSE CITIES")])
        for origin in graph.projectOrigins {
            origins.append([
                origin.project.rawValue + "*", origin.name,
                origin.lighthouseCities.map(\.rawValue).joined(separator: " "),
            ])
        }
        origins.print()
    }

    /// The FROM cell: the origin city, or `PROJECT*` for a project's lighthouse cities (no slug holds `*`).
    private static func fromText(_ edge: GraphEdge) -> String {
        edge.from?.rawValue ?? edge.project.map { $0.rawValue + "*" } ?? ""
    }

    /// The DOT node id of an edge's origin: the city's id, or `lighthouses:PROJECT` (no slug holds a colon).
    private static func dotOrigin(_ edge: GraphEdge) -> String {
        edge.from?.rawValue ?? "lighthouses:" + (edge.project?.rawValue ?? "")
    }

    /// The Mermaid node id of an edge's origin: the city's id, or `lighthouses_PROJECT` (no slug holds `_`).
    private static func mermaidOrigin(_ edge: GraphEdge) -> String {
        edge.from?.rawValue ?? "lighthouses_" + (edge.project?.rawValue ?? "")
    }

    /// The label of a project origin's node.
    private static func originLabel(_ origin: GraphProjectOrigin) -> String {
        "\(origin.name): lighthouse cities"
    }

    static func dot(_ graph: ReplicationGraph) -> String {
        var text = "digraph replication {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n"
        for node in graph.nodes {
            let style = node.tier == .lighthouse ? ", style=\"rounded,filled\", fillcolor=\"#ffe9a8\"" : ""
            text +=
                "  \"\(dotEscaped(node.id.rawValue))\" [label=\"\(dotEscaped("\(node.name) (\(node.country))"))\"\(style)];\n"
        }
        for origin in graph.projectOrigins {
            text +=
                "  \"lighthouses:\(dotEscaped(origin.project.rawValue))\" [label=\"\(dotEscaped(originLabel(origin)))\""
                + ", shape=box, style=\"filled\", fillcolor=\"#ffd166\"];\n"
        }
        for edge in graph.edges {
            let dashed = edge.status == .planned ? ", style=dashed" : ""
            text +=
                "  \"\(dotEscaped(dotOrigin(edge)))\" -> \"\(dotEscaped(edge.to.rawValue))\""
                + " [label=\"\(dotEscaped(edge.solution.rawValue))\"\(dashed)];\n"
        }
        return text + "}\n"
    }

    static func mermaid(_ graph: ReplicationGraph) -> String {
        var text = "flowchart LR\n"
        for node in graph.nodes {
            text += "  \(node.id.rawValue)[\"\(mermaidEscaped("\(node.name) (\(node.country))"))\"]\n"
        }
        for origin in graph.projectOrigins {
            text += "  lighthouses_\(origin.project.rawValue)[\"\(mermaidEscaped(originLabel(origin)))\"]\n"
        }
        for edge in graph.edges {
            let arrow = edge.status == .planned ? "-.->" : "-->"
            text +=
                "  \(mermaidOrigin(edge)) \(arrow)|\"\(mermaidEscaped(edge.solution.rawValue))\"| \(edge.to.rawValue)\n"
        }
        return text
    }

    /// A DOT string body: control characters as visible escapes, then `\` and `"` escaped.
    static func dotEscaped(_ text: String) -> String {
        SafeText.escaped(text).replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }

    /// A Mermaid label: control characters as visible escapes; quotes and markup as Mermaid entity codes.
    static func mermaidEscaped(_ text: String) -> String {
        var result = ""
        for character in SafeText.escaped(text) {
            switch character {
            case "\"": result += "#quot;"
            case "<": result += "#lt;"
            case ">": result += "#gt;"
            case "#": result += "#35;"
            case "&": result += "#amp;"
            case "|": result += "#124;"
            case "`": result += "#96;"
            default: result.append(character)
            }
        }
        return result
    }
}
