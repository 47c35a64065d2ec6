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
            the events it rests on. Writes nothing.

            Examples:
              sckb next sabadell
              sckb next burgas --format json
              sckb next sabadell --as-of 2018-12-31 --format csv
            """
    )

    @Argument(help: ArgumentHelp("The city's id.", valueName: "city")) var city: String
    @OptionGroup var view: TableViewOptions

    func run() throws {
        let slug = try idArgument(city, "city")
        try view.show(rendering: Self.advice) { base, cut in try base.nextSteps(for: slug, at: cut) }
    }

    /// One block per candidate, its reasons in words.
    static func advice(_ next: NextSteps) {
        let out = Terminal.standardOutput
        out.writeLine("What \(SafeText.escaped(next.name)) could take up next: \(next.candidates.count) solutions held elsewhere")
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
                    text = "it travelled: \(cities(reason.cities)) took it over (\(positions(reason.positions.map(\.rawValue))))"
                case .sameCountry:
                    text = "cities of your country have it: \(cities(reason.cities)) (\(positions(reason.positions.map(\.rawValue))))"
                }
                for (index, line) in TextTable.wrap(text, width: 92).enumerated() {
                    out.writeLine((index == 0 ? "   - " : "     ") + line)
                }
            }
            if !candidate.ask.isEmpty { out.writeLine("   ask first: \(cities(candidate.ask))") }
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
