import ArgumentParser
import Projections

extension Tier: ExpressibleByArgument {}
extension Area: ExpressibleByArgument {}

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Show the replication graph: which solution went from which city to which.",
        discussion: """
            Edges are in log order; nodes are the cities at either end of an edge.
            Planned edges (open ReplicationPlanned) appear with --planned, dashed in
            dot and mermaid.

            Examples:
              sckb graph --from-tier lighthouse --to-tier fellow
              sckb graph --planned --format dot | dot -Tsvg > graph.svg
              sckb graph --solution smart-lamppost --format json --until 2020-01-01
              sckb graph --project triangulum --planned
            """
    )

    @Option(help: ArgumentHelp("Only this solution (default: all).", valueName: "id"))
    var solution: String?

    @Option(name: .customLong("from-tier"), help: "Only edges from cities of this tier (default: any).")
    var fromTier: Tier?

    @Option(name: .customLong("to-tier"), help: "Only edges to cities of this tier (default: any).")
    var toTier: Tier?

    @Option(help: ArgumentHelp("Only edges under this project (default: all).", valueName: "id"))
    var project: String?

    @Flag(help: "Add open replication plans as planned edges (default: done edges only).")
    var planned = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: GraphFormatOptions
    @OptionGroup var time: TimeOptions

    func validate() throws {
        if let solution, Slug(rawValue: solution) == nil {
            throw ValidationError("--solution '\(solution)' is not a slug")
        }
        if let project, Slug(rawValue: project) == nil {
            throw ValidationError("--project '\(project)' is not a slug")
        }
    }

    func run() throws {
        let filter = GraphFilter(
            solution: solution.flatMap(Slug.init(rawValue:)),
            fromTier: fromTier,
            toTier: toTier,
            project: project.flatMap(Slug.init(rawValue:)),
            includesPlanned: planned
        )
        let graph = try store.open(creating: false).graph(filter, at: time.view)
        switch output.format {
        case .json: JSONOutput.print(graph)
        case .csv: CSVOutput.print(graph)
        case .dot: Terminal.standardOutput.write(GraphRendering.dot(graph))
        case .mermaid: Terminal.standardOutput.write(GraphRendering.mermaid(graph))
        case .table: GraphRendering.table(graph)
        }
    }
}

struct SpreadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spread",
        abstract: "Per solution: where it was demonstrated, adopted and planned.",
        discussion: """
            Sorted by reach (distinct cities that demonstrated or adopted it), then id.
            L→F counts adoptions by fellow-tier cities from lighthouse-tier cities.

            Examples:
              sckb spread
              sckb spread --area mobility-logistics --format json
            """
    )

    @Option(help: "Only solutions of this area (default: all).")
    var area: Area?

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: TableFormatOptions
    @OptionGroup var time: TimeOptions

    func run() throws {
        let spread = try store.open(creating: false).spread(area: area, at: time.view)
        switch output.format {
        case .json:
            JSONOutput.print(spread)
        case .csv:
            CSVOutput.print(spread)
        default:
            var table = TextTable(columns: [
                .id("SOLUTION"), .id("AREA", dropOrder: 1), .id("REACH"), .id("L→F"), .text("DEMONSTRATED IN"),
                .text("ADOPTED BY"), .text("PLANNED BY"),
            ])
            for item in spread.solutions {
                table.append([
                    item.solution.rawValue, item.area.rawValue, String(item.reach), String(item.lighthouseToFellow),
                    item.demonstratedIn.map(\.rawValue).joined(separator: " "),
                    item.adoptedBy.map(\.rawValue).joined(separator: " "),
                    item.plannedBy.map(\.rawValue).joined(separator: " "),
                ])
            }
            table.print()
        }
    }
}
