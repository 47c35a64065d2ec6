import ArgumentParser
import Foundation
import Projections

/// Prints a list view (`{"name":[objects]}`) as one aligned table.
func printList(_ view: JSONValue) {
    guard case .object(let object) = view, let (_, items) = object.members.first, let rows = items.arrayValue else {
        return
    }
    var columns: [String] = []
    for row in rows {
        for key in row.objectValue?.keys ?? [] where !columns.contains(key) { columns.append(key) }
    }
    let table = TextTable(
        headers: columns.map { $0.uppercased().replacingOccurrences(of: "_", with: " ") },
        rows: rows.map { row in columns.map { ProfileRendering.scalar(row[$0] ?? .null) } }
    )
    table.print()
}

struct ProjectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projects",
        abstract: "List every project with its dates and its lighthouse and fellow cities.",
        discussion: "Examples:\n  sckb projects\n  sckb projects --format json --until 100"
    )
    @OptionGroup var view: ViewOptions

    func run() throws {
        try view.show(rendering: printList) { base, cut in try base.projectList(at: cut) }
    }
}

struct CitiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cities",
        abstract: "List every city with its country, tier and project roles.",
        discussion: "Examples:\n  sckb cities\n  sckb cities --format json --as-of 2016-12-31"
    )
    @OptionGroup var view: ViewOptions

    func run() throws {
        try view.show(rendering: printList) { base, cut in try base.cityList(at: cut) }
    }
}
