import ArgumentParser
import Projections

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find cities, projects, solutions, demonstrations and obstacles by id, name or text.",
        discussion: """
            Matching ignores case and accents: koln finds Köln, malmo finds Malmö,
            lamppost finds Smart lamppost. The text is one phrase. Results come by kind
            (city, project, solution, demonstration, obstacle); within a kind exact
            matches first, then matches at the start of a word, then the rest.

            Examples:
              sckb search koln
              sckb search "vendor lock-in" --format json
              sckb search e-bus --as-of 2018-12-31
            """
    )

    @Argument(help: ArgumentHelp("What to look for: a name, an id or words of an obstacle.", valueName: "text"))
    var text: String
    @OptionGroup var view: TableViewOptions

    func validate() throws {
        guard !SearchFolding.needle(text).isEmpty else {
            throw ValidationError("the search text is empty; give a name, an id or words of an obstacle")
        }
    }

    func run() throws {
        try view.show(rendering: Self.table) { base, cut in try base.search(text, at: cut) }
    }

    static func table(_ found: SearchResults) {
        guard !found.results.isEmpty else {
            Terminal.standardOutput.writeLine("nothing found")
            return
        }
        TextTable(
            headers: ["KIND", "ID", "NAME", "MATCHED"],
            rows: found.results.map { [$0.kind.rawValue, $0.id.rawValue, $0.name, $0.field.rawValue] }
        ).print()
    }
}
