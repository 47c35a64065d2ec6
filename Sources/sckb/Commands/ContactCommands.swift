import ArgumentParser
import Foundation
import Projections

/// `ccg contact add|forget|import|repair`: CCG contacts, kept outside the chain.
struct ContactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contact",
        abstract: "Add, forget, import or repair CCG contacts (personal data kept outside the chain).",
        discussion: """
            Examples:
              sckb ccg contact add leipzig --name "Ana Example" --email ana@example.org
              sckb ccg contact forget leipzig-contact-1 --reason "erasure request 2026-03"
              sckb ccg contact import contacts.json
              sckb ccg contact repair
            """,
        subcommands: [Add.self, Forget.self, Import.self, Repair.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a CCG member city's contact: data in the contact store, a commitment in the log.",
            discussion: """
                The name, e-mail and role go into the contact store, never into the log;
                the log records ContactRegistered with a salted commitment. Both commit
                or neither (see docs/readme-contacts.md).

                Example:
                  sckb ccg contact add leipzig --name "Ana Example" \\
                      --email ana@example.org --role "CCG coordinator"
                """
        )
        @Argument(help: ArgumentHelp("The city's id (a CCG member).", valueName: "city")) var city: String
        @Option(help: ArgumentHelp("The person's name (at most 200 characters).", valueName: "name")) var name: String
        @Option(help: ArgumentHelp("The e-mail address (at most 254 bytes).", valueName: "address")) var email: String
        @Option(help: ArgumentHelp("The person's role (default: none).", valueName: "role")) var role: String?
        @Option(help: ArgumentHelp("The contact's id (default: CITY-contact-N).", valueName: "id")) var contact: String?
        @OptionGroup var record: EventOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: FormatOptions

        func validate() throws {
            if let contact { _ = try slugArgument(contact, "contact") }
        }

        func run() throws {
            let details = try ContactDetails(name: name, email: email, role: role)
            let base = try store.open(creating: false)
            let stored = try base.addContact(
                city: idArgument(city, "city"),
                details: details,
                contact: contact.map { try slugArgument($0, "contact") },
                at: try record.validTime,
                actor: try record.checkedActor
            )
            printStored(stored, output.format, "registered contact")
        }
    }

    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a contact's data and salt from every file of the store; record ContactErased.",
            discussion: """
                The reason goes into the log for ever: it may not contain the name or the
                e-mail address. Afterwards the contact store is rewritten compacted.

                Example:
                  sckb ccg contact forget leipzig-contact-1 --reason "erasure request 2026-03"
                """
        )
        @Argument(help: ArgumentHelp("The contact's id.", valueName: "contact")) var contact: String
        @Option(help: ArgumentHelp("Why, without personal data (at most 500 characters).", valueName: "text"))
        var reason: String
        @OptionGroup var record: EventOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let base = try store.open(creating: false)
            let stored = try base.forgetContact(
                idArgument(contact, "contact"),
                reason: reason,
                at: try record.validTime,
                actor: try record.checkedActor
            )
            printStored(stored, output.format, "erased contact")
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import contacts from `ccg contacts --format json` output, checking every commitment.",
            discussion: """
                A contact the log registers must give its commitment; an erased one is
                refused; an unknown one is registered anew. All or nothing.

                Example:
                  sckb ccg contacts --format json --store old > contacts.json
                  sckb ccg contact import contacts.json --store new
                """
        )
        @Argument(help: ArgumentHelp("The JSON file.", valueName: "file")) var file: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let bytes: [UInt8]
            do {
                bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw InputError("cannot read the file: \((error as NSError).localizedDescription)", at: file)
            }
            let base = try store.open(creating: false)
            let counts = try base.importContacts(bytes, named: file)
            if output.format == .json {
                JSONOutput.print(counts)
            } else {
                Terminal.standardOutput.writeLine(
                    "registered \(counts.registered), imported \(counts.imported), skipped \(counts.skipped)"
                )
            }
        }
    }

    struct Repair: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the contact store back in line with the log after an interrupted add or forget.",
            discussion: """
                Removes contacts held without a ContactRegistered, and contacts held though
                erased, then rewrites the contact store compacted. `verify` says when needed.

                Example:
                  sckb ccg contact repair
                """
        )
        @OptionGroup var store: StoreOptions
        @OptionGroup var output: FormatOptions

        func run() throws {
            let repair = try store.open(creating: false).repairContacts()
            if output.format == .json {
                JSONOutput.print(repair)
            } else if repair.removed.isEmpty && !repair.rewritten {
                Terminal.standardOutput.writeLine("nothing to repair")
            } else {
                let removed = repair.removed.isEmpty ? "none" : repair.removed.joined(separator: ", ")
                Terminal.standardOutput.writeLine("removed: \(removed); contact store rewritten compacted")
            }
        }
    }
}

/// `ccg contacts [CITY]`: the only view of contacts' personal data.
struct ContactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "List CCG contacts with their data; erased ones without it.",
        discussion: """
            The JSON output holds personal data (and each salt, so that
            `ccg contact import` can check the commitments): keep it safe.

            Examples:
              sckb ccg contacts leipzig
              sckb ccg contacts --format json > contacts.json
            """
    )
    @Argument(help: ArgumentHelp("Only this city's contacts (default: all).", valueName: "city")) var city: String?
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: FormatOptions

    func run() throws {
        let list = try store.open(creating: false).contacts(of: city.map { try idArgument($0, "city") })
        if output.format == .json {
            JSONOutput.print(list)
            return
        }
        var table = TextTable(columns: [
            .id("CONTACT"), .id("CITY"), .text("NAME"), .id("EMAIL"), .text("ROLE", dropOrder: 1),
            .id("SINCE", dropOrder: 2), .id("POSITION"), .id("STATUS"),
        ])
        for entry in list.contacts {
            let status = entry.erasedBy.map { "erased (position \($0))" } ?? entry.status.rawValue
            table.append([
                entry.contact.rawValue, entry.city?.rawValue ?? "", entry.person?.name ?? "", entry.person?.email ?? "",
                entry.person?.role ?? "", entry.since ?? "", entry.position?.description ?? "", status,
            ])
        }
        table.print()
    }
}

/// Prints an event a contact command appended.
private func printStored(_ stored: StoredEvent, _ format: OutputFormat, _ what: String) {
    if format == .json {
        JSONOutput.print(stored)
        return
    }
    let contact = stored.event.payload.entities.first.map { " '\($0)'" } ?? ""
    Terminal.standardOutput.writeLine("\(what)\(contact) at position \(stored.position), hash \(stored.hash.hex)")
}

/// When a recorded event happened and who records it: `--at` and `--actor`.
struct EventOptions: ParsableArguments {
    @Option(help: ArgumentHelp("When it happened: YYYY-MM-DD or RFC 3339 (default: now).", valueName: "time"))
    var at: String?
    @Option(help: ArgumentHelp("Who records it: an account or organisation slug (default: none).", valueName: "slug"))
    var actor: String?

    /// `--at`, checked and normalized.
    var validTime: ValidTime? {
        get throws { try at.map(Event.checkedTime) }
    }

    /// `--actor`, checked.
    var checkedActor: Slug? {
        get throws { try actor.map(Event.checkedActor) }
    }
}
