import Projections

/// The replication graph as a table, Graphviz DOT or Mermaid; every label escaped so that any name renders.
enum GraphRendering {
    static func table(_ graph: ReplicationGraph) {
        var edges = TextTable("POS", "SOLUTION", "FROM", "TO", "AT", "FUNDING", "STATUS")
        for edge in graph.edges {
            edges.append([
                edge.position.description, edge.solution.rawValue, edge.from.rawValue, edge.to.rawValue, edge.at,
                edge.funding?.rawValue ?? "", edge.status.rawValue,
            ])
        }
        edges.print()
        Terminal.standardOutput.write("\n")
        var nodes = TextTable("CITY", "NAME", "COUNTRY", "TIER")
        for node in graph.nodes {
            nodes.append([node.id.rawValue, node.name, node.country, node.tier.rawValue])
        }
        nodes.print()
    }

    static func dot(_ graph: ReplicationGraph) -> String {
        var text = "digraph replication {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n"
        for node in graph.nodes {
            let style = node.tier == .lighthouse ? ", style=\"rounded,filled\", fillcolor=\"#ffe9a8\"" : ""
            text +=
                "  \"\(dotEscaped(node.id.rawValue))\" [label=\"\(dotEscaped("\(node.name) (\(node.country))"))\"\(style)];\n"
        }
        for edge in graph.edges {
            let dashed = edge.status == .planned ? ", style=dashed" : ""
            text +=
                "  \"\(dotEscaped(edge.from.rawValue))\" -> \"\(dotEscaped(edge.to.rawValue))\""
                + " [label=\"\(dotEscaped(edge.solution.rawValue))\"\(dashed)];\n"
        }
        return text + "}\n"
    }

    static func mermaid(_ graph: ReplicationGraph) -> String {
        var text = "flowchart LR\n"
        for node in graph.nodes {
            text += "  \(node.id.rawValue)[\"\(mermaidEscaped("\(node.name) (\(node.country))"))\"]\n"
        }
        for edge in graph.edges {
            let arrow = edge.status == .planned ? "-.->" : "-->"
            text +=
                "  \(edge.from.rawValue) \(arrow)|\"\(mermaidEscaped(edge.solution.rawValue))\"| \(edge.to.rawValue)\n"
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
