import EventStore

/// A CCG contact is registered: the log keeps only a commitment to the person's data, which lives outside the chain.
public struct ContactRegistered: EventData {
    /// The event type, `ContactRegistered`.
    public static let type = EventType.contactRegistered
    /// The contact's id, new to the record.
    public var contact: Slug
    /// The city the contact represents: registered, and a CCG member now.
    public var city: Slug
    /// Lowercase hex SHA-256(salt ‖ RFC 8785 bytes of {"email","name","role"}), which reveals nothing without the
    /// salt.
    public var commitment: String

    /// The data of a registration.
    public init(contact: Slug, city: Slug, commitment: String) {
        self.contact = contact
        self.city = city
        self.commitment = commitment
    }

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        contact = try fields.slug("contact")
        city = try fields.slug("city")
        commitment = try fields.name("commitment", maximumLength: 64)
        guard commitment.utf8.count == 64, commitment.utf8.allSatisfy(ContactRegistered.isLowercaseHexDigit) else {
            throw InputError(
                "ContactRegistered: field 'commitment': '\(SafeText.escaped(commitment))' is not 64 lowercase hex digits"
            )
        }
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("contact", contact)
        fields.slug("city", city)
        fields.text("commitment", commitment)
    }

    /// The contact and the city.
    public var entities: [Slug] { [contact, city] }

    static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
    }
}

/// A CCG contact's data was erased on request; the reason holds no personal data.
public struct ContactErased: EventData {
    /// The event type, `ContactErased`.
    public static let type = EventType.contactErased
    /// The contact erased, by id: registered, not yet erased.
    public var contact: Slug
    /// Why (for example "erasure request of 2026-03-01"): 1–500 characters, no e-mail address.
    public var reason: String

    /// The data of an erasure.
    public init(contact: Slug, reason: String) {
        self.contact = contact
        self.reason = reason
    }

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        contact = try fields.slug("contact")
        reason = try fields.name("reason", maximumLength: 500)
        if reason.unicodeScalars.contains(where: SafeText.isControl) {
            throw InputError("ContactErased: field 'reason': must not contain control characters")
        }
        if ContactErased.containsEmailAddress(reason) {
            throw InputError(
                "ContactErased: field 'reason': must not contain an e-mail address (the log keeps every byte for ever)"
            )
        }
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("contact", contact)
        fields.text("reason", reason)
    }

    /// The contact.
    public var entities: [Slug] { [contact] }

    /// Whether some word of `text` looks like an e-mail address: text, `@`, a domain with a dot.
    static func containsEmailAddress(_ text: String) -> Bool {
        text.split(whereSeparator: { $0.isWhitespace }).contains { word in
            guard let at = word.firstIndex(of: "@"), at != word.startIndex else { return false }
            return word[word.index(after: at)...].dropLast().contains(".")
        }
    }
}

// MARK: Rules, fold and views of the two contact events

/// Keys of the contact read model (the table `rm.contacts`): `contact ‖ id` → the registration, with its erasure;
/// `city ‖ city ‖ id` → nothing, the contacts of a city in id order.
enum ContactKey {
    static func contact(_ contact: Slug) -> [UInt8] { Key.of("contact", contact.rawValue) }
    static func city(_ city: Slug, _ contact: Slug) -> [UInt8] { Key.of("city", city.rawValue, contact.rawValue) }
    static func cityPrefix(_ city: Slug) -> [UInt8] { Key.of("city", city.rawValue) + [0] }
}

/// Fields a ContactErased adds to the registration's row.
enum ErasedColumn {
    static let position = "erased"
    static let at = "erased_at"
}

extension ContactRegistered: ProjectedEvent {
    var payload: Payload { .contactRegistered(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] { [FoldEffect(writes: [models.contacts])] }

    /// A registration's row carries its event, and the erasure that ``ContactErased`` marks on it; a city's entry
    /// (city ‖ city ‖ contact) leads to the registration under contact ‖ contact.
    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] {
        let cityIndexPrefix = Array("city".utf8) + [0]
        return [
            models.contacts: RowCarrier(
                .lookup(models.contacts) { key, value in
                    guard key.starts(with: cityIndexPrefix), let zero = key.lastIndex(of: 0) else { return nil }
                    return Array("contact".utf8) + [0] + Array(key[(zero + 1)...])
                },
                marks: [RowCarrier.Mark(position: ErasedColumn.position, at: ErasedColumn.at)]
            )
        ]
    }

    /// A new contact id; the city registered and a CCG member now.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try rule.new("contact", contact, tables.row(ContactKey.contact(contact), in: models.contacts))
        try models.requireMember(city, rule, in: tables)
    }

    /// The registration's row, and the city's index entry.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.put(event.row(object), forKey: ContactKey.contact(contact), in: models.contacts)
        try tables.put([], forKey: ContactKey.city(city, contact), in: models.contacts)
    }
}

extension ContactErased: ProjectedEvent {
    var payload: Payload { .contactErased(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [FoldEffect(writes: [models.contacts], reads: [models.contacts])]
    }

    /// The contact is registered and not yet erased.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        let registration = try rule.known(
            "contact",
            contact,
            tables.row(ContactKey.contact(contact), in: models.contacts)
        )
        if let erased = registration.position(ErasedColumn.position) {
            throw rule.violation("contact '\(contact)' is already erased (position \(erased))")
        }
    }

    /// Marks the registration's row erased, with the erasure's position and `at`.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        guard var registration = try tables.row(ContactKey.contact(contact), in: models.contacts) else { return }
        registration[ErasedColumn.position] = Row.position(event.position)
        registration[ErasedColumn.at] = .string(event.at.text)
        try tables.put(registration, forKey: ContactKey.contact(contact), in: models.contacts)
    }
}

extension ReadModels {
    /// The registration of `contact` as the log records it (`contact`, `city`, `commitment`, `position`, `at`, and
    /// `erased`, `erased_at` once erased), or nil.
    func contactRegistration(
        _ contact: Slug,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> Row? {
        try tables.row(ContactKey.contact(contact), in: contacts)
    }

    /// The ids of the contacts registered for `city`, in id order; of every city when nil.
    func contactIDs(of city: Slug?, in tables: borrowing some KeyValueReader & ~Copyable) throws -> [Slug] {
        var ids: [Slug] = []
        let prefix = city.map(ContactKey.cityPrefix) ?? Key.of("contact") + [0]
        try tables.scan(contacts, prefix: prefix) { key, _ in
            let parts = Key.parts(key)
            if let last = parts.last, let id = Key.slug(last) { ids.append(id) }
            return true
        }
        return ids
    }

    /// The `contact` key of a city profile: whether a contact is held (registered and not erased), and each
    /// registration with its erasure; never the person's data.
    func contactSummary(of city: Slug, in tables: borrowing some KeyValueReader & ~Copyable) throws -> ContactSummary {
        var list: [ContactSummary.Registration] = []
        for id in try contactIDs(of: city, in: tables) {
            guard let registration = try contactRegistration(id, in: tables) else { continue }
            list.append(
                .init(
                    contact: id,
                    since: registration.string(Column.at),
                    position: registration.position(Column.position),
                    erasedBy: registration.position(ErasedColumn.position)
                )
            )
        }
        return ContactSummary(contacts: list)
    }
}

/// A city's CCG contacts as its profile shows them: registrations and erasures, never a person's data.
public struct ContactSummary: Sendable, Equatable {
    /// One ContactRegistered of the city, with its erasure if any.
    public struct Registration: Sendable, Equatable {
        /// The contact, by id.
        public var contact: Slug
        /// When it was registered (`at`) and the position of its ContactRegistered.
        public var since: String?, position: Position?
        /// The position of the ContactErased that erased it; nil while it is held.
        public var erasedBy: Position?
        /// Whether its data was erased.
        public var isErased: Bool { erasedBy != nil }
    }

    /// The city's contact registrations, by contact id.
    public var contacts: [Registration]
    /// Whether a contact is held: registered and not erased.
    public var isHeld: Bool { contacts.contains { !$0.isErased } }

    /// `{"held":bool,"contacts":[{"contact","since","position","erased"}]}`.
    var json: JSONValue {
        let items: [JSONValue] = contacts.map {
            [
                "contact": .string($0.contact.rawValue), "since": .text($0.since), "position": .position($0.position),
                "erased": .position($0.erasedBy),
            ]
        }
        return ["held": .bool(isHeld), "contacts": .array(items)]
    }
}

extension KnowledgeBase {
    /// Refuses the retraction of a contact event: an erasure cannot be undone (the data is gone), and a
    /// registration is withdrawn with `ccg contact forget`, which erases the data too.
    func refuseRetractionOfContactEvent(_ target: StoredEvent) throws {
        switch target.event.type {
        case .contactRegistered:
            throw RuleViolation(
                .eventRetracted,
                "position \(target.position) is a ContactRegistered; use `sckb ccg contact forget` to erase a contact"
            )
        case .contactErased:
            throw RuleViolation(
                .eventRetracted,
                "position \(target.position) is a ContactErased; an erasure cannot be undone"
            )
        default:
            return
        }
    }
}
