import ArgumentParser
import Projections

/// Reads a required entity id argument.
func slugArgument(_ text: String, _ kind: String) throws -> Slug {
    guard let slug = Slug(rawValue: text) else {
        throw ValidationError("'\(SafeText.escaped(text))' is not a \(kind) id (a slug such as leipzig)")
    }
    return slug
}

/// Reads a positional entity id: one that is no slug is bad input (exit 1), like an unknown id, not a usage error.
func idArgument(_ text: String, _ kind: String) throws(InputError) -> Slug {
    guard let slug = Slug(rawValue: text) else {
        throw InputError("'\(SafeText.escaped(text))' is not a \(kind) id (a slug such as leipzig)")
    }
    return slug
}

struct CityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "city",
        abstract: "Show a city's record: projects and roles, demonstrations, replications, CCG, grants.",
        discussion: """
            Examples:
              sckb city leipzig
              sckb city leipzig --format json --as-of 2018-12-31
            """
    )

    @Argument(help: ArgumentHelp("The city's id.", valueName: "id")) var id: String
    @OptionGroup var view: ViewOptions

    func run() throws {
        let slug = try idArgument(id, "city")
        try view.show(rendering: ProfileRendering.city) { base, cut in try base.cityProfile(slug, at: cut) }
    }
}

struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Show a project's record: cities and roles, demonstrations, impacts.",
        discussion: """
            Examples:
              sckb project triangulum
              sckb project triangulum --format json
            """
    )

    @Argument(help: ArgumentHelp("The project's id.", valueName: "id")) var id: String
    @OptionGroup var view: ViewOptions

    func run() throws {
        let slug = try idArgument(id, "project")
        try view.show(rendering: ProfileRendering.project) { base, cut in try base.projectProfile(slug, at: cut) }
    }
}

struct SolutionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solution",
        abstract: "Show a solution's record: demonstrations, replications, plans and reach.",
        discussion: """
            Examples:
              sckb solution smart-lamppost
              sckb solution smart-lamppost --format json --until 300
            """
    )

    @Argument(help: ArgumentHelp("The solution's id.", valueName: "id")) var id: String
    @OptionGroup var view: ViewOptions

    func run() throws {
        let slug = try idArgument(id, "solution")
        try view.show(rendering: ProfileRendering.solution) { base, cut in
            try base.solutionProfile(slug, at: cut)
        }
    }
}

struct KPIsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kpis",
        abstract: "Add up the reported impacts: maximum of the percentages, sum of the counts.",
        discussion: """
            A later report of the same KPI for the same demonstration replaces the
            earlier one; retracted reports count nowhere.

            Examples:
              sckb kpis
              sckb kpis --project triangulum --format json
              sckb kpis --city leipzig --as-of 2019-12-31
            """
    )

    @Option(help: ArgumentHelp("Only demonstrations of this project (default: all).", valueName: "id"))
    var project: String?
    @Option(help: ArgumentHelp("Only demonstrations in this city (default: all).", valueName: "id"))
    var city: String?
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: TableFormatOptions
    @OptionGroup var time: TimeOptions

    func validate() throws {
        if let project { _ = try slugArgument(project, "project") }
        if let city { _ = try slugArgument(city, "city") }
    }

    func run() throws {
        let totals = try store.open(creating: false).impactTotals(
            project: project.flatMap(Slug.init(rawValue:)),
            city: city.flatMap(Slug.init(rawValue:)),
            at: time.view
        )
        switch output.format {
        case .json:
            JSONOutput.print(totals)
        case .csv:
            CSVOutput.print(totals)
        default:
            var table = TextTable("KPI", "REPORTED", "PUBLISHED", "AGGREGATE")
            for kpi in KPI.allCases {
                table.append([
                    kpi.rawValue, totals.totals[kpi]?.canonicalText ?? "-", totals.published[kpi]?.canonicalText ?? "-",
                    kpi.isPercentage ? "maximum" : "sum",
                ])
            }
            table.print()
            Terminal.standardOutput.writeLine("demonstrations: \(totals.demonstrations)")
        }
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List every event naming an entity, and the retractions of those events.",
        discussion: """
            Each event with its position, when it happened (at), when it was recorded,
            who recorded it (actor) and where the fact comes from (source).

            Examples:
              sckb history leipzig
              sckb history triangulum --format json --until 2026-01-31
            """
    )

    @Argument(help: ArgumentHelp("Any entity id: city, project, solution, meeting…", valueName: "id")) var id: String
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: TableFormatOptions
    @OptionGroup var time: TimeOptions

    func run() throws {
        let slug = try idArgument(id, "entity")
        let entries = try store.open(creating: false).history(
            of: slug,
            until: time.transaction.cut,
            asOf: time.validTime
        )
        switch output.format {
        case .json:
            JSONOutput.print(EventListing(entries))
        case .csv:
            CSVOutput.print(EventListing(entries))
        default:
            var table = TextTable(columns: [
                .id("POS"), .id("AT", dropOrder: 2), .id("RECORDED"), .id("TYPE"), .text("DATA"), .id("ACTOR"),
                .text("SOURCE", dropOrder: 1), .id("RETRACTED"),
            ])
            for entry in entries {
                let event = entry.stored.event
                table.append([
                    entry.stored.position.description, entry.stored.at.text, entry.stored.recorded.rfc3339,
                    event.type.rawValue, LogCommand.summary(of: event), event.actor?.rawValue ?? "",
                    event.source ?? "", entry.retractedBy.map { "by \($0)" } ?? "",
                ])
            }
            table.print()
        }
    }
}
