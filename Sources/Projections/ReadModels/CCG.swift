import EventStore

/// The answer to "may city X receive a CCG travel contribution for meeting M?".
public struct Eligibility: Sendable, Equatable {
    /// Whether the contribution may be granted.
    public var isEligible: Bool
    /// The rules the request breaks, or, when eligible, the rules it meets with what the city has used that year.
    public var reasons: [String]

    /// `{"eligible":bool,"reasons":[…]}`.
    public var json: JSONValue {
        ["eligible": .bool(isEligible), "reasons": .array(reasons.map { .string($0) })]
    }
}

extension ReadModels {
    func ccgMembers(in state: borrowing some KeyValueReader & ~Copyable) throws -> JSONValue {
        let entries = try state.entries(of: members)
        var list: [JSONValue] = []
        for (city, membership) in entries {
            let record = try state.record(Key.of(city), in: cities)
            var attended = 0
            try state.scan(attendanceByCity, prefix: Key.prefix(city)) { _, _ in
                attended += 1
                return true
            }
            list.append(
                [
                    "city": .string(city.rawValue), "name": record?["name"] ?? .null,
                    "country": record?["country"] ?? .null,
                    "since": membership["at"] ?? .null, "position": membership["position"] ?? .null,
                    "meetings_attended": Record.integer(attended),
                ])
        }
        return ["members": .array(list)]
    }

    func ccgMeetings(year: Int?, in state: borrowing some KeyValueReader & ~Copyable) throws -> JSONValue {
        let entries = try state.entries(of: meetings)
        var list: [(String, JSONValue)] = []
        for (meeting, record) in entries {
            let on = record.string("on") ?? ""
            if let year, !on.hasPrefix(String(year) + "-") { continue }
            var attendees: [JSONValue] = []
            try state.scan(attendance, prefix: Key.prefix(meeting)) { key, _ in
                let parts = Key.parts(key)
                if parts.count == 2 { attendees.append(.string(parts[1])) }
                return true
            }
            list.append(
                (
                    on + meeting.rawValue,
                    [
                        "meeting": .string(meeting.rawValue), "kind": record["kind"] ?? .null,
                        "format": record["format"] ?? .null, "on": record["on"] ?? .null,
                        "place": record["place"] ?? .null,
                        "attendees": .array(attendees),
                    ]
                )
            )
        }
        return ["meetings": .array(list.sorted { $0.0 < $1.0 }.map(\.1))]
    }

    func ccgTravel(year: Int?, in state: borrowing some KeyValueReader & ~Copyable) throws -> JSONValue {
        var contributions: [JSONValue] = []
        try state.scan(travel, from: nil, reverse: false) { key, value in
            let parts = Key.parts(key)
            guard parts.count == 2, let record = Record(bytes: value) else { return true }
            if let year, record.number(Row.year)?.integerValue != Int64(year) { return true }
            contributions.append(
                [
                    "city": .string(parts[0]), "meeting": .string(parts[1]),
                    "amount_eur": record["amount_eur"] ?? .null,
                    "year": record[Row.year] ?? .null, "at": record["at"] ?? .null,
                    "position": record["position"] ?? .null,
                ])
            return true
        }
        var totals: [JSONValue] = []
        try state.scan(travelYears, from: nil, reverse: false) { key, value in
            let parts = Key.parts(key)
            guard parts.count == 2, let record = Record(bytes: value) else { return true }
            if let year, parts[1] != String(year) { return true }
            totals.append(
                [
                    "city": .string(parts[0]), "year": Record.integer(Int(parts[1]) ?? 0),
                    "trips": record[Row.trips] ?? .null, "total_eur": record[Row.total] ?? .null,
                ])
            return true
        }
        return ["contributions": .array(contributions), "totals": .array(totals)]
    }

    func eligibility(
        city: String,
        meeting: String,
        amount: JSONNumber?,
        in state: borrowing some KeyValueReader & ~Copyable
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
        refusals = try travelRefusals(city: citySlug, meeting: meetingSlug, amount: amount, in: state)
        guard refusals.isEmpty else { return Eligibility(isEligible: false, reasons: refusals) }
        var reasons = ["city '\(citySlug)' is a CCG member"]
        if let project = try endedProject(of: citySlug, in: state) {
            reasons.append(
                "city '\(citySlug)' is in project '\(project.string("project") ?? "?")', which has ended"
            )
        }
        reasons.append("meeting '\(meetingSlug)' is a physical CCG meeting")
        reasons.append("city '\(citySlug)' has no travel contribution for meeting '\(meetingSlug)' yet")
        if let on = try state.record(Key.of(meetingSlug), in: meetings)?.string("on").flatMap(CivilDate.init(iso:)) {
            let used = try state.record(Key.of(citySlug.rawValue, String(on.year)), in: travelYears)
            let trips = used?.number(Row.trips)?.integerValue ?? 0
            let total = used?.number(Row.total) ?? JSONNumber(integer: 0)
            reasons.append(
                "city '\(citySlug)' has \(trips) of 2 trips and \(total) of 900 EUR in \(on.year)"
                    + (amount.map { "; \($0) EUR is within the 450 EUR per trip" } ?? "")
            )
        }
        return Eligibility(isEligible: true, reasons: reasons)
    }
}
