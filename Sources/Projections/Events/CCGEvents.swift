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

/// A change of a city's CCG membership, as its entry in the membership-events table says (the field `change`).
enum MembershipChange: String {
    case joined, left
}

// MARK: Rules, fold and withdrawal

extension CityJoinedCCG: ProjectedEvent {
    var payload: Payload { .cityJoinedCCG(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [FoldEffect(writes: [models.membershipEvents, models.members])]
    }

    /// A membership change's key carries its event (``CityLeftCCG`` writes there too).
    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] { [models.membershipEvents: RowCarrier(.key)] }

    /// The city is registered, no later than the event, not a member now, and left no later than the event.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try rule.known("city", city, tables.stamp(Key.of(city), in: models.cities))
        if let membership = try tables.row(Key.of(city), in: models.members) {
            throw rule.violation(
                "city '\(city)' is a CCG member already (since position "
                    + "\(membership.positionText))"
            )
        }
        if let last = try tables.last(in: models.membershipEvents, prefix: Key.prefix(city)) {
            let left = try last.value.withUnsafeBytes {
                try Row(stored: $0, in: models.membershipEvents, key: last.key)
            }
            try rule.notBefore(left, "city '\(city)' leaving the CCG")
        }
    }

    /// city ‖ position → joined; city → the membership, with position and `at`.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.put(
            event.row([Column.change: .string(MembershipChange.joined.rawValue)]),
            forKey: Key.prefix(city) + event.position.key,
            in: models.membershipEvents
        )
        try tables.put(event.row([:]), forKey: Key.of(city), in: models.members)
    }
}

extension CityLeftCCG: ProjectedEvent {
    var payload: Payload { .cityLeftCCG(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [FoldEffect(writes: [models.membershipEvents, models.members])]
    }

    /// The city is registered and a member, both no later than the event.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try models.requireMember(city, rule, in: tables)
    }

    /// city ‖ position → left; the membership ends.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.put(
            event.row([Column.change: .string(MembershipChange.left.rawValue)]),
            forKey: Key.prefix(city) + event.position.key,
            in: models.membershipEvents
        )
        try tables.removeValue(forKey: Key.of(city), in: models.members)
    }
}

extension MeetingScheduled: Registration {
    var payload: Payload { .meetingScheduled(self) }
    static let entity = "meeting"
    static var rows: KeyPath<ReadModels, Table> { \.meetings }
    var id: Slug { meeting }
}

extension MeetingAttended: ProjectedEvent {
    var payload: Payload { .meetingAttended(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [FoldEffect(writes: [models.attendance, models.attendanceByCity])]
    }

    /// An attendance's row carries its event; a city's entry leads to it.
    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] {
        [
            models.attendance: RowCarrier(.row),
            models.attendanceByCity: RowCarrier(.lookup(models.attendance, RowCarrier.swapped)),
        ]
    }

    /// A leaf: no rule relies on an attendance.
    static var isLeaf: Bool { true }

    /// The meeting and the city are registered, the city a member, all no later than the event; once per meeting.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try rule.known("meeting", meeting, tables.stamp(Key.of(meeting), in: models.meetings))
        try models.requireMember(city, rule, in: tables)
        if let attended = try tables.row(Key.of(meeting, city), in: models.attendance) {
            throw rule.violation(
                "city '\(city)' already attended meeting '\(meeting)'"
                    + " (position \(attended.positionText))"
            )
        }
    }

    /// meeting ‖ city → the attendance, with position and `at`; city ‖ meeting.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.put(event.row([:]), forKey: Key.of(meeting, city), in: models.attendance)
        try tables.put([], forKey: Key.of(city, meeting), in: models.attendanceByCity)
    }

    /// Removes both entries.
    func withdraw(
        _ event: StoredEvent,
        _ models: ReadModels,
        from tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.removeValue(forKey: Key.of(meeting, city), in: models.attendance)
        try tables.removeValue(forKey: Key.of(city, meeting), in: models.attendanceByCity)
    }
}

extension TravelContributionGranted: ProjectedEvent {
    var payload: Payload { .travelContributionGranted(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [FoldEffect(writes: [models.travel, models.travelYears], reads: [models.meetings, models.travelYears])]
    }

    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] { [models.travel: RowCarrier(.row)] }

    /// A leaf: a contribution's removal only frees budget.
    static var isLeaf: Bool { true }

    /// The CCG travel rules (``ReadModels/travelRefusals(city:meeting:amount:in:)``), and no earlier date than the
    /// membership, the meeting's scheduling and the end of the city's project.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        let reasons = try models.travelRefusals(city: city, meeting: meeting, amount: amount, in: tables)
        if let first = reasons.first {
            throw rule.violation(reasons.count == 1 ? first : reasons.joined(separator: "; "))
        }
        try models.notBeforeTravelFacts(rule, city: city, meeting: meeting, in: tables)
    }

    /// city ‖ meeting → the contribution, with its year; city ‖ year → the trips and total of that year.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        let year = try tables.row(Key.of(meeting), in: models.meetings)?.string("on").flatMap(CivilDate.init(iso:))?
            .year
        var contribution = event.row(["amount_eur": .number(amount)])
        if let year { contribution[Column.year] = Row.integer(year) }
        try tables.put(contribution, forKey: Key.of(city, meeting), in: models.travel)
        if let year {
            let key = Key.of(city.rawValue, String(year))
            let used = try tables.row(key, in: models.travelYears)
            let trips = (used?.number(Column.trips)?.integerValue ?? 0) + 1
            let total = (used?.number(Column.total)?.hundredths ?? 0) + amount.hundredths
            try tables.put(Self.year(trips: trips, total: total), forKey: key, in: models.travelYears)
        }
    }

    /// Removes the contribution, and takes its trip and amount off its year.
    func withdraw(
        _ event: StoredEvent,
        _ models: ReadModels,
        from tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        let contribution = try tables.row(Key.of(city, meeting), in: models.travel)
        try tables.removeValue(forKey: Key.of(city, meeting), in: models.travel)
        guard let year = contribution?.number(Column.year)?.integerValue else { return }
        let key = Key.of(city.rawValue, String(year))
        let used = try tables.row(key, in: models.travelYears)
        let trips = (used?.number(Column.trips)?.integerValue ?? 1) - 1
        let total = (used?.number(Column.total)?.hundredths ?? amount.hundredths) - amount.hundredths
        if trips <= 0 {
            try tables.removeValue(forKey: key, in: models.travelYears)
        } else {
            try tables.put(Self.year(trips: trips, total: total), forKey: key, in: models.travelYears)
        }
    }

    /// The row of a city's year in the travel-years table.
    private static func year(trips: Int64, total: Int64) -> Row {
        Row([Column.trips: Row.integer(Int(trips)), Column.total: .number(JSONNumber(validatedHundredths: total))])
    }
}

extension GrantAwarded: ProjectedEvent {
    var payload: Payload { .grantAwarded(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] {
        [FoldEffect(writes: [models.grants, models.grantsByCity, models.grantsBySolution])]
    }

    /// A grant's row carries its event; a city's entry leads to it.
    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] {
        [
            models.grants: RowCarrier(.row),
            models.grantsByCity: RowCarrier(.lookup(models.grants, RowCarrier.lastPart)),
        ]
    }

    /// A leaf: no rule relies on a grant.
    static var isLeaf: Bool { true }

    /// A new grant id; the city and the solution registered, no later than the event; an amount above 0; the
    /// solution demonstrated somewhere already, no later than the event.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try rule.new("grant", grant, tables.row(Key.of(grant), in: models.grants))
        try rule.known("city", city, tables.stamp(Key.of(city), in: models.cities))
        try rule.known("solution", solution, tables.stamp(Key.of(solution), in: models.solutions))
        if amount.hundredths <= 0 {
            throw rule.violation("amount_eur \(amount) is not above 0")
        }
        guard let proof = try models.firstDemonstration(of: solution, notAfter: rule.event.at, in: tables) else {
            throw rule.violation(
                "solution '\(solution)' has not been demonstrated anywhere (it must be already proven)"
            )
        }
        try rule.notBefore(proof, "the solution's first demonstration")
    }

    /// The grant's row: its data, position and `at`; city ‖ grant; solution ‖ grant.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.put(event.row(object), forKey: Key.of(grant), in: models.grants)
        try tables.put([], forKey: Key.of(city, grant), in: models.grantsByCity)
        try tables.put([], forKey: Key.of(solution, grant), in: models.grantsBySolution)
    }

    /// Removes the three entries.
    func withdraw(
        _ event: StoredEvent,
        _ models: ReadModels,
        from tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.removeValue(forKey: Key.of(grant), in: models.grants)
        try tables.removeValue(forKey: Key.of(city, grant), in: models.grantsByCity)
        try tables.removeValue(forKey: Key.of(solution, grant), in: models.grantsBySolution)
    }
}

extension ReadModels {
    /// Every reason the CCG travel rules refuse a contribution of `amount` to `city` for `meeting`; empty if none.
    func travelRefusals(
        city: Slug,
        meeting: Slug,
        amount: JSONNumber?,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> [String] {
        var reasons: [String] = []
        let cityRow = try tables.row(Key.of(city), in: cities)
        if cityRow == nil {
            reasons.append("city '\(city)' is not registered")
        } else {
            if try tables.row(Key.of(city), in: members) == nil {
                reasons.append("city '\(city)' is not a CCG member")
            }
            if try endedProject(of: city, in: tables) == nil {
                reasons.append("city '\(city)' is not a lighthouse or fellow city of an SCC project that has ended")
            }
        }
        let meetingRow = try tables.row(Key.of(meeting), in: meetings)
        if let meetingRow {
            if meetingRow.string("format") != MeetingFormat.physical.rawValue {
                reasons.append("meeting '\(meeting)' is not a physical meeting")
            }
        } else {
            reasons.append("meeting '\(meeting)' is not scheduled")
        }
        if let granted = try tables.row(Key.of(city, meeting), in: travel) {
            reasons.append(
                "city '\(city)' already has a travel contribution for meeting '\(meeting)'"
                    + " (position \(granted.positionText))"
            )
        }
        if let amount {
            if amount.hundredths <= 0 { reasons.append("amount_eur \(amount) is not above 0") }
            if amount.hundredths > 450_00 { reasons.append("amount_eur \(amount) is above the 450 EUR per trip") }
        }
        if let year = meetingRow?.string("on").flatMap(CivilDate.init(iso:))?.year {
            let used = try tables.row(Key.of(city.rawValue, String(year)), in: travelYears)
            let trips = used?.number(Column.trips)?.integerValue ?? 0
            let total = used?.number(Column.total)?.hundredths ?? 0
            if trips >= 2 {
                reasons.append("city '\(city)' already has \(trips) trips in \(year), the most allowed")
            }
            if let amount, total + amount.hundredths > 900_00 {
                reasons.append(
                    "city '\(city)' would receive \(JSONNumber(validatedHundredths: total + amount.hundredths)) EUR in \(year),"
                        + " above the 900 EUR allowed (\(JSONNumber(validatedHundredths: total)) already)"
                )
            }
        }
        return reasons
    }

    /// Requires that `city` is registered and a CCG member, both no later than the event.
    func requireMember(
        _ city: Slug,
        _ rule: RuleContext,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws {
        try rule.known("city", city, tables.stamp(Key.of(city), in: cities))
        guard let membership = try tables.row(Key.of(city), in: members) else {
            throw rule.violation("city '\(city)' is not a CCG member")
        }
        try rule.notBefore(membership, "city '\(city)' joining the CCG")
    }

    /// The project `city` is in that ended first, as the project's record: any ended project serves the travel rule,
    /// and the earliest end is the one a contribution's date must not precede.
    func endedProject(of city: Slug, in tables: borrowing some KeyValueReader & ~Copyable) throws -> Row? {
        var found: (row: Row, endedAt: ValidTime?)?
        try tables.scan(cityRoles, prefix: Key.prefix(city)) { key, _ in
            let parts = Key.parts(key)
            guard parts.count == 2, let project = Key.slug(parts[1]),
                let row = try tables.row(Key.of(project), in: projects), row.position(Column.ended) != nil
            else { return true }
            let endedAt = row.string(Column.endedAt).flatMap(ValidTime.init(parsing:))
            if let current = found {
                guard let endedAt, current.endedAt.map({ endedAt.isBefore($0) }) ?? false else { return true }
            }
            found = (row, endedAt)
            return true
        }
        return found?.row
    }

    fileprivate func notBeforeTravelFacts(
        _ context: RuleContext,
        city: Slug,
        meeting: Slug,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws {
        if let membership = try tables.row(Key.of(city), in: members) {
            try context.notBefore(membership, "city '\(city)' joining the CCG")
        }
        if let meetingRow = try tables.row(Key.of(meeting), in: meetings) {
            try context.notBefore(meetingRow, "the scheduling of meeting '\(meeting)'")
        }
        if let project = try endedProject(of: city, in: tables),
            let endedAt = project.string(Column.endedAt).flatMap(ValidTime.init(parsing:)),
            context.event.at.isBefore(endedAt)
        {
            throw context.violation(
                "dated \(context.event.at) before the end of project '\(project.string("project") ?? "?")' (\(endedAt))"
            )
        }
    }
}
