import ArgumentParser
import Projections

struct NextCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "What a city could take up next: proven solutions, why, from whom, and what stood in the way.",
        discussion: """
            Every solution another city holds and this city does not, best first: more
            reasons first (own-project: a lighthouse city of one of its projects has it;
            open-plan: the city plans it; adopted-elsewhere: a city took it over by
            replication; same-country: a city of its country has it), then more
            adoptions, then more reach. Each reason cites the cities and the positions of
            the events it rests on. All candidates are ranked; a page of them is shown
            (candidates_total in JSON counts them all), each with at most --holders
            holders (holders_total counts them all), and each reason cites those of them
            it rests on. Writes nothing.

            Examples:
              sckb next sabadell
              sckb next burgas --format json --limit 10 --offset 10
              sckb next sabadell --as-of 2018-12-31 --format csv --all
            """
    )

    @Argument(help: ArgumentHelp("The city's id.", valueName: "city")) var city: String

    @Option(
        help: ArgumentHelp("Show at most this many candidates (default: \(NextPage.defaultLimit)).", valueName: "N")
    )
    var limit: Int = NextPage.defaultLimit

    @Option(help: ArgumentHelp("Skip this many candidates, best first (default: 0).", valueName: "N"))
    var offset: Int = 0

    @Option(
        help: ArgumentHelp(
            "List at most this many holders per candidate, at least 3 (default: \(NextPage.defaultHolders)).",
            valueName: "N"
        )
    )
    var holders: Int = NextPage.defaultHolders

    @Flag(help: "Show every candidate with every holder (overrides --limit and --holders).")
    var all = false

    @OptionGroup var view: TableViewOptions

    func validate() throws {
        if limit < 0 { throw ValidationError("--limit must be 0 or more") }
        if offset < 0 { throw ValidationError("--offset must be 0 or more") }
        if holders < 3 { throw ValidationError("--holders must be 3 or more") }
    }

    func run() throws {
        let slug = try idArgument(city, "city")
        let page =
            all
            ? NextPage(offset: offset, limit: nil, holders: nil)
            : NextPage(offset: offset, limit: limit, holders: holders)
        try view.show(rendering: Self.advice) { base, cut in try base.nextSteps(for: slug, at: cut, page: page) }
    }

    /// One block per candidate, its reasons in words.
    static func advice(_ next: NextSteps) {
        let out = Terminal.standardOutput
        out.writeLine("What \(SafeText.escaped(next.name)) could take up next: \(next.total) solutions held elsewhere")
        if next.candidates.count < next.total {
            let shown = next.candidates.first.map { "\($0.rank) to \($0.rank + next.candidates.count - 1)" } ?? "none"
            out.writeLine("(shown: \(shown); see --limit, --offset and --all)")
        }
        for candidate in next.candidates {
            out.writeLine("")
            let area = candidate.area.map { ", \($0.rawValue)" } ?? ""
            out.writeLine(
                "\(candidate.rank). \(SafeText.escaped(candidate.name)) (\(candidate.solution)\(area)): "
                    + "\(candidate.adoptions) adoption\(candidate.adoptions == 1 ? "" : "s"), reach \(candidate.reach)"
            )
            let names = Dictionary(candidate.holders.map { ($0.city, $0.name) }, uniquingKeysWith: { first, _ in first })
            func cities(_ ids: [Slug]) -> String {
                ids.map { SafeText.escaped(names[$0] ?? $0.rawValue) }.joined(separator: ", ")
            }
            func positions(_ list: [UInt64]) -> String {
                (list.count == 1 ? "position " : "positions ") + list.map(String.init).joined(separator: ", ")
            }
            for reason in candidate.reasons {
                let unnamed = reason.citiesTotal - reason.cities.count
                let more = unnamed > 0 ? " and \(unnamed) more" : ""
                let text: String
                switch reason.reason {
                case .ownProject:
                    let holders = reason.cities.map { id -> (name: String, year: String) in
                        let holder = candidate.holders.first { $0.city == id }
                        return (SafeText.escaped(holder?.name ?? id.rawValue), String((holder?.at ?? "").prefix(4)))
                    }
                    let projects = reason.projects.map(\.rawValue).joined(separator: ", ")
                    let plural = reason.projects.count > 1 ? "s" : ""
                    let who =
                        holders.count == 1
                        ? "city \(holders[0].name) has it since \(holders[0].year)"
                        : "cities " + holders.map { "\($0.name) (since \($0.year))" }.joined(separator: ", ") + " have it"
                    text = "your project\(plural) \(projects)'s lighthouse \(who)"
                        + " (\(positions(reason.positions.map(\.rawValue))))"
                case .openPlan:
                    text = "you plan it (\(positions(reason.positions.map(\.rawValue))))"
                case .adoptedElsewhere:
                    text = "it travelled: \(cities(reason.cities))\(more) took it over"
                        + " (\(positions(reason.positions.map(\.rawValue))))"
                case .sameCountry:
                    text = "cities of your country have it: \(cities(reason.cities))\(more)"
                        + " (\(positions(reason.positions.map(\.rawValue))))"
                }
                for (index, line) in TextTable.wrap(text, width: 92).enumerated() {
                    out.writeLine((index == 0 ? "   - " : "     ") + line)
                }
            }
            if !candidate.ask.isEmpty { out.writeLine("   ask first: \(cities(candidate.ask))") }
            if candidate.holders.count < candidate.holdersTotal {
                let listed = candidate.holders.count
                out.writeLine("   \(candidate.holdersTotal) holders in all; the reasons cite \(listed) of them")
            }
            for obstacle in candidate.obstacles {
                let state = obstacle.how.map { "overcome: \(SafeText.escaped($0))" } ?? "still open"
                let place = obstacle.city.map { " in " + SafeText.escaped(obstacle.cityName ?? $0.rawValue) } ?? ""
                let text = "obstacle\(place) (\(obstacle.category.rawValue)), \(state)"
                for (index, line) in TextTable.wrap(text, width: 92).enumerated() {
                    out.writeLine((index == 0 ? "   " : "     ") + line)
                }
            }
            let funding = candidate.funding.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }
            if !funding.isEmpty || !candidate.grants.isEmpty {
                let grants = candidate.grants.isEmpty ? "" : "; \(candidate.grants.count) grant(s)"
                out.writeLine("   funding of its replications: \(funding.isEmpty ? "not given" : funding.joined(separator: ", "))\(grants)")
            }
        }
        out.flush()
    }
}
