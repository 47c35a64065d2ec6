import ArgumentParser
import Foundation
import Projections

struct ProjectsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projects",
        abstract: "List every project with its dates and its lighthouse and fellow cities.",
        discussion: "Examples:\n  sckb projects\n  sckb projects --format json --until 100"
    )
    @OptionGroup var view: TableViewOptions

    func run() throws {
        try view.show(rendering: ProfileRendering.projects) { base, cut in try base.projectList(at: cut) }
    }
}

struct CitiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cities",
        abstract: "List every city with its country, tier and project roles.",
        discussion: "Examples:\n  sckb cities\n  sckb cities --format json --as-of 2016-12-31"
    )
    @OptionGroup var view: TableViewOptions

    func run() throws {
        try view.show(rendering: ProfileRendering.cities) { base, cut in try base.cityList(at: cut) }
    }
}
