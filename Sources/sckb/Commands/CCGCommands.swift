import ArgumentParser
import Projections

struct CCGCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ccg",
        abstract: "City Coordinators Group views: members, meetings, travel, eligibility.",
        discussion: """
            Examples:
              sckb ccg members
              sckb ccg travel --year 2025
              sckb ccg eligibility leipzig --meeting ccg-2025-lisbon --amount 400
            """,
        subcommands: [
            Members.self, Meetings.self, Travel.self, EligibilityCommand.self, ContactsCommand.self,
            ContactCommand.self,
        ]
    )

    struct Members: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the current CCG members.",
            discussion: "Example:\n  sckb ccg members --format json"
        )
        @OptionGroup var view: TableViewOptions

        func run() throws {
            try view.show(rendering: CCGRendering.members) { base, cut in try base.ccgMembers(at: cut) }
        }
    }

    struct Meetings: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List CCG meetings with their attendees.",
            discussion: "Example:\n  sckb ccg meetings --year 2025"
        )
        @Option(help: ArgumentHelp("Only meetings held in this year (default: all).", valueName: "year"))
        var year: Int?
        @OptionGroup var view: TableViewOptions

        func run() throws {
            try view.show(rendering: CCGRendering.meetings) { base, cut in try base.ccgMeetings(year: year, at: cut) }
        }
    }

    struct Travel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List travel contributions and each city's trips and total per year.",
            discussion: "Example:\n  sckb ccg travel --year 2025 --format json"
        )
        @Option(help: ArgumentHelp("Only contributions for meetings in this year (default: all).", valueName: "year"))
        var year: Int?
        @OptionGroup var view: TableViewOptions

        func run() throws {
            try view.show(rendering: CCGRendering.travel) { base, cut in try base.ccgTravel(year: year, at: cut) }
        }
    }

    struct EligibilityCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eligibility",
            abstract: "May a city receive a travel contribution for a meeting? Yes or no, and every reason.",
            discussion: """
                Writes nothing. Exit 0 if eligible, 1 if not. An unknown city or meeting
                is a no, with that reason.

                Example:
                  sckb ccg eligibility leipzig --meeting ccg-2025-lisbon --amount 400
                """
        )
        @Argument(help: ArgumentHelp("The city's id.", valueName: "city")) var city: String
        @Option(help: ArgumentHelp("The meeting's id.", valueName: "id")) var meeting: String
        @Option(
            parsing: .unconditional,
            help: ArgumentHelp("The amount asked for, in EUR (default: not checked).", valueName: "EUR")
        )
        var amount: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: FormatOptions
        @OptionGroup var time: TimeOptions

        func validate() throws {
            if let amount, (try? JSONNumber(literal: amount)) == nil {
                throw ValidationError("--amount '\(amount)' is not a number such as 450 or 120.5")
            }
        }

        func run() throws {
            _ = try idArgument(city, "city")
            let answer = try store.open(creating: false).eligibility(
                city: city,
                meeting: meeting,
                amount: amount.flatMap { try? JSONNumber(literal: $0) },
                at: time.view
            )
            if output.format == .json {
                JSONOutput.print(answer)
            } else {
                Terminal.standardOutput.writeLine(answer.isEligible ? "eligible: yes" : "eligible: no")
                for reason in answer.reasons { Terminal.standardOutput.writeLine("- " + SafeText.escaped(reason)) }
            }
            if !answer.isEligible { throw CommandFailure(status: .refused, description: "") }
        }
    }
}
