import EventStore

/// What the record does not know yet (SPEC §9.2), as a to-do list for the Monitoring and Evaluation Task Group.
public struct Gaps: Sendable, Equatable {
    /// Projects with no plan or replication with the project as origin or frame, or from one of its lighthouse
    /// cities (a plan counts whatever its status).
    public var projectsWithoutReplications: [Slug]
    /// Fellow-tier cities with neither a plan (of any status) nor a replication into them.
    public var fellowCitiesWithoutPlans: [Slug]
    /// Demonstrations with no current impact report.
    public var demonstrationsWithoutImpacts: [Slug]
    /// Obstacles not yet overcome.
    public var openObstacles: [Slug]
    /// Events inside the cut without a `source`, by type (retracted events left out, each EventRetracted counted under
    /// its own type); types with none are absent.
    public var eventsWithoutSource: [EventType: Int]
    /// Registered cities whose location the record does not give.
    public var citiesWithoutLocation: [Slug]
    /// Projects whose `end` is before the cut's date and that have no ProjectEnded.
    public var projectsPastEndNotEnded: [Slug]
    /// The date the cut stands for: the `--as-of` date, else the day the last event inside an `--until` cut was
    /// recorded, else today (UTC).
    public var date: CivilDate
}

extension Gaps: JSONValueView {
    var json: JSONValue {
        var counts = JSONObject()
        for (type, count) in eventsWithoutSource.sorted(by: { $0.key < $1.key }) { counts[type.rawValue] = .integer(count) }
        return [
            "projects_without_replications": .slugs(projectsWithoutReplications),
            "fellow_cities_without_plans": .slugs(fellowCitiesWithoutPlans),
            "demonstrations_without_impacts": .slugs(demonstrationsWithoutImpacts),
            "open_obstacles": .slugs(openObstacles), "events_without_source": .object(counts),
            "cities_without_location": .slugs(citiesWithoutLocation),
            "projects_past_end_not_ended": .slugs(projectsPastEndNotEnded), "date": .string(date.description),
        ]
    }
}

extension ReadModels {
    /// The gaps the read models tell, all but the events without a source, as of `date`.
    func gaps(on date: CivilDate, in tables: borrowing some KeyValueReader & ~Copyable) throws -> Gaps {
        // Who takes part in a replication or a plan: the projects named as origin or frame, the cities as `from`,
        // the cities as target.
        var framingProjects = Set<Slug>()
        var origins = Set<Slug>()
        var targets = Set<Slug>()
        // Three fields read in place: no row is decoded whole.
        func note(_ value: UnsafeRawBufferPointer) {
            let row = RowReader(value)
            if let project = row.slug("project") { framingProjects.insert(project) }
            if let from = row.slug("from") { origins.insert(from) }
            if let city = row.slug("city") { targets.insert(city) }
        }
        try tables.scan(replications, from: nil, reverse: false) { _, value in
            note(value)
            return true
        }
        try tables.scan(plans, from: nil, reverse: false) { _, value in
            note(value)
            return true
        }
        var withoutReplications: [Slug] = []
        var pastEnd: [Slug] = []
        for (project, row) in try tables.entries(of: projects) {
            let lighthouses = try lighthouseCities(of: project, in: tables)
            if !framingProjects.contains(project) && origins.isDisjoint(with: lighthouses) {
                withoutReplications.append(project)
            }
            if row[Column.ended] == nil, let end = row.string("end").flatMap(CivilDate.init(iso:)), end < date {
                pastEnd.append(project)
            }
        }
        var fellowsWithoutPlans: [Slug] = []
        var withoutLocation: [Slug] = []
        for (city, _) in try tables.entries(of: cities) {
            if try tier(of: city, in: tables) == .fellow && !targets.contains(city) { fellowsWithoutPlans.append(city) }
            if try location(of: city, in: tables) == nil { withoutLocation.append(city) }
        }
        var withoutImpacts: [Slug] = []
        for (demonstration, _) in try tables.entries(of: demonstrations) {
            var reported = false
            try tables.scan(impacts, prefix: Key.prefix(demonstration)) { _, _ in
                reported = true
                return false
            }
            if !reported { withoutImpacts.append(demonstration) }
        }
        let open = try obstacleReport(ObstacleFilter(openOnly: true), in: tables).obstacles.map(\.obstacle).sorted()
        return Gaps(
            projectsWithoutReplications: withoutReplications,
            fellowCitiesWithoutPlans: fellowsWithoutPlans,
            demonstrationsWithoutImpacts: withoutImpacts,
            openObstacles: open,
            eventsWithoutSource: [:],
            citiesWithoutLocation: withoutLocation,
            projectsPastEndNotEnded: pastEnd,
            date: date
        )
    }
}

extension KnowledgeBase {
    /// What the record does not know yet at `cut` (SPEC §9.2).
    public func gaps(at cut: ViewCut = ViewCut()) throws -> Gaps {
        let (date, withoutSource) = try environment.read { transaction -> (CivilDate, [EventType: Int]) in
            let head = try transaction.head()
            let last = try cut.until?.lastPosition(in: transaction) ?? head?.position ?? Position(0)
            var retracted: [Position] = []
            try transaction.scan(indexes.retractions, from: nil, reverse: false) { key, value in
                if let target = Position(key: key), let retracting = Position(key: value), retracting <= last {
                    retracted.append(target)
                }
                return true
            }
            let counts: [EventType: Int]
            if cut.asOf == nil, try readModels.storedFormat(in: transaction) == .current {
                counts = try sourcelessCounts(through: last, leaving: retracted, in: transaction)
            } else {
                counts = try scannedSourcelessCounts(
                    through: last,
                    asOf: cut.asOf,
                    leaving: Set(retracted),
                    in: transaction
                )
            }
            let lastRecorded = last.rawValue > 0 ? try storedEvent(at: last, in: transaction).recorded : nil
            let date: CivilDate
            if let asOf = cut.asOf {
                date = CivilDate(daysSince1970: asOf.latest.floorDivided(by: 86_400_000_000))
            } else if cut.until != nil {
                date = CivilDate(daysSince1970: (lastRecorded ?? Timestamp.now()).secondsSince1970.floorDivided(by: 86_400))
            } else {
                date = CivilDate(daysSince1970: Timestamp.now().secondsSince1970.floorDivided(by: 86_400))
            }
            return (date, counts)
        }
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> Gaps {
            try models.gaps(on: date, in: tables)
        }
        var gaps = try view(at: cut, reading: ViewTables.gaps, live: query, memory: query)
        gaps.eventsWithoutSource = withoutSource
        return gaps
    }
}

extension KnowledgeBase {
    /// The events without a source through `last`, by type, from the log index of such events (one seek per type),
    /// less the `retracted` ones (each read from the log).
    func sourcelessCounts(
        through last: Position,
        leaving retracted: [Position],
        in transaction: borrowing ReadTransaction
    ) throws -> [EventType: Int] {
        var counts = try indexes.sourcelessCounts(through: last, in: transaction)
        for position in retracted {
            let event = try storedEvent(at: position, in: transaction).event
            guard event.source == nil, let count = counts[event.type] else { continue }
            counts[event.type] = count > 1 ? count - 1 : nil
        }
        return counts
    }

    /// The events without a source through `last` (and inside `asOf`), by type, less the `retracted` ones, read
    /// from the log itself: for a valid-time cut, and for a store whose index of such events is not built yet.
    func scannedSourcelessCounts(
        through last: Position,
        asOf: ValidTimeCut?,
        leaving retracted: Set<Position>,
        in transaction: borrowing ReadTransaction
    ) throws -> [EventType: Int] {
        var counts: [EventType: Int] = [:]
        try transaction.forEachEvent(through: last) { position, hash, bytes in
            if retracted.contains(position) { return true }
            // Most events are told from their canonical bytes without decoding them: `"source":"` can only be
            // the envelope's key (no event data has a field `source`, and a quote inside a string is escaped),
            // and the type is the last key.
            if asOf == nil, let type = KnowledgeBase.storedType(bytes) {
                if !KnowledgeBase.holdsSource(bytes) { counts[type, default: 0] += 1 }
                return true
            }
            let event = try StoredEvent(
                position: position,
                hash: SHA256Digest(bytes: Array(hash)) ?? .zero,
                bytes: bytes
            )
            if let asOf, !asOf.includes(event.at) { return true }
            if event.event.source == nil { counts[event.event.type, default: 0] += 1 }
            return true
        }
        return counts
    }

    /// Whether canonical event bytes carry the envelope's `source`.
    static func holdsSource(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let needle = Array(#","source":""#.utf8)
        guard bytes.count >= needle.count else { return false }
        var index = 0
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0] && needle.indices.allSatisfy({ bytes[index + $0] == needle[$0] }) { return true }
            index += 1
        }
        return false
    }

    /// The type of canonical event bytes, read from their last key (`…,"type":"T"}`); nil when laid out otherwise.
    static func storedType(_ bytes: UnsafeRawBufferPointer) -> EventType? {
        let suffix = Array(#""}"#.utf8)
        guard bytes.count > 12, bytes[bytes.count - 2] == suffix[0], bytes[bytes.count - 1] == suffix[1] else {
            return nil
        }
        var start = bytes.count - 3
        while start > 0, bytes[start] != UInt8(ascii: "\"") { start -= 1 }
        let key = Array(#","type":"#.utf8)
        guard start >= key.count, Array(bytes[(start - key.count)..<start]) == key else { return nil }
        return EventType(rawValue: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(start + 1)..<(bytes.count - 2)]), as: UTF8.self))
    }
}
