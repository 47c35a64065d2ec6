import ArgumentParser
import Projections

extension EventType: ExpressibleByArgument {}

struct AppendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "append",
        abstract: "Check one event against every rule and append it to the log.",
        discussion: """
            Fields are given as field=value; numbers are written plainly (450, 12.5).
            Prints the stored event, with its position and hash.

            Examples:
              sckb append CityRegistered city=leipzig name=Leipzig country=DE
              sckb append CityJoinedProject city=leipzig project=triangulum \\
                  role=fellow --at 2015-02-01 --actor secretariat
            """
    )

    @Argument(help: ArgumentHelp("The event type.", valueName: "type"))
    var type: EventType

    @Argument(help: ArgumentHelp("The event's data, one field=value each.", valueName: "field=value"))
    var fields: [String] = []

    @Option(help: ArgumentHelp("When it happened: YYYY-MM-DD or RFC 3339 (default: now).", valueName: "time"))
    var at: String?

    @Option(help: ArgumentHelp("An id that makes repeating the command a no-op (default: none).", valueName: "id"))
    var id: String?

    @Option(help: ArgumentHelp("Who records it: an account or organisation slug (default: none).", valueName: "slug"))
    var actor: String?

    @Option(help: ArgumentHelp("Where the fact comes from: a URL or document (default: none).", valueName: "text"))
    var source: String?

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: FormatOptions

    func validate() throws {
        for field in fields where !field.contains("=") || field.hasPrefix("=") {
            throw ValidationError("'\(field)' is not field=value")
        }
    }

    func run() throws {
        let pairs = fields.map { field -> (name: String, value: String) in
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
        var reader = try FieldReader(type: type, text: pairs)
        let payload = try Payload(type: type, reading: &reader)
        let event = Event(
            payload: payload,
            id: try id.map(Event.checkedID),
            at: try at.map(Event.checkedTime),
            actor: try actor.map(Event.checkedActor),
            source: try source.map(Event.checkedSource)
        )
        let outcome = try store.write { base in try base.append(event) }
        switch (outcome, output.format) {
        case (.appended(let stored), .json), (.skipped(let stored), .json):
            JSONOutput.print(stored)
        case (.appended(let stored), _):
            Terminal.standardOutput.writeLine(
                "appended \(stored.event.type.rawValue) at position \(stored.position), hash \(stored.hash.hex)"
            )
            JSONOutput.print(stored)
        case (.skipped(let stored), _):
            Terminal.standardOutput.writeLine(
                "skipped: id already stored with the same content at position \(stored.position)"
            )
            JSONOutput.print(stored)
        }
    }
}
