import EventStore

/// The answer to "may city X receive a CCG travel contribution for meeting M?".
public struct Eligibility: Sendable, Equatable, JSONValueView {
    /// Whether the contribution may be granted.
    public var isEligible: Bool
    /// The rules the request breaks, or, when eligible, the rules it meets with what the city has used that year.
    public var reasons: [String]

    /// `{"eligible":bool,"reasons":[…]}`.
    var json: JSONValue {
        ["eligible": .bool(isEligible), "reasons": .array(reasons.map { .string($0) })]
    }
}

/// The cities in the City Coordinators Group now, by id.
public struct CCGMembers: Sendable, Equatable {
    /// One member city.
    public struct Member: Sendable, Equatable {
        /// The city, by id and name, and its country.
        public var city: Slug, name: String, country: String
        /// When it joined (`at` of its CityJoinedCCG) and that event's position.
        public var since: String?, position: Position?
        /// The number of CCG meetings it attended.
        public var meetingsAttended: Int
    }

    /// The members, by id.
    public var members: [Member]
}

extension CCGMembers: JSONValueView {
    var json: JSONValue {
        let items: [JSONValue] = members.map {
            [
                "city": .string($0.city.rawValue), "name": .string($0.name), "country": .string($0.country),
                "since": .text($0.since), "position": .position($0.position),
                "meetings_attended": .integer($0.meetingsAttended),
            ]
        }
        return ["members": .array(items)]
    }
}

/// CCG meetings, by date.
public struct CCGMeetings: Sendable, Equatable {
    /// One meeting.
    public struct Meeting: Sendable, Equatable {
        /// The meeting, by id.
        public var meeting: Slug
        /// Networking, co-creation or advocacy; physical or virtual.
        public var kind: MeetingKind?, format: MeetingFormat?
        /// Its date, and its place where given.
        public var on: String, place: String?
        /// The cities that attended, by id, with their names.
        public var attendees: [CityName]
    }

    /// The meetings, by date, then id.
    public var meetings: [Meeting]
}

extension CCGMeetings: JSONValueView {
    /// `{"meetings":[{"meeting","kind","format","on","place","attendees":[ids]}],"city_names":{id:name}}`.
    var json: JSONValue {
        var cityNames = JSONObject()
        let items: [JSONValue] = meetings.map { meeting in
            for attendee in meeting.attendees { cityNames[attendee.city.rawValue] = .string(attendee.name) }
            return [
                "meeting": .string(meeting.meeting.rawValue), "kind": .choice(meeting.kind),
                "format": .choice(meeting.format), "on": .string(meeting.on), "place": .text(meeting.place),
                "attendees": .slugs(meeting.attendees.map(\.city)),
            ]
        }
        return ["meetings": .array(items), "city_names": .object(cityNames)]
    }
}

/// CCG travel contributions and each city's totals per year.
public struct CCGTravel: Sendable, Equatable {
    /// One contribution.
    public struct Contribution: Sendable, Equatable {
        /// The city, by id and name.
        public var city: Slug, cityName: String
        /// The meeting, by id.
        public var meeting: Slug
        /// The amount in euros.
        public var amountEUR: JSONNumber?
        /// The year of the meeting.
        public var year: Int?
        /// When it was granted (`at`) and the position of its TravelContributionGranted.
        public var at: String?, position: Position?
    }

    /// A city's trips and total in one year.
    public struct YearTotal: Sendable, Equatable {
        /// The city, by id and name.
        public var city: Slug, cityName: String
        /// The year.
        public var year: Int
        /// The number of contributions and their sum in euros.
        public var trips: JSONNumber?, totalEUR: JSONNumber?
    }

    /// The contributions, by city, then meeting.
    public var contributions: [Contribution]
    /// The totals, by city, then year.
    public var totals: [YearTotal]
}

extension CCGTravel: JSONValueView {
    var json: JSONValue {
        let contributionItems: [JSONValue] = contributions.map {
            [
                "city": .string($0.city.rawValue), "city_name": .string($0.cityName),
                "meeting": .string($0.meeting.rawValue), "amount_eur": .number($0.amountEUR),
                "year": $0.year.map { .integer($0) } ?? .null, "at": .text($0.at), "position": .position($0.position),
            ]
        }
        let totalItems: [JSONValue] = totals.map {
            [
                "city": .string($0.city.rawValue), "city_name": .string($0.cityName), "year": .integer($0.year),
                "trips": .number($0.trips), "total_eur": .number($0.totalEUR),
            ]
        }
        return ["contributions": .array(contributionItems), "totals": .array(totalItems)]
    }
}

extension ReadModels {
    func ccgMembers(in tables: borrowing some KeyValueReader & ~Copyable) throws -> CCGMembers {
        var list: [CCGMembers.Member] = []
        for (city, membership) in try tables.entries(of: members) {
            let row = try tables.row(Key.of(city), in: cities)
            var attended = 0
            try tables.scan(attendanceByCity, prefix: Key.prefix(city)) { _, _ in
                attended += 1
                return true
            }
            list.append(
                .init(
                    city: city,
                    name: row?.string("name") ?? city.rawValue,
                    country: row?.string("country") ?? "",
                    since: membership.string("at"),
                    position: membership.position(Column.position),
                    meetingsAttended: attended
                )
            )
        }
        return CCGMembers(members: list)
    }

    func ccgMeetings(year: Int?, in tables: borrowing some KeyValueReader & ~Copyable) throws -> CCGMeetings {
        var list: [(String, CCGMeetings.Meeting)] = []
        for (meeting, row) in try tables.entries(of: meetings) {
            let on = row.string("on") ?? ""
            if let year, !on.hasPrefix(String(year) + "-") { continue }
            var attendeeIDs: [Slug] = []
            try tables.scan(attendance, prefix: Key.prefix(meeting)) { key, _ in
                let parts = Key.parts(key)
                if parts.count == 2, let city = Key.slug(parts[1]) { attendeeIDs.append(city) }
                return true
            }
            var attendees: [CityName] = []
            for city in attendeeIDs { attendees.append(CityName(city: city, name: try cityName(city, in: tables))) }
            list.append(
                (
                    on + meeting.rawValue,
                    .init(
                        meeting: meeting,
                        kind: row.string("kind").flatMap(MeetingKind.init(rawValue:)),
                        format: row.string("format").flatMap(MeetingFormat.init(rawValue:)),
                        on: on,
                        place: row.string("place"),
                        attendees: attendees
                    )
                )
            )
        }
        return CCGMeetings(meetings: list.sorted { $0.0 < $1.0 }.map(\.1))
    }

    func ccgTravel(year: Int?, in tables: borrowing some KeyValueReader & ~Copyable) throws -> CCGTravel {
        var rows: [(Slug, Slug, Row)] = []
        try tables.scan(travel, from: nil, reverse: false) { key, value in
            let parts = Key.parts(key)
            guard parts.count == 2, let city = Key.slug(parts[0]), let meeting = Key.slug(parts[1]) else { return true }
            let row = try Row(stored: value, in: travel, key: key)
            if let year, row.number(Column.year)?.integerValue != Int64(year) { return true }
            rows.append((city, meeting, row))
            return true
        }
        var yearRows: [(Slug, Int, Row)] = []
        try tables.scan(travelYears, from: nil, reverse: false) { key, value in
            let parts = Key.parts(key)
            guard parts.count == 2, let city = Key.slug(parts[0]), let rowYear = Int(parts[1]) else { return true }
            let row = try Row(stored: value, in: travelYears, key: key)
            if let year, rowYear != year { return true }
            yearRows.append((city, rowYear, row))
            return true
        }
        var names: [Slug: String] = [:]
        for city in Set(rows.map(\.0) + yearRows.map(\.0)) { names[city] = try cityName(city, in: tables) }
        let contributions = rows.map { city, meeting, row in
            CCGTravel.Contribution(
                city: city,
                cityName: names[city] ?? city.rawValue,
                meeting: meeting,
                amountEUR: row.number("amount_eur"),
                year: row.number(Column.year)?.integerValue.map { Int($0) },
                at: row.string("at"),
                position: row.position(Column.position)
            )
        }
        let totals = yearRows.map { city, year, row in
            CCGTravel.YearTotal(
                city: city,
                cityName: names[city] ?? city.rawValue,
                year: year,
                trips: row.number(Column.trips),
                totalEUR: row.number(Column.total)
            )
        }
        return CCGTravel(contributions: contributions, totals: totals)
    }

    func eligibility(
        city: String,
        meeting: String,
        amount: JSONNumber?,
        in tables: borrowing some KeyValueReader & ~Copyable
    )
        throws -> Eligibility
    {
        var refusals: [String] = []
        if Slug(rawValue: city) == nil { refusals.append("'\(SafeText.escaped(city))' is not a city id (a slug)") }
        if Slug(rawValue: meeting) == nil {
            refusals.append("'\(SafeText.escaped(meeting))' is not a meeting id (a slug)")
        }
        guard let citySlug = Slug(rawValue: city), let meetingSlug = Slug(rawValue: meeting) else {
            return Eligibility(isEligible: false, reasons: refusals)
        }
        refusals = try travelRefusals(city: citySlug, meeting: meetingSlug, amount: amount, in: tables)
        guard refusals.isEmpty else { return Eligibility(isEligible: false, reasons: refusals) }
        var reasons = ["city '\(citySlug)' is a CCG member"]
        if let project = try endedProject(of: citySlug, in: tables) {
            reasons.append(
                "city '\(citySlug)' is in project '\(project.string("project") ?? "?")', which has ended"
            )
        }
        reasons.append("meeting '\(meetingSlug)' is a physical CCG meeting")
        reasons.append("city '\(citySlug)' has no travel contribution for meeting '\(meetingSlug)' yet")
        if let on = try tables.row(Key.of(meetingSlug), in: meetings)?.string("on").flatMap(CivilDate.init(iso:)) {
            let used = try tables.row(Key.of(citySlug.rawValue, String(on.year)), in: travelYears)
            let trips = used?.number(Column.trips)?.integerValue ?? 0
            let total = used?.number(Column.total) ?? JSONNumber(integer: 0)
            reasons.append(
                "city '\(citySlug)' has \(trips) of 2 trips and \(total) of 900 EUR in \(on.year)"
                    + (amount.map { "; \($0) EUR is within the 450 EUR per trip" } ?? "")
            )
        }
        return Eligibility(isEligible: true, reasons: reasons)
    }
}
