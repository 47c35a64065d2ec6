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

extension ReadModels {
    /// ContactRegistered: a new contact id; the city registered and a CCG member now.
    func checkContactRegistered(
        _ data: ContactRegistered,
        _ context: inout RuleContext,
        in state: borrowing some KeyValueReader & ~Copyable
    ) throws {
        try context.new("contact", data.contact, state.record(ContactKey.contact(data.contact), in: contacts))
        try context.known("city", data.city, state.record(Key.of(data.city), in: cities))
        guard let membership = try state.record(Key.of(data.city), in: members) else {
            throw context.violation("city '\(data.city)' is not a CCG member")
        }
        try context.notBefore(membership, "city '\(data.city)' joining the CCG")
    }

    /// ContactErased: the contact is registered and not yet erased.
    func checkContactErased(
        _ data: ContactErased,
        _ context: inout RuleContext,
        in state: borrowing some KeyValueReader & ~Copyable
    ) throws {
        let registration = try context.known(
            "contact",
            data.contact,
            state.record(ContactKey.contact(data.contact), in: contacts)
        )
        if let erased = registration.position("erased") {
            throw context.violation("contact '\(data.contact)' is already erased (position \(erased))")
        }
    }

    /// The fold of the two contact events.
    func applyContact(_ recorded: RecordedEvent, to state: borrowing some KeyValueWriter & ~Copyable) throws {
        switch recorded.event.payload {
        case .contactRegistered(let data):
            var registration = Record(recorded.event.payload.object)
            registration["position"] = Record.position(recorded.position)
            registration["at"] = .string(recorded.at.text)
            try state.put(registration, forKey: ContactKey.contact(data.contact), in: contacts)
            try state.put([], forKey: ContactKey.city(data.city, data.contact), in: contacts)
        case .contactErased(let data):
            guard var registration = try state.record(ContactKey.contact(data.contact), in: contacts) else { return }
            registration["erased"] = Record.position(recorded.position)
            registration["erased_at"] = .string(recorded.at.text)
            try state.put(registration, forKey: ContactKey.contact(data.contact), in: contacts)
        default:
            return
        }
    }

    /// The registration of `contact` as the log records it (`contact`, `city`, `commitment`, `position`, `at`, and
    /// `erased`, `erased_at` once erased), or nil.
    func contactRegistration(
        _ contact: Slug,
        in state: borrowing some KeyValueReader & ~Copyable
    ) throws -> Record? {
        try state.record(ContactKey.contact(contact), in: contacts)
    }

    /// The ids of the contacts registered for `city`, in id order; of every city when nil.
    func contactIDs(of city: Slug?, in state: borrowing some KeyValueReader & ~Copyable) throws -> [Slug] {
        var ids: [Slug] = []
        let prefix = city.map(ContactKey.cityPrefix) ?? Key.of("contact") + [0]
        try state.scan(contacts, prefix: prefix) { key, _ in
            let parts = Key.parts(key)
            if let last = parts.last, let id = Key.slug(last) { ids.append(id) }
            return true
        }
        return ids
    }

    /// The `contact` key of a city profile: whether a contact is held (registered and not erased), and each
    /// registration with its erasure; never the person's data.
    func contactSummary(of city: Slug, in state: borrowing some KeyValueReader & ~Copyable) throws -> JSONValue {
        var list: [JSONValue] = []
        var isHeld = false
        for id in try contactIDs(of: city, in: state) {
            guard let registration = try contactRegistration(id, in: state) else { continue }
            if registration["erased"] == nil { isHeld = true }
            list.append([
                "contact": .string(id.rawValue), "since": registration["at"] ?? .null,
                "position": registration["position"] ?? .null, "erased": registration["erased"] ?? .null,
            ])
        }
        return ["held": .bool(isHeld), "contacts": .array(list)]
    }
}

extension KnowledgeBase {
    /// Refuses the retraction of a contact event: an erasure cannot be undone (the data is gone), and a
    /// registration is withdrawn with `ccg contact forget`, which erases the data too.
    func refuseRetractionOfContactEvent(_ target: RecordedEvent) throws {
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
