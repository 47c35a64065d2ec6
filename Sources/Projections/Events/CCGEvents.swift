import EventStore

/// A city joins the City Coordinators Group.
public struct CityJoinedCCG: EventData {
    public static let type = EventType.cityJoinedCCG
    public var city: Slug

    public init(reading fields: inout FieldReader) throws(InputError) {
        city = try fields.slug("city")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("city", city)
    }

    public var entities: [Slug] { [city] }
}

/// A city leaves the City Coordinators Group.
public struct CityLeftCCG: EventData {
    public static let type = EventType.cityLeftCCG
    public var city: Slug

    public init(reading fields: inout FieldReader) throws(InputError) {
        city = try fields.slug("city")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("city", city)
    }

    public var entities: [Slug] { [city] }
}

/// A CCG meeting is scheduled.
public struct MeetingScheduled: EventData {
    public static let type = EventType.meetingScheduled
    public var meeting: Slug
    public var kind: MeetingKind
    public var format: MeetingFormat
    public var on: CivilDate
    public var place: String?

    public init(reading fields: inout FieldReader) throws(InputError) {
        meeting = try fields.slug("meeting")
        kind = try fields.choice("kind")
        format = try fields.choice("format")
        on = try fields.date("on")
        place = try fields.optionalName("place")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("meeting", meeting)
        fields.choice("kind", kind)
        fields.choice("format", format)
        fields.date("on", on)
        fields.text("place", place)
    }

    public var entities: [Slug] { [meeting] }
}

/// A member city attends a CCG meeting.
public struct MeetingAttended: EventData {
    public static let type = EventType.meetingAttended
    public var meeting: Slug
    public var city: Slug

    public init(reading fields: inout FieldReader) throws(InputError) {
        meeting = try fields.slug("meeting")
        city = try fields.slug("city")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("meeting", meeting)
        fields.slug("city", city)
    }

    public var entities: [Slug] { [meeting, city] }
}

/// A city receives a CCG travel contribution for a meeting.
public struct TravelContributionGranted: EventData {
    public static let type = EventType.travelContributionGranted
    public var city: Slug
    public var meeting: Slug
    public var amount: JSONNumber

    public init(reading fields: inout FieldReader) throws(InputError) {
        city = try fields.slug("city")
        meeting = try fields.slug("meeting")
        amount = try fields.number("amount_eur")
    }

    public func write(to fields: inout FieldWriter) {
        fields.slug("city", city)
        fields.slug("meeting", meeting)
        fields.number("amount_eur", amount)
    }

    public var entities: [Slug] { [city, meeting] }
}
