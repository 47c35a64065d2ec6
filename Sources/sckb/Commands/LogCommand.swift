import ArgumentParser
import EventStore
import Projections

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List the log, retracted events marked.",
        discussion: """
            Examples:
              sckb log --limit 20
              sckb log --type SolutionReplicated --format json
              sckb log --entity leipzig --from 100
            """
    )

    @Option(help: ArgumentHelp("Only events of this type (default: all).", valueName: "type"))
    var type: EventType?

    @Option(help: ArgumentHelp("Only events naming this entity id (default: all).", valueName: "id"))
    var entity: String?

    @Option(help: ArgumentHelp("Start at this position (default: 1).", valueName: "N"))
    var from: UInt64 = 1

    @Option(help: ArgumentHelp("List at most this many events (default: all).", valueName: "N"))
    var limit: Int?

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: TableFormatOptions
    @OptionGroup var time: TimeOptions

    func validate() throws {
        if let entity, Slug(rawValue: entity) == nil { throw ValidationError("--entity '\(entity)' is not a slug") }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        if from < 1 { throw ValidationError("--from must be 1 or more") }
    }

    func run() throws {
        var filter = LogFilter()
        filter.type = type
        filter.entity = entity.flatMap(Slug.init(rawValue:))
        filter.from = Position(from)
        filter.limit = limit
        filter.until = time.transaction.cut
        filter.asOf = time.validTime
        let base = try store.open(creating: false)
        switch output.format {
        case .json, .csv:
            var entries: [LogEntry] = []
            try base.log(filter) { entries.append($0) }
            if output.format == .csv { CSVOutput.print(EventListing(entries)) } else { JSONOutput.print(EventListing(entries)) }
        default:
            var table = TextTable(columns: [
                .id("POS"), .id("AT"), .id("TYPE"), .text("NAMES"), .id("ACTOR"), .id("RETRACTED"),
            ])
            try base.log(filter) { entry in
                let event = entry.stored.event
                table.append([
                    entry.stored.position.description, entry.stored.at.text, event.type.rawValue,
                    LogCommand.summary(of: event), event.actor?.rawValue ?? "",
                    entry.retractedBy.map { "by \($0)" } ?? "",
                ])
            }
            table.print()
        }
    }

    static func summary(of event: Event) -> String {
        if case .eventRetracted(let retraction) = event.payload {
            return "position \(retraction.position): \(retraction.reason)"
        }
        return event.payload.fields.map { "\($0.name)=\($0.text)" }.joined(separator: " ")
    }
}
