import ArgumentParser
import Foundation
import Projections

/// Prints a list view (`{"name":[objects]}`) as JSON or as one aligned table.
func printList(_ view: JSONValue, _ format: OutputFormat) {
    guard format != .json else { return JSONOutput.print(view) }
    guard case .object(let object) = view, let (_, items) = object.members.first, let rows = items.arrayValue else {
        return
    }
    var columns: [String] = []
    for row in rows {
        for key in row.objectValue?.keys ?? [] where !columns.contains(key) { columns.append(key) }
    }
    var table = TextTable(columns: columns.map { $0.uppercased().replacingOccurrences(of: "_", with: " ") })
    for row in rows { table.append(columns.map { ProfileRendering.scalar(row[$0] ?? .null) }) }
    table.print()
}

struct ProjectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projects",
        abstract: "List every project with its dates and its lighthouse and fellow cities.",
        discussion: "Examples:\n  sckb projects\n  sckb projects --format json --until 100"
    )
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: FormatOptions
    @OptionGroup var time: TimeOptions

    func run() throws {
        printList(try store.open(creating: false).projectList(at: time.view), output.format)
    }
}

struct CitiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cities",
        abstract: "List every city with its country, tier and project roles.",
        discussion: "Examples:\n  sckb cities\n  sckb cities --format json --as-of 2016-12-31"
    )
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: FormatOptions
    @OptionGroup var time: TimeOptions

    func run() throws {
        printList(try store.open(creating: false).cityList(at: time.view), output.format)
    }
}
