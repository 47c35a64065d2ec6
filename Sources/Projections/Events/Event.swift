import EventStore

/// One event as a user gives it: the envelope (`id`, `at`, `actor`, `source`) around typed data.
public struct Event: Sendable, Equatable {
    /// An optional id that makes re-import a no-op; at most 128 characters.
    public var id: String?
    /// When it happened in the world; nil means the moment of recording.
    public var at: ValidTime?
    /// Who recorded it: an account or organisation.
    public var actor: Slug?
    /// Where the fact comes from: a URL or a document reference.
    public var source: String?
    /// The type and its data.
    public var payload: Payload

    /// The longest id allowed, in characters.
    public static let maximumIDLength = 128
    /// The longest source allowed, in characters.
    public static let maximumSourceLength = 2000

    /// An event with the given envelope.
    public init(payload: Payload, id: String? = nil, at: ValidTime? = nil, actor: Slug? = nil, source: String? = nil) {
        self.payload = payload
        self.id = id
        self.at = at
        self.actor = actor
        self.source = source
    }

    /// The event type.
    public var type: EventType { payload.type }

    /// Reads one JSON Lines object: `type` and `data` required; `position`, `recorded` and `hash` (from an export)
    /// accepted and ignored; any other member refused.
    public init(json: JSONValue) throws(InputError) {
        guard case .object(let object) = json else { throw InputError("an event must be a JSON object") }
        var type: EventType?
        var data: JSONObject?
        var id: String?
        var at: ValidTime?
        var actor: Slug?
        var source: String?
        for (key, value) in object.members {
            switch key {
            case "type":
                guard case .string(let text) = value else { throw InputError("'type' must be a string") }
                guard let known = EventType(rawValue: text) else {
                    throw InputError("unknown event type '\(SafeText.escaped(text))'")
                }
                type = known
            case "data":
                guard case .object(let fields) = value else { throw InputError("'data' must be an object") }
                data = fields
            case "id":
                guard case .string(let text) = value else { throw InputError("'id' must be a string") }
                id = try Event.checkedID(text)
            case "at":
                guard case .string(let text) = value else { throw InputError("'at' must be a string") }
                at = try Event.checkedTime(text)
            case "actor":
                guard case .string(let text) = value else { throw InputError("'actor' must be a string") }
                actor = try Event.checkedActor(text)
            case "source":
                guard case .string(let text) = value else { throw InputError("'source' must be a string") }
                source = try Event.checkedSource(text)
            case "position", "recorded", "hash":
                continue
            default:
                throw InputError("unknown field '\(SafeText.escaped(key))'")
            }
        }
        guard let type else { throw InputError("required field 'type' is missing") }
        guard let data else { throw InputError("\(type.rawValue): required field 'data' is missing") }
        var reader = FieldReader(type: type, object: data)
        self.init(payload: try Payload(type: type, reading: &reader), id: id, at: at, actor: actor, source: source)
    }

    /// Checks an id: non-empty, at most 128 characters, no control characters.
    public static func checkedID(_ text: String) throws(InputError) -> String {
        guard !text.isEmpty else { throw InputError("'id' must not be empty") }
        let length = text.unicodeScalars.count
        guard length <= maximumIDLength else {
            throw InputError("'id' has \(length) characters, more than the \(maximumIDLength) allowed")
        }
        guard !text.unicodeScalars.contains(where: SafeText.isControl) else {
            throw InputError("'id' \(SafeText.escaped(text)) contains control characters")
        }
        return text
    }

    /// Checks and normalizes a valid time.
    public static func checkedTime(_ text: String) throws(InputError) -> ValidTime {
        guard let time = ValidTime(parsing: text) else {
            throw InputError(
                "'at' '\(SafeText.escaped(text))' is not a date (YYYY-MM-DD) or an RFC 3339 date-time with a zone"
            )
        }
        return time
    }

    /// Checks an actor: a slug naming an account or organisation, never an e-mail address.
    public static func checkedActor(_ text: String) throws(InputError) -> Slug {
        guard let slug = Slug(rawValue: text) else {
            let hint = text.contains("@") ? " (an account or organisation, never an e-mail address)" : ""
            throw InputError("'actor' '\(SafeText.escaped(text))' is not a slug\(hint)")
        }
        return slug
    }

    /// Checks a source: non-empty, at most 2000 characters, no control characters.
    public static func checkedSource(_ text: String) throws(InputError) -> String {
        guard !text.isEmpty else { throw InputError("'source' must not be empty") }
        let length = text.unicodeScalars.count
        guard length <= maximumSourceLength else {
            throw InputError("'source' has \(length) characters, more than the \(maximumSourceLength) allowed")
        }
        guard !text.unicodeScalars.contains(where: SafeText.isControl) else {
            throw InputError("'source' contains control characters")
        }
        return text
    }

    /// Whether `stored`, already in the log under this event's id, has the same content: the same type, data,
    /// actor and source, and the same `at` where this event gives one, each compared by its canonical bytes (a name
    /// spelled in NFD is other content than the same name in NFC, though Swift's `==` calls them equal).
    public func hasSameContent(as stored: StoredEvent) -> Bool {
        func bytes(_ event: Event, at time: ValidTime?) -> [UInt8] {
            var object = JSONObject()
            object.members.reserveCapacity(5)
            if let actor = event.actor { object.members.append(("actor", .string(actor.rawValue))) }
            if let time { object.members.append(("at", .string(time.text))) }
            object.members.append(("data", .object(event.payload.object)))
            if let source = event.source { object.members.append(("source", .string(source))) }
            object.members.append(("type", .string(event.type.rawValue)))
            return CanonicalJSON.bytes(of: .object(object))
        }
        return bytes(self, at: at) == bytes(stored.event, at: at == nil ? nil : stored.at)
    }

    /// The canonical bytes of an event around its position and recorded time, which sort between `id` and
    /// `source`: `head` up to `"position":`, `tail` after the recorded time's closing quote.
    struct CanonicalFrame: Sendable {
        let head: [UInt8]
        let tail: [UInt8]

        /// The whole canonical bytes at `position`, recorded at `recorded`: neither needs escaping.
        func bytes(position: Position, recorded: Timestamp) -> [UInt8] {
            var bytes = head
            bytes.reserveCapacity(head.count + tail.count + 48)
            bytes.append(contentsOf: #""position":"#.utf8)
            bytes.append(contentsOf: String(position.rawValue).utf8)
            bytes.append(contentsOf: #","recorded":""#.utf8)
            bytes.append(contentsOf: recorded.rfc3339.utf8)
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: tail)
            return bytes
        }
    }

    /// The frame of the event's canonical bytes, made before it has a position (on the import's decoding thread);
    /// nil when its `at` waits for its recorded time.
    func canonicalFrame() -> CanonicalFrame? {
        guard let at else { return nil }
        var before = JSONObject()
        if let actor { before.members.append(("actor", .string(actor.rawValue))) }
        before.members.append(("at", .string(at.text)))
        before.members.append(("data", .object(payload.object)))
        if let id { before.members.append(("id", .string(id))) }
        var after = JSONObject()
        if let source { after.members.append(("source", .string(source))) }
        after.members.append(("type", .string(type.rawValue)))
        // {"actor":…,"id":…} less its "}" and with a ",", and {"source":…,"type":…} with a "," for its "{".
        let head = CanonicalJSON.bytes(of: .object(before)).dropLast() + [UInt8(ascii: ",")]
        let tail = [UInt8(ascii: ",")] + CanonicalJSON.bytes(of: .object(after)).dropFirst()
        return CanonicalFrame(head: Array(head), tail: tail)
    }

    /// The canonical (RFC 8785) bytes of the event as stored at `position`, without its hash.
    public func canonicalBytes(position: Position, recorded: Timestamp, at time: ValidTime) -> [UInt8] {
        var object = JSONObject()
        object.members.reserveCapacity(9)
        if let actor { object.members.append(("actor", .string(actor.rawValue))) }
        object.members.append(("at", .string(time.text)))
        object.members.append(("data", .object(payload.object)))
        if let id { object.members.append(("id", .string(id))) }
        object.members.append(("position", .number(JSONNumber(integer: Int64(position.rawValue)))))
        object.members.append(("recorded", .string(recorded.rfc3339)))
        if let source { object.members.append(("source", .string(source))) }
        object.members.append(("type", .string(type.rawValue)))
        return CanonicalJSON.bytes(of: .object(object))
    }
}

/// An event as the log holds it: with its position, recorded time and chain hash, `at` filled in.
public struct StoredEvent: Sendable, Equatable {
    /// The event; its `at` is never nil here.
    public var event: Event
    /// Its place in the log.
    public var position: Position
    /// When it was recorded (transaction time).
    public var recorded: Timestamp
    /// Its chain hash.
    public var hash: SHA256Digest

    /// When it happened in the world.
    public var at: ValidTime { event.at ?? ValidTime(timestamp: recorded) }

    /// Reads an event from its stored canonical bytes.
    ///
    /// Stored bytes that do not read as an event (damage) throw ``LogDamage`` naming the position, never an input
    /// error: the user's input was fine when it was stored.
    public init(position: Position, hash: SHA256Digest, bytes: UnsafeRawBufferPointer) throws(LogDamage) {
        let json: JSONValue
        var event: Event
        do {
            json = try JSONParser.parse(bytes)
            event = try Event(json: json)
        } catch {
            throw LogDamage(position: position, reason: "the stored event does not read: \(error)")
        }
        guard case .string(let recordedText) = json["recorded"], let recorded = Timestamp(rfc3339: recordedText),
            let storedPosition = json["position"]?.numberValue?.integerValue,
            UInt64(exactly: storedPosition) == position.rawValue
        else { throw LogDamage(position: position, reason: "stored event lacks its position or recorded time") }
        if event.at == nil { event.at = ValidTime(timestamp: recorded) }
        self.event = event
        self.position = position
        self.recorded = recorded
        self.hash = hash
    }

    /// An event just appended.
    public init(event: Event, position: Position, recorded: Timestamp, hash: SHA256Digest) {
        self.event = event
        self.position = position
        self.recorded = recorded
        self.hash = hash
    }

    /// The event as `export` writes it: canonical JSON with its hash.
    var exportJSON: JSONValue {
        var object = JSONObject()
        object.members.reserveCapacity(9)
        if let actor = event.actor { object.members.append(("actor", .string(actor.rawValue))) }
        object.members.append(("at", .string(at.text)))
        object.members.append(("data", .object(event.payload.object)))
        object.members.append(("hash", .string(hash.hex)))
        if let id = event.id { object.members.append(("id", .string(id))) }
        object.members.append(("position", .number(JSONNumber(integer: Int64(position.rawValue)))))
        object.members.append(("recorded", .string(recorded.rfc3339)))
        if let source = event.source { object.members.append(("source", .string(source))) }
        object.members.append(("type", .string(event.type.rawValue)))
        return .object(object)
    }
}
