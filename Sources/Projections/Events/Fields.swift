import EventStore

/// Reads the `data` of one event, field by field, and refuses what the catalogue does not allow.
///
/// It reads a JSON object (`import`) or `field=value` text (`append`), where a number field's text is parsed.
/// Every field must be read or ``finish()`` refuses it as unknown.
public struct FieldReader {
    let type: EventType
    /// The fields not read yet (an event has a handful, so a list searched in order beats hashing).
    private var remaining: [(key: String, value: JSONValue)]
    private let isText: Bool

    /// Reads the fields of a JSON object.
    public init(type: EventType, object: JSONObject) {
        self.type = type
        var remaining: [(key: String, value: JSONValue)] = []
        remaining.reserveCapacity(object.count)
        for member in object.members where !remaining.contains(where: { $0.key == member.key }) {
            remaining.append(member)
        }
        self.remaining = remaining
        self.isText = false
    }

    /// Reads fields given as text, from `field=value` arguments.
    public init(type: EventType, text fields: [(name: String, value: String)]) throws(InputError) {
        self.type = type
        var remaining: [(key: String, value: JSONValue)] = []
        for field in fields {
            guard !remaining.contains(where: { $0.key == field.name }) else {
                throw InputError("\(type.rawValue): field '\(field.name)' given twice")
            }
            remaining.append((field.name, .string(field.value)))
        }
        self.remaining = remaining
        self.isText = true
    }

    private func failure(_ field: String, _ message: String) -> InputError {
        InputError("\(type.rawValue): field '\(field)': \(message)")
    }

    private mutating func take(_ field: String) throws(InputError) -> JSONValue? {
        guard let index = remaining.firstIndex(where: { $0.key == field }) else { return nil }
        let value = remaining.remove(at: index).value
        if case .null = value { throw failure(field, "null is not allowed; leave the field out instead") }
        return value
    }

    private mutating func require(_ field: String) throws(InputError) -> JSONValue {
        guard let value = try take(field) else {
            throw InputError("\(type.rawValue): required field '\(field)' is missing")
        }
        return value
    }

    private func string(_ field: String, _ value: JSONValue) throws(InputError) -> String {
        guard case .string(let text) = value else { throw failure(field, "expected a string") }
        return text
    }

    private func slug(_ field: String, _ value: JSONValue) throws(InputError) -> Slug {
        let text = try string(field, value)
        guard let slug = Slug(rawValue: text) else {
            throw failure(
                field,
                "'\(SafeText.escaped(text))' is not a slug ([a-z0-9]+(-[a-z0-9]+)*, at most 64 characters)"
            )
        }
        return slug
    }

    /// A required entity id.
    public mutating func slug(_ field: String) throws(InputError) -> Slug {
        try slug(field, require(field))
    }

    /// An optional entity id.
    public mutating func optionalSlug(_ field: String) throws(InputError) -> Slug? {
        guard let value = try take(field) else { return nil }
        return try slug(field, value)
    }

    /// A required name: non-empty, at most `maximumLength` Unicode scalars.
    public mutating func name(_ field: String, maximumLength: Int = 200) throws(InputError) -> String {
        try name(field, require(field), maximumLength: maximumLength)
    }

    /// An optional name.
    public mutating func optionalName(_ field: String, maximumLength: Int = 200) throws(InputError) -> String? {
        guard let value = try take(field) else { return nil }
        return try name(field, value, maximumLength: maximumLength)
    }

    private func name(_ field: String, _ value: JSONValue, maximumLength: Int) throws(InputError) -> String {
        let text = try string(field, value)
        guard !text.isEmpty else { throw failure(field, "must not be empty") }
        let length = text.unicodeScalars.count
        guard length <= maximumLength else {
            throw failure(field, "\(length) characters, more than the \(maximumLength) allowed")
        }
        return text
    }

    /// A required ISO 3166-1 alpha-2 country code.
    public mutating func country(_ field: String) throws(InputError) -> String {
        let text = try string(field, require(field))
        guard CountryCodes.all.contains(text) else {
            throw failure(field, "'\(SafeText.escaped(text))' is not an ISO 3166-1 alpha-2 country code (such as DE)")
        }
        return text
    }

    /// A required calendar date, `YYYY-MM-DD`.
    public mutating func date(_ field: String) throws(InputError) -> CivilDate {
        try date(field, require(field))
    }

    /// An optional calendar date.
    public mutating func optionalDate(_ field: String) throws(InputError) -> CivilDate? {
        guard let value = try take(field) else { return nil }
        return try date(field, value)
    }

    private func date(_ field: String, _ value: JSONValue) throws(InputError) -> CivilDate {
        let text = try string(field, value)
        guard let date = CivilDate(iso: text) else {
            throw failure(field, "'\(SafeText.escaped(text))' is not a valid date (YYYY-MM-DD)")
        }
        return date
    }

    /// A required value from a closed set.
    public mutating func choice<Value: Vocabulary>(
        _ field: String,
        as: Value.Type = Value.self
    ) throws(InputError)
        -> Value
    {
        try choice(field, require(field))
    }

    /// An optional value from a closed set.
    public mutating func optionalChoice<Value: Vocabulary>(
        _ field: String,
        as: Value.Type = Value.self
    )
        throws(InputError) -> Value?
    {
        guard let value = try take(field) else { return nil }
        return try choice(field, value)
    }

    private func choice<Value: Vocabulary>(_ field: String, _ value: JSONValue) throws(InputError) -> Value {
        let text = try string(field, value)
        guard let choice = Value(rawValue: text) else {
            throw failure(field, "'\(SafeText.escaped(text))' is not one of \(Value.allowedValues)")
        }
        return choice
    }

    /// A required number under the project's number rule.
    public mutating func number(_ field: String) throws(InputError) -> JSONNumber {
        let value = try require(field)
        switch value {
        case .number(let number):
            return number
        case .string(let text) where isText:
            do {
                return try JSONNumber(literal: text)
            } catch {
                throw failure(field, "not a number: \(SafeText.escaped(error.description))")
            }
        default:
            throw failure(field, "expected a number")
        }
    }

    /// A required log position: a whole number from 1.
    public mutating func position(_ field: String) throws(InputError) -> Position {
        let number = try self.number(field)
        guard let integer = number.integerValue, integer >= 1 else {
            throw failure(field, "\(number) is not a position (a whole number from 1)")
        }
        return Position(UInt64(integer))
    }

    /// Refuses the fields no one read.
    public func finish() throws(InputError) {
        guard let unknown = remaining.map(\.key).sorted().first else { return }
        throw InputError("\(type.rawValue): unknown field '\(SafeText.escaped(unknown))' in data")
    }
}

/// Writes the `data` of one event, in the catalogue's field order.
public struct FieldWriter {
    /// The fields written so far.
    public private(set) var object = JSONObject()

    /// An empty writer.
    public init() {
        object.members.reserveCapacity(8)
    }

    /// Writes an entity id.
    public mutating func slug(_ field: String, _ value: Slug?) {
        if let value { object.members.append((field, .string(value.rawValue))) }
    }

    /// Writes a string.
    public mutating func text(_ field: String, _ value: String?) {
        if let value { object.members.append((field, .string(value))) }
    }

    /// Writes a date.
    public mutating func date(_ field: String, _ value: CivilDate?) {
        if let value { object.members.append((field, .string(value.description))) }
    }

    /// Writes a closed-set value.
    public mutating func choice(_ field: String, _ value: (some Vocabulary)?) {
        if let value { object.members.append((field, .string(value.rawValue))) }
    }

    /// Writes a number.
    public mutating func number(_ field: String, _ value: JSONNumber) {
        object.members.append((field, .number(value)))
    }

    /// Writes a position.
    public mutating func position(_ field: String, _ value: Position) {
        object.members.append((field, .number(JSONNumber(integer: Int64(value.rawValue)))))
    }
}
