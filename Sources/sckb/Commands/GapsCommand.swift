import ArgumentParser
import Projections

struct GapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gaps",
        abstract: "What the record does not know yet: a to-do list for data set cleaning.",
        discussion: """
            Projects without any replication or plan, fellow cities without plans,
            demonstrations without impact reports, open obstacles, events without a
            source (by type), cities without a location, and projects past their end
            date that have no ProjectEnded. "Past" is measured against the --as-of
            date, else the day the last event inside an --until cut was recorded,
            else today (UTC).

            Examples:
              sckb gaps
              sckb gaps --format json
              sckb gaps --as-of 2019-12-31
            """
    )

    @OptionGroup var view: ViewOptions

    func run() throws {
        try view.show(rendering: Self.text) { base, cut in try base.gaps(at: cut) }
    }

    static func text(_ gaps: Gaps) {
        let out = Terminal.standardOutput
        // Each list shows its first twelve ids; --format json has them all.
        func list(_ title: String, _ ids: [Slug]) {
            out.writeLine("\(title) (\(ids.count))")
            guard !ids.isEmpty else { return }
            let more = ids.count > 12 ? " … and \(ids.count - 12) more (--format json lists all)" : ""
            for line in TextTable.wrap(ids.prefix(12).map(\.rawValue).joined(separator: " ") + more, width: 96) {
                out.writeLine("  " + line)
            }
        }
        out.writeLine("as of \(gaps.date)\n")
        list("projects without replications or plans", gaps.projectsWithoutReplications)
        list("fellow cities without plans or replications", gaps.fellowCitiesWithoutPlans)
        list("demonstrations without impact reports", gaps.demonstrationsWithoutImpacts)
        list("open obstacles", gaps.openObstacles)
        list("cities without a location", gaps.citiesWithoutLocation)
        list("projects past their end date, not ended", gaps.projectsPastEndNotEnded)
        let withoutSource = gaps.eventsWithoutSource.sorted { $0.key < $1.key }
        out.writeLine("events without a source (\(withoutSource.reduce(0) { $0 + $1.value }))")
        for (type, count) in withoutSource { out.writeLine("  \(type.rawValue): \(count)") }
        out.flush()
    }
}
