import ArgumentParser
import Projections

extension ObstacleCategory: ExpressibleByArgument {}

struct ObstaclesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "obstacles",
        abstract: "Show what stood in the way of replicating solutions, where, and how it was overcome.",
        discussion: """
            Obstacles in log order, each with the solution, city and project it names and
            the pathway that got it through (ObstacleOvercome), then counts by category:
            \(ObstacleCategory.allCases.map(\.rawValue).joined(separator: ", ")).

            Examples:
              sckb obstacles
              sckb obstacles --category procurement --open
              sckb obstacles --solution smart-lamppost --format json
              sckb obstacles --city valladolid --until 2024-12-31
            """
    )

    @Option(help: ArgumentHelp("Only obstacles naming this solution (default: all).", valueName: "id"))
    var solution: String?
    @Option(help: ArgumentHelp("Only obstacles naming this city (default: all).", valueName: "id"))
    var city: String?
    @Option(help: ArgumentHelp("Only obstacles naming this project (default: all).", valueName: "id"))
    var project: String?
    @Option(help: "Only obstacles of this category (default: all).")
    var category: ObstacleCategory?
    @Flag(help: "Only obstacles not yet overcome (default: all).")
    var open = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: TableFormatOptions
    @OptionGroup var time: TimeOptions

    func validate() throws {
        if let solution { _ = try slugArgument(solution, "solution") }
        if let city { _ = try slugArgument(city, "city") }
        if let project { _ = try slugArgument(project, "project") }
    }

    func run() throws {
        let filter = ObstacleFilter(
            solution: solution.flatMap(Slug.init(rawValue:)),
            city: city.flatMap(Slug.init(rawValue:)),
            project: project.flatMap(Slug.init(rawValue:)),
            category: category,
            openOnly: open
        )
        let report = try store.open(creating: false).obstacles(filter, at: time.view)
        switch output.format {
        case .json: JSONOutput.print(report)
        case .csv: CSVOutput.print(report)
        default: ObstacleRendering.print(report)
        }
    }
}
