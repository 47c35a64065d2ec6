import EventStore
import Glibc

/// A CCG contact's personal data: name, e-mail and optional role, checked.
public struct ContactDetails: Sendable, Equatable {
    /// The person's name: 1–200 characters, no control characters.
    public let name: String
    /// The e-mail address: one `@`, a dot in the domain, no spaces, at most 254 bytes.
    public let email: String
    /// The person's role (for example "CCG coordinator"), if given: 1–200 characters.
    public let role: String?

    /// The longest name or role allowed, in characters (Unicode scalars).
    public static let maximumNameLength = 200
    /// The longest e-mail address allowed, in bytes.
    public static let maximumEmailBytes = 254

    /// Checks the data; a refusal names the field and why, never repeating the name or the address.
    public init(name: String, email: String, role: String?) throws(InputError) {
        try ContactDetails.checkText("name", name)
        if let role { try ContactDetails.checkText("role", role) }
        try ContactDetails.checkEmail(email)
        self.name = name
        self.email = email
        self.role = role
    }

    private static func checkText(_ field: String, _ text: String) throws(InputError) {
        guard !text.isEmpty else { throw InputError("contact \(field) must not be empty") }
        let length = text.unicodeScalars.count
        guard length <= maximumNameLength else {
            throw InputError("contact \(field) has \(length) characters, more than the \(maximumNameLength) allowed")
        }
        guard !text.unicodeScalars.contains(where: SafeText.isControl) else {
            throw InputError("contact \(field) contains control characters")
        }
    }

    private static func checkEmail(_ email: String) throws(InputError) {
        func refuse(_ why: String) -> InputError { InputError("contact e-mail is not an address: \(why)") }
        let bytes = email.utf8.count
        guard bytes <= maximumEmailBytes else {
            throw refuse("\(bytes) bytes, more than the \(maximumEmailBytes) allowed")
        }
        guard !email.unicodeScalars.contains(where: { $0.properties.isWhitespace || SafeText.isControl($0) }) else {
            throw refuse("it contains spaces or control characters")
        }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw refuse("it needs exactly one '@'") }
        let (local, domain) = (parts[0], parts[1])
        guard !local.isEmpty else { throw refuse("nothing before the '@'") }
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else {
            throw refuse("the domain after the '@' needs a dot between its names")
        }
    }

    /// The RFC 8785 bytes of {"email","name","role"} (role null when not given).
    var canonicalBytes: [UInt8] {
        CanonicalJSON.bytes(of: [
            "email": .string(email), "name": .string(name), "role": role.map(JSONValue.string) ?? .null,
        ])
    }
}

/// One contact as the contact store holds it: the data, the city and the salt of the commitment.
struct HeldContact: Sendable, Equatable {
    let contact: Slug
    let city: Slug
    let details: ContactDetails
    /// 32 random bytes.
    let salt: [UInt8]

    /// Lowercase hex SHA-256(salt ‖ RFC 8785 bytes of {"email","name","role"}).
    var commitment: String {
        var hasher = SHA256()
        hasher.update(salt)
        hasher.update(details.canonicalBytes)
        return hasher.finalize().hex
    }

    /// The stored form: canonical JSON with the salt in hex.
    var bytes: [UInt8] {
        CanonicalJSON.bytes(of: [
            "contact": .string(contact.rawValue), "city": .string(city.rawValue), "email": .string(details.email),
            "name": .string(details.name), "role": details.role.map(JSONValue.string) ?? .null,
            "salt": .string(Hex.string(salt)),
        ])
    }

    init(contact: Slug, city: Slug, details: ContactDetails, salt: [UInt8]) {
        self.contact = contact
        self.city = city
        self.details = details
        self.salt = salt
    }

    /// Reads the stored form; nil when the bytes are not one.
    init?(bytes: UnsafeRawBufferPointer) {
        guard case .object(let object) = try? JSONParser.parse(bytes),
            let contact = object["contact"]?.stringValue.flatMap(Slug.init(rawValue:)),
            let city = object["city"]?.stringValue.flatMap(Slug.init(rawValue:)),
            let name = object["name"]?.stringValue, let email = object["email"]?.stringValue,
            let salt = object["salt"]?.stringValue.flatMap(Hex.bytes), salt.count == 32
        else { return nil }
        let role = object["role"]?.stringValue
        guard let details = try? ContactDetails(name: name, email: email, role: role) else { return nil }
        self.init(contact: contact, city: city, details: details, salt: salt)
    }

    /// 32 bytes from the system's random source.
    static func randomSalt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var salt: [UInt8] = []
        for _ in 0..<4 {
            let word = generator.next()
            for shift in stride(from: 56, through: 0, by: -8) { salt.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        return salt
    }
}

/// Lowercase hex.
enum Hex {
    static func string(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func bytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0, digits.allSatisfy(ContactRegistered.isLowercaseHexDigit) else { return nil }
        func value(_ digit: UInt8) -> UInt8 { digit <= 0x39 ? digit - 0x30 : digit - 0x61 + 10 }
        return stride(from: 0, to: digits.count, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
    }
}

/// The contact store: a second LMDB environment in the folder `contacts` of the store, outside the chain.
///
/// `contacts.people` holds each contact's ``HeldContact`` bytes under its id; `contacts.pending` marks an erasure
/// whose rewrite of the files has not finished. Every process that opens it holds a ``FolderLock`` on the store's
/// folder (exclusive to write, shared to read), so that an erasure can replace its data file safely.
final class ContactStore {
    static let people = "contacts.people"
    static let pending = "contacts.pending"
    static let tableNames = [people, pending]

    let environment: Environment

    /// Opens the contact store at `path`; nil when there is none and `creating` is false.
    init?(path: String, creating: Bool, isWriteMapped: Bool) throws(StoreError) {
        guard creating || access(path + "/data.mdb", F_OK) == 0 else { return nil }
        environment = try Environment(
            path: path,
            tables: ContactStore.tableNames,
            creating: creating,
            initialMapSize: 1 << 20,
            isWriteMapped: isWriteMapped
        )
    }

    /// The contact stored under `contact`, or nil.
    func held(_ contact: Slug, in reader: borrowing some KeyValueReader & ~Copyable) throws -> HeldContact? {
        try reader.withValue(forKey: Array(contact.rawValue.utf8), in: environment.table(named: ContactStore.people)) {
            HeldContact(bytes: $0)
        } ?? nil
    }

    /// Every stored entry, in id order: the id, and the contact or nil when its bytes are unreadable.
    func all(in reader: borrowing some KeyValueReader & ~Copyable) throws -> [(String, HeldContact?)] {
        var entries: [(String, HeldContact?)] = []
        try reader.scan(environment.table(named: ContactStore.people), from: nil, reverse: false) { key, value in
            entries.append((String(decoding: key, as: UTF8.self), HeldContact(bytes: value)))
            return true
        }
        return entries
    }

    /// The ids of erasures whose rewrite has not finished.
    func pendingErasures(in reader: borrowing some KeyValueReader & ~Copyable) throws -> [String] {
        var ids: [String] = []
        try reader.scan(environment.table(named: ContactStore.pending), from: nil, reverse: false) { key, _ in
            ids.append(String(decoding: key, as: UTF8.self))
            return true
        }
        return ids
    }

    func put(_ contact: HeldContact, in writer: borrowing some KeyValueWriter & ~Copyable) throws {
        try writer.put(contact.bytes, forKey: Array(contact.contact.rawValue.utf8), in: table(ContactStore.people))
    }

    /// Removes the entries under `ids` and marks an erasure pending until ``rewrite(at:)`` has run.
    func remove(_ ids: [String], in writer: borrowing some KeyValueWriter & ~Copyable) throws {
        for id in ids {
            try writer.removeValue(forKey: Array(id.utf8), in: table(ContactStore.people))
            try writer.put([], forKey: Array(id.utf8), in: table(ContactStore.pending))
        }
    }

    private func table(_ name: String) -> Table { environment.table(named: name) }

    /// Rewrites the contact store at `path` into fresh files that hold only the live contacts (no pending marks).
    /// No ``ContactStore`` of `path` may be open in this process.
    static func rewrite(at path: String) throws {
        try Environment.rewriteCompacted(path: path, tables: tableNames, omittingEntriesOf: [pending])
    }
}
