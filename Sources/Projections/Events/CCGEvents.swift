import EventStore

/// A city joins the City Coordinators Group.
public struct CityJoinedCCG: EventData {
    /// The event type, `CityJoinedCCG`.
    public static let type = EventType.cityJoinedCCG
    /// The city that joins, by id: registered, and not a member now.
    public var city: Slug

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        city = try fields.slug("city")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("city", city)
    }

    /// The city.
    public var entities: [Slug] { [city] }
}

/// A city leaves the City Coordinators Group.
public struct CityLeftCCG: EventData {
    /// The event type, `CityLeftCCG`.
    public static let type = EventType.cityLeftCCG
    /// The city that leaves, by id: a member now.
    public var city: Slug

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        city = try fields.slug("city")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("city", city)
    }

    /// The city.
    public var entities: [Slug] { [city] }
}

/// A CCG meeting is scheduled.
public struct MeetingScheduled: EventData {
    /// The event type, `MeetingScheduled`.
    public static let type = EventType.meetingScheduled
    /// The meeting's id, new to the record.
    public var meeting: Slug
    /// What the meeting is for.
    public var kind: MeetingKind
    /// Whether the meeting is physical or virtual; only a physical one earns travel contributions.
    public var format: MeetingFormat
    /// The day the meeting takes place; its year is the one the yearly travel limits count in.
    public var on: CivilDate
    /// Where the meeting takes place, if given.
    public var place: String?

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        meeting = try fields.slug("meeting")
        kind = try fields.choice("kind")
        format = try fields.choice("format")
        on = try fields.date("on")
        place = try fields.optionalName("place")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("meeting", meeting)
        fields.choice("kind", kind)
        fields.choice("format", format)
        fields.date("on", on)
        fields.text("place", place)
    }

    /// The meeting.
    public var entities: [Slug] { [meeting] }
}

/// A member city attends a CCG meeting.
public struct MeetingAttended: EventData {
    /// The event type, `MeetingAttended`.
    public static let type = EventType.meetingAttended
    /// The meeting attended, by id.
    public var meeting: Slug
    /// The city that attended, by id: a CCG member, counted once per meeting.
    public var city: Slug

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        meeting = try fields.slug("meeting")
        city = try fields.slug("city")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("meeting", meeting)
        fields.slug("city", city)
    }

    /// The meeting and the city.
    public var entities: [Slug] { [meeting, city] }
}

/// A city receives a CCG travel contribution for a meeting.
public struct TravelContributionGranted: EventData {
    /// The event type, `TravelContributionGranted`.
    public static let type = EventType.travelContributionGranted
    /// The city that receives it, by id.
    public var city: Slug
    /// The physical CCG meeting it travels to, by id.
    public var meeting: Slug
    /// The contribution in EUR (the field `amount_eur`): more than 0 and at most 450 per trip.
    public var amount: JSONNumber

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        city = try fields.slug("city")
        meeting = try fields.slug("meeting")
        amount = try fields.number("amount_eur")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("city", city)
        fields.slug("meeting", meeting)
        fields.number("amount_eur", amount)
    }

    /// The city and the meeting.
    public var entities: [Slug] { [city, meeting] }
}

/// A grant is awarded to a city to replicate an already proven solution.
public struct GrantAwarded: EventData {
    /// The event type, `GrantAwarded`.
    public static let type = EventType.grantAwarded
    /// The grant's id, new to the record.
    public var grant: Slug
    /// The programme that awards it.
    public var programme: Programme
    /// The city that receives it, by id.
    public var city: Slug
    /// The solution it replicates, by id: one demonstrated somewhere already.
    public var solution: Slug
    /// The amount awarded, in EUR (the field `amount_eur`).
    public var amount: JSONNumber

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        grant = try fields.slug("grant")
        programme = try fields.choice("programme")
        city = try fields.slug("city")
        solution = try fields.slug("solution")
        amount = try fields.number("amount_eur")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("grant", grant)
        fields.choice("programme", programme)
        fields.slug("city", city)
        fields.slug("solution", solution)
        fields.number("amount_eur", amount)
    }

    /// The grant, the city and the solution.
    public var entities: [Slug] { [grant, city, solution] }
}
