import EventStore
import Glibc

/// What `ccg contact import` did.
public struct ContactImportCounts: Sendable, Equatable, JSONValueView {
    /// Contacts new to this log: a ContactRegistered was appended for each.
    public var registered = 0
    /// Contacts whose data is now held here (the new ones and those the log already registered).
    public var imported = 0
    /// Entries without data (erased or not held where they came from) and contacts already held here.
    public var skipped = 0

    /// `{"registered":n,"imported":n,"skipped":n}`.
    var json: JSONValue {
        [
            "registered": Row.integer(registered), "imported": Row.integer(imported),
            "skipped": Row.integer(skipped),
        ]
    }
}

/// What `ccg contact repair` did.
public struct ContactRepair: Sendable, Equatable, JSONValueView {
    /// The contacts removed: held without a registration (an interrupted add), or held though erased (an
    /// interrupted forget).
    public var removed: [String] = []
    /// Whether the contact store was rewritten compacted.
    public var rewritten = false

    /// `{"removed":[ids],"rewritten":bool}`.
    var json: JSONValue {
        ["removed": .array(removed.map(JSONValue.string)), "rewritten": .bool(rewritten)]
    }
}

/// The contacts the log registers, with the personal data held here: the only view that shows personal data.
public struct ContactList: Sendable, Equatable {
    /// A person's data as the contact store holds it.
    public struct Person: Sendable, Equatable {
        /// The person's name and e-mail address, and role where given.
        public var name: String, email: String, role: String?
        /// The salt of the commitment, in hex.
        public var salt: String
    }

    /// One registered contact.
    public struct Entry: Sendable, Equatable {
        /// The contact, by id.
        public var contact: Slug
        /// The city, by id and name.
        public var city: Slug?, cityName: String?
        /// The person's data, when held here; nil when erased or kept elsewhere.
        public var person: Person?
        /// When it was registered (`at`) and the position of its ContactRegistered.
        public var since: String?, position: Position?
        /// The position of the ContactErased that erased it; nil while it is not erased.
        public var erasedBy: Position?

        /// Held here, erased, or registered in the log with its data kept elsewhere.
        public var status: Status {
            if erasedBy != nil { return .erased }
            return person == nil ? .notHeld : .held
        }
    }

    /// Whether a contact's data is here.
    public enum Status: String, Sendable {
        /// The data is held here.
        case held
        /// The data was erased; only the registration and the erasure remain.
        case erased
        /// The log registers the contact; its data is kept in another store.
        case notHeld = "not-held"
    }

    /// The contacts, by city, then id.
    public var contacts: [Entry]
}

extension ContactList: JSONValueView {
    /// `{"contacts":[{"contact","city","city_name","name","email","role","salt","since","position","status",
    /// "erased"}]}`.
    var json: JSONValue {
        let items: [JSONValue] = contacts.map {
            [
                "contact": .string($0.contact.rawValue), "city": .slug($0.city), "city_name": .text($0.cityName),
                "name": .text($0.person?.name), "email": .text($0.person?.email), "role": .text($0.person?.role),
                "salt": .text($0.person?.salt), "since": .text($0.since), "position": .position($0.position),
                "status": .choice($0.status), "erased": .position($0.erasedBy),
            ]
        }
        return ["contacts": .array(items)]
    }
}

extension KnowledgeBase {
    /// The folder of the contact store, inside the store's folder.
    var contactsPath: String { path + "/contacts" }

    /// The fault-injection point (`mark-between-commits`) between the commits of the contact store and the log.
    static let betweenCommits = "between-commits"

    /// Runs `body` with the contact store, opened for it and closed after it; nil when there is no contact store and
    /// `creating` is false.
    private func withContactStore<Result>(
        creating: Bool,
        _ body: (ContactStore) throws -> Result
    ) throws -> Result? {
        guard
            let store = try ContactStore(
                path: contactsPath,
                creating: creating,
                isWriteMapped: environment.isWriteMapped
            )
        else { return nil }
        return try body(store)
    }

    // MARK: Add

    /// Registers a CCG contact: the data goes into the contact store, a ContactRegistered with its commitment into
    /// the log, together or not at all.
    ///
    /// Order: the rules are checked and the event appended inside the log's write transaction; the contact store
    /// commits inside it, then the log commits. A crash between the two commits leaves a contact held without a
    /// registration, which `verify` reports and ``repairContacts()`` removes. The fault-injection point
    /// `mark-between-commits` lies between the two commits (a test kills the process there). `contact` defaults to
    /// `CITY-contact-N`.
    public func addContact(
        city: Slug,
        details: ContactDetails,
        contact: Slug? = nil,
        at: ValidTime? = nil,
        actor: Slug? = nil
    ) throws -> StoredEvent {
        try refuseLocalWrite("contact writes")
        let lock = try FolderLock(path: path, exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let salt = HeldContact.randomSalt()
        var storedID: Slug?
        do {
            return try write { transaction in
                let id = try contact ?? nextContactID(for: city, in: transaction)
                let held = HeldContact(contact: id, city: city, details: details, salt: salt)
                let registration = ContactRegistered(contact: id, city: city, commitment: held.commitment)
                let event = Event(payload: .contactRegistered(registration), at: at, actor: actor)
                guard case .appended(let recorded) = try append(event, in: transaction) else {
                    throw InputError("contact '\(id)' is already registered")
                }
                try withContactStore(creating: true) { store in
                    try store.environment.write { contacts in
                        // A re-run after the log's map grew finds its own earlier write: the same bytes.
                        if let existing = try store.held(id, in: contacts), existing != held {
                            throw InputError(
                                "contact '\(id)' is held in the contact store without a registration in the log"
                                    + " (an interrupted `ccg contact add`); run `sckb ccg contact repair` first"
                            )
                        }
                        try store.put(held, in: contacts)
                    }
                }
                storedID = id
                FaultInjection.reach(mark: KnowledgeBase.betweenCommits)
                return recorded
            }
        } catch {
            // The log did not commit: take the contact out again (best effort; verify reports what remains).
            if let storedID {
                _ = try? removeHeld([storedID.rawValue])
            }
            throw error
        }
    }

    /// `CITY-contact-N` for the first N from the city's count of contacts + 1 that is free.
    private func nextContactID(for city: Slug, in transaction: borrowing WriteTransaction) throws -> Slug {
        var number = try readModels.contactIDs(of: city, in: transaction).count + 1
        while true {
            guard let id = Slug(rawValue: "\(city)-contact-\(number)") else {
                throw InputError("city id '\(city)' is too long to name its contact; give one with --contact")
            }
            if try readModels.contactRegistration(id, in: transaction) == nil { return id }
            number += 1
        }
    }

    // MARK: Forget

    /// Erases a contact: appends ContactErased, removes the data and the salt, and rewrites the contact store
    /// compacted so that no byte of them remains in any file of the store.
    ///
    /// A reason that contains the contact's name or e-mail address is refused. Order: the log commits first; then
    /// the contact store removes the contact and marks the erasure pending; then it is rewritten, which drops the
    /// mark. A crash after the log's commit leaves a state `verify` reports and ``repairContacts()`` finishes.
    /// The fault-injection point `mark-between-commits` lies between the log's commit and the contact store's.
    public func forgetContact(
        _ contact: Slug,
        reason: String,
        at: ValidTime? = nil,
        actor: Slug? = nil
    ) throws -> StoredEvent {
        try refuseLocalWrite("contact writes")
        var fields = try FieldReader(
            type: .contactErased,
            text: [("contact", contact.rawValue), ("reason", reason)]
        )
        let payload = try Payload(type: .contactErased, reading: &fields)
        let lock = try FolderLock(path: path, exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let held = try withContactStore(creating: false) { store in
            try store.environment.read { contacts in try store.held(contact, in: contacts) }
        }
        if let held = held ?? nil {
            let lowered = reason.lowercased()
            if lowered.contains(held.details.name.lowercased()) || lowered.contains(held.details.email.lowercased()) {
                throw InputError(
                    "ContactErased refused: the reason contains the contact's name or e-mail address,"
                        + " and the log keeps every byte for ever"
                )
            }
        }
        let recorded = try write { transaction in
            guard
                case .appended(let recorded) = try append(
                    Event(payload: payload, at: at, actor: actor),
                    in: transaction
                )
            else { throw InputError("contact '\(contact)' is already erased") }
            return recorded
        }
        FaultInjection.reach(mark: KnowledgeBase.betweenCommits)
        try removeHeld([contact.rawValue])
        return recorded
    }

    /// Removes `ids` from the contact store, marks the erasure pending, and rewrites the store compacted.
    /// Returns whether there was a contact store. The caller holds the store's folder lock.
    @discardableResult
    private func removeHeld(_ ids: [String]) throws -> Bool {
        let existed: Void? = try withContactStore(creating: false) { store in
            try store.environment.write { contacts in try store.remove(ids, in: contacts) }
        }
        guard existed != nil else { return false }
        try ContactStore.rewrite(at: contactsPath)
        return true
    }

    // MARK: List

    /// The contacts the log registers (of `city`, or all), with the data held here:
    /// `{"contacts":[{"contact","city","name","email","role","salt","since","position","status","erased"}]}`.
    ///
    /// `status` is `held`, `erased` (no data, `erased` the erasure's position) or `not-held` (registered in the log,
    /// its data kept elsewhere). This is the only view that shows personal data.
    public func contacts(of city: Slug? = nil) throws -> ContactList {
        let lock = try FolderLock(path: path, exclusive: false)
        defer { withExtendedLifetime(lock) {} }
        return try environment.read { transaction in
            if let city, try transaction.row(Key.of(city), in: readModels.cities) == nil {
                throw NotFound(kind: "city", id: city.rawValue)
            }
            let ids = try readModels.contactIDs(of: city, in: transaction)
            var registrations: [(Slug, Row)] = []
            for id in ids {
                if let registration = try readModels.contactRegistration(id, in: transaction) {
                    registrations.append((id, registration))
                }
            }
            let held: [Slug: HeldContact] =
                try withContactStore(creating: false) { store in
                    try store.environment.read { contacts in
                        var found: [Slug: HeldContact] = [:]
                        for (id, _) in registrations {
                            if let contact = try store.held(id, in: contacts) { found[id] = contact }
                        }
                        return found
                    }
                } ?? [:]
            var list: [ContactList.Entry] = []
            var cityNames: [Slug: String] = [:]
            for (id, registration) in registrations {
                let erasedBy = registration.position(ErasedColumn.position)
                let data = erasedBy == nil ? held[id] : nil
                let contactCity = registration.slug("city")
                if let contactCity, cityNames[contactCity] == nil {
                    cityNames[contactCity] = try readModels.cityName(contactCity, in: transaction)
                }
                list.append(
                    ContactList.Entry(
                        contact: id,
                        city: contactCity,
                        cityName: contactCity.flatMap { cityNames[$0] },
                        person: data.map {
                            ContactList.Person(
                                name: $0.details.name,
                                email: $0.details.email,
                                role: $0.details.role,
                                salt: Hex.string($0.salt)
                            )
                        },
                        since: registration.string(Column.at),
                        position: registration.position(Column.position),
                        erasedBy: erasedBy
                    )
                )
            }
            return ContactList(contacts: list)
        }
    }

    // MARK: Import

    /// Imports contacts from the output of `ccg contacts --format json`, checking every commitment.
    ///
    /// A contact the log already registers is taken only when its name, e-mail, role and salt give the
    /// registration's commitment (and its city matches); one the log has erased is refused; one the log does not
    /// know is registered anew (a ContactRegistered, under the rules of `ccg contact add`). Entries without data
    /// are skipped. All or nothing, in the order of `addContact`: the contact store commits, then the log (the
    /// fault-injection point `mark-between-commits` lies between them).
    public func importContacts(_ bytes: [UInt8], named name: String) throws -> ContactImportCounts {
        try refuseLocalWrite("contact writes")
        let entries = try ContactImportEntry.parse(bytes, named: name)
        let lock = try FolderLock(path: path, exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        return try write { transaction in
            var counts = ContactImportCounts()
            var taking: [HeldContact] = []
            for entry in entries {
                guard let held = entry.contact else {
                    counts.skipped += 1
                    continue
                }
                let id = held.contact
                if let registration = try readModels.contactRegistration(id, in: transaction) {
                    if let erased = registration.position("erased") {
                        throw InputError(
                            "contact '\(id)' was erased (position \(erased)); its data cannot be imported again",
                            at: entry.location
                        )
                    }
                    guard registration.slug("city") == held.city, registration.string("commitment") == held.commitment
                    else {
                        throw InputError(
                            "contact '\(id)': city, name, e-mail, role or salt do not give the commitment of its"
                                + " ContactRegistered (position \(registration.positionText))",
                            at: entry.location
                        )
                    }
                } else {
                    let registration = ContactRegistered(contact: id, city: held.city, commitment: held.commitment)
                    do {
                        _ = try append(Event(payload: .contactRegistered(registration)), in: transaction)
                    } catch let violation as RuleViolation {
                        throw violation.located(at: entry.location)
                    }
                    counts.registered += 1
                }
                taking.append(held)
            }
            guard !taking.isEmpty else { return counts }
            let already = try withContactStore(creating: true) { store in
                try store.environment.write { contacts in
                    var already = 0
                    for held in taking {
                        if let existing = try store.held(held.contact, in: contacts) {
                            guard existing == held else {
                                throw InputError(
                                    "contact '\(held.contact)' is held here with other data; see `sckb verify`",
                                    at: name
                                )
                            }
                            already += 1
                        }
                        try store.put(held, in: contacts)
                    }
                    return already
                }
            }
            counts.imported = taking.count - (already ?? 0)
            counts.skipped += already ?? 0
            FaultInjection.reach(mark: KnowledgeBase.betweenCommits)
            return counts
        }
    }

    // MARK: Verify and repair

    /// The contact store's problems for `verify`: a held contact whose data no longer gives its commitment (or
    /// whose city differs from its registration), one held without a registration, one held though erased, an
    /// erasure whose rewrite did not finish. Erased contacts are otherwise skipped.
    func contactProblems() throws -> [VerificationProblem] {
        guard access(contactsPath + "/data.mdb", F_OK) == 0 else { return [] }
        let lock = try FolderLock(path: path, exclusive: false)
        defer { withExtendedLifetime(lock) {} }
        let repair = "`sckb ccg contact repair` removes it"
        return try environment.read { transaction in
            try withContactStore(creating: false) { store in
                try store.environment.read { contacts in
                    var problems: [VerificationProblem] = []
                    for id in try store.pendingErasures(in: contacts) {
                        problems.append(
                            VerificationProblem(
                                position: Position(0),
                                problem: "contact store: the erasure of contact '\(id)' did not finish rewriting the"
                                    + " files (old bytes may remain); `sckb ccg contact repair` finishes it"
                            )
                        )
                    }
                    for (id, held) in try store.all(in: contacts) {
                        guard let held else {
                            problems.append(
                                VerificationProblem(
                                    position: Position(0),
                                    problem: "contact store: the entry of contact '\(id)' is unreadable"
                                )
                            )
                            continue
                        }
                        guard let registration = try readModels.contactRegistration(held.contact, in: transaction)
                        else {
                            problems.append(
                                VerificationProblem(
                                    position: Position(0),
                                    problem: "contact store: contact '\(id)' is held but not registered in the log"
                                        + " (an interrupted `ccg contact add`); \(repair)"
                                )
                            )
                            continue
                        }
                        let position = registration.position("position") ?? Position(0)
                        if let erased = registration.position("erased") {
                            problems.append(
                                VerificationProblem(
                                    position: erased,
                                    problem: "contact store: contact '\(id)' was erased at position \(erased) but its"
                                        + " data is still held (an interrupted `ccg contact forget`); \(repair)"
                                )
                            )
                        } else if registration.string("commitment") != held.commitment
                            || registration.slug("city") != held.city
                        {
                            problems.append(
                                VerificationProblem(
                                    position: position,
                                    problem: "contact store: contact '\(id)' does not match the commitment of its"
                                        + " ContactRegistered at position \(position) (its data was changed)"
                                )
                            )
                        }
                    }
                    return problems
                }
            } ?? []
        }
    }

    /// Brings the contact store back in line with the log after a crash: removes contacts held without a
    /// registration (an interrupted add) and contacts held though erased (an interrupted forget), and rewrites
    /// the store compacted whenever something was removed or an erasure's rewrite had not finished.
    ///
    /// A contact whose data no longer matches its commitment is left alone: it is reported by `verify`, and
    /// `ccg contact forget` erases it.
    public func repairContacts() throws -> ContactRepair {
        let lock = try FolderLock(path: path, exclusive: true)
        defer { withExtendedLifetime(lock) {} }
        let leftover = access(contactsPath + ".rewrite", F_OK) == 0
        let found = try environment.read { transaction in
            try withContactStore(creating: false) { store in
                try store.environment.read { contacts -> (removing: [String], pending: Bool) in
                    var removing: [String] = []
                    for (id, held) in try store.all(in: contacts) {
                        guard let held else { continue }
                        let registration = try readModels.contactRegistration(held.contact, in: transaction)
                        if registration == nil || registration?.position("erased") != nil { removing.append(id) }
                    }
                    return (removing, try !store.pendingErasures(in: contacts).isEmpty)
                }
            }
        }
        var repair = ContactRepair()
        guard let found else { return repair }
        if !found.removing.isEmpty {
            try removeHeld(found.removing)
            repair.removed = found.removing
            repair.rewritten = true
        } else if found.pending || leftover {
            try ContactStore.rewrite(at: contactsPath)
            repair.rewritten = true
        }
        return repair
    }
}

/// One entry of a `ccg contacts --format json` file.
struct ContactImportEntry {
    /// `NAME: contacts[i]`.
    let location: String
    /// The contact with its data, or nil for an entry without data.
    let contact: HeldContact?

    static func parse(_ bytes: [UInt8], named name: String) throws -> [ContactImportEntry] {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw InputError("not valid JSON: \(error.description)", at: name)
        }
        guard let list = json["contacts"]?.arrayValue else {
            throw InputError("expected {\"contacts\":[…]}, as `sckb ccg contacts --format json` writes it", at: name)
        }
        var seen = Set<Slug>()
        return try list.enumerated().map { index, value in
            let location = "\(name): contacts[\(index)]"
            guard let object = value.objectValue,
                let contact = object["contact"]?.stringValue.flatMap(Slug.init(rawValue:)),
                let city = object["city"]?.stringValue.flatMap(Slug.init(rawValue:))
            else { throw InputError("each contact needs a 'contact' and a 'city' id", at: location) }
            guard seen.insert(contact).inserted else {
                throw InputError("contact '\(contact)' is listed twice", at: location)
            }
            func text(_ key: String) throws -> String? {
                switch object[key] {
                case nil, .null?: return nil
                case .string(let text)?: return text
                default: throw InputError("'\(key)' must be a string or null", at: location)
                }
            }
            guard let personName = try text("name") else { return ContactImportEntry(location: location, contact: nil) }
            guard let email = try text("email"), let saltText = try text("salt") else {
                throw InputError("contact '\(contact)' has a name but no e-mail or salt", at: location)
            }
            guard let salt = Hex.bytes(saltText), salt.count == 32 else {
                throw InputError("contact '\(contact)': 'salt' is not 64 lowercase hex digits", at: location)
            }
            let details: ContactDetails
            do {
                details = try ContactDetails(name: personName, email: email, role: text("role"))
            } catch let error as InputError {
                throw error.located(at: location)
            }
            return ContactImportEntry(
                location: location,
                contact: HeldContact(contact: contact, city: city, details: details, salt: salt)
            )
        }
    }
}
