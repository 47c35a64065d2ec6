import EventStore

/// The read models: LMDB tables kept in the same transaction as the events that change them.
///
/// Keys join entity ids with a 0 byte and end, where several entries share a prefix, with an 8-byte position, so a
/// prefix scan lists them in log order. Values are small canonical JSON objects.
struct ReadModels: Sendable {
    let projects: Table
    let cities: Table
    let solutions: Table
    let demonstrations: Table
    let meetings: Table
    let grants: Table
    /// project ‖ city → role.
    let roles: Table
    /// city ‖ project → role.
    let cityRoles: Table
    /// solution ‖ city ‖ position → how the city got it (demonstrated, adopted).
    let adoptions: Table
    /// solution → how many cities hold it (`reach`) and how many adopted it by replication (`adoptions`), as the
    /// adoptions table counts them.
    let holderCounts: Table
    /// country ‖ solution → how many cities of that country hold the solution (a count row).
    let countryHolders: Table
    /// position → replication edge, in log order.
    let replications: Table
    /// city ‖ position → in or out, for profiles.
    let replicationsByCity: Table
    /// solution ‖ position, for profiles.
    let replicationsBySolution: Table
    /// solution ‖ city ‖ from → plan with its status.
    let plans: Table
    /// position → plan key, for open plans only.
    let openPlans: Table
    /// city ‖ position → plan key, plans naming the city (as city or from).
    let plansByCity: Table
    /// city ‖ demonstration; solution ‖ demonstration; project ‖ demonstration.
    let demonstrationsByCity: Table
    let demonstrationsBySolution: Table
    let demonstrationsByProject: Table
    /// demonstration ‖ kpi ‖ position → value.
    let impacts: Table
    /// scope ‖ kpi → summed value; scope ‖ kpi ‖ value ‖ demonstration → nothing (for maxima); scope → count.
    let kpiSums: Table
    let kpiMaxima: Table
    let demonstrationCounts: Table
    /// city ‖ position → joined or left; city → current membership.
    let membershipEvents: Table
    let members: Table
    /// meeting ‖ city → attendance; city ‖ meeting.
    let attendance: Table
    let attendanceByCity: Table
    /// city ‖ meeting → contribution; city ‖ year → trips and total.
    let travel: Table
    let travelYears: Table
    /// city ‖ grant; solution ‖ grant.
    let grantsByCity: Table
    let grantsBySolution: Table
    /// obstacle → its report, and how it was overcome; kind ‖ entity ‖ position → obstacle (kind: solution, city,
    /// project).
    let obstacles: Table
    let obstaclesByEntity: Table
    /// scope ‖ kpi ‖ position → a published figure; the last of a scope and kpi is current.
    let published: Table
    /// contact ‖ id → registration and erasure; city ‖ city ‖ id (ContactEvents.swift).
    let contacts: Table
    /// city ‖ position → a location; the last of a city stands (CityLocated.swift).
    let locations: Table
    /// "version" → the read-model format of every other table (``formatVersion``), 4 bytes big-endian. Not among
    /// ``all``: rebuilding the models rewrites it rather than clearing it.
    let format: Table

    /// The format of the rows and keys of the read models: 1 for canonical JSON rows (no version recorded), 2 for
    /// the binary rows of ``RowCodec``, 3 with fixed-layout sum and count rows, 4 with the locations of cities, 5 with
    /// the holder counts of solutions (overall and by country), the grants by solution and the log index of events
    /// without a source (``LogIndexes/sourceless``), 6 with the count of events without a source beside each type's
    /// count (``LogIndexes/counts``), 7 with the `at` of the replication that closed a plan beside its position
    /// (`closed_at`) and the plan's key under each entry of ``plansByCity``, which let a cut be answered from rows, 8
    /// with the log indexes by type, by entity and of events without a source kept as LMDB duplicates under new
    /// names (``LogIndexes/layouts``). A store in an older format is rebuilt from its log once, on its first write
    /// (or by `replay`), its log indexes too when it predates format 8; a store in a newer one is refused.
    static let formatVersion: UInt32 = 8

    /// The last format that changed the log indexes: a store in an older one gets them rebuilt too.
    static let logIndexesVersion: UInt32 = 8

    /// The first format with ``LogIndexes/sourceless`` and the tables beside it.
    static let sourcelessIndexVersion: UInt32 = 5

    /// The first format whose closed plans carry the `at` of the replication that closed them.
    static let planMarksVersion: UInt32 = 7

    /// The tables (read models and log indexes) that formats after `format` added or laid out anew, which a store in
    /// `format` lacks, or holds in its own layout, until its rebuild: `verify` leaves them out of its comparison.
    static func tablesChanged(after format: ReadModelFormat) -> [String] {
        let groupedIndexes = Array(LogIndexes.layouts.keys).sorted()
        switch format {
        case .unrecorded, .older(0..<sourcelessIndexVersion):
            return groupedIndexes + [
                "rm.holder-counts", "rm.country-holders", "rm.grants-by-solution", "index.counts", "rm.plans",
                "rm.plans-by-city",
            ]
        case .older(0..<6): return groupedIndexes + ["index.counts", "rm.plans", "rm.plans-by-city"]
        case .older(0..<planMarksVersion): return groupedIndexes + ["rm.plans", "rm.plans-by-city"]
        case .older(0..<logIndexesVersion): return groupedIndexes
        case .current, .older, .newer: return []
        }
    }

    static let tableNames = [
        "rm.projects", "rm.cities", "rm.solutions", "rm.demonstrations", "rm.meetings", "rm.grants", "rm.roles",
        "rm.city-roles", "rm.adoptions", "rm.holder-counts", "rm.country-holders", "rm.replications",
        "rm.replications-by-city", "rm.replications-by-solution", "rm.plans", "rm.open-plans", "rm.plans-by-city",
        "rm.demonstrations-by-city", "rm.demonstrations-by-solution", "rm.demonstrations-by-project", "rm.impacts",
        "rm.kpi-sums",
        "rm.kpi-maxima", "rm.demonstration-counts", "rm.membership-events", "rm.members", "rm.attendance",
        "rm.attendance-by-city", "rm.travel", "rm.travel-years", "rm.grants-by-city", "rm.grants-by-solution",
        "rm.obstacles", "rm.obstacles-by-entity", "rm.published", "rm.contacts", "rm.locations", "rm.format",
    ]

    init(table: (String) -> Table) {
        projects = table("rm.projects")
        cities = table("rm.cities")
        solutions = table("rm.solutions")
        demonstrations = table("rm.demonstrations")
        meetings = table("rm.meetings")
        grants = table("rm.grants")
        roles = table("rm.roles")
        cityRoles = table("rm.city-roles")
        adoptions = table("rm.adoptions")
        holderCounts = table("rm.holder-counts")
        countryHolders = table("rm.country-holders")
        replications = table("rm.replications")
        replicationsByCity = table("rm.replications-by-city")
        replicationsBySolution = table("rm.replications-by-solution")
        plans = table("rm.plans")
        openPlans = table("rm.open-plans")
        plansByCity = table("rm.plans-by-city")
        demonstrationsByCity = table("rm.demonstrations-by-city")
        demonstrationsBySolution = table("rm.demonstrations-by-solution")
        demonstrationsByProject = table("rm.demonstrations-by-project")
        impacts = table("rm.impacts")
        kpiSums = table("rm.kpi-sums")
        kpiMaxima = table("rm.kpi-maxima")
        demonstrationCounts = table("rm.demonstration-counts")
        membershipEvents = table("rm.membership-events")
        members = table("rm.members")
        attendance = table("rm.attendance")
        attendanceByCity = table("rm.attendance-by-city")
        travel = table("rm.travel")
        travelYears = table("rm.travel-years")
        grantsByCity = table("rm.grants-by-city")
        grantsBySolution = table("rm.grants-by-solution")
        obstacles = table("rm.obstacles")
        obstaclesByEntity = table("rm.obstacles-by-entity")
        published = table("rm.published")
        contacts = table("rm.contacts")
        locations = table("rm.locations")
        format = table("rm.format")
    }

    /// Every table, for clearing and comparing.
    var all: [Table] {
        [
            projects, cities, solutions, demonstrations, meetings, grants, roles, cityRoles, adoptions, holderCounts,
            countryHolders, replications,
            replicationsByCity, replicationsBySolution, plans, openPlans, plansByCity, demonstrationsByCity,
            demonstrationsBySolution, demonstrationsByProject, impacts, kpiSums, kpiMaxima, demonstrationCounts,
            membershipEvents, members, attendance, attendanceByCity, travel, travelYears, grantsByCity,
            grantsBySolution, obstacles,
            obstaclesByEntity, published, contacts, locations,
        ]
    }
}

/// The read-model format a store records, against the one this build writes.
enum ReadModelFormat: Equatable {
    /// This build's format.
    case current
    /// None recorded: a new, empty store, or one written before formats were recorded (format 1).
    case unrecorded
    /// An older format, to rebuild from the log.
    case older(UInt32)
    /// A newer format, which this build cannot read.
    case newer(UInt32)
}

extension ReadModels {
    private static let formatKey = Array("version".utf8)

    /// The format the read models of the store `reader` sees are in.
    func storedFormat(in reader: borrowing some KeyValueReader & ~Copyable) throws -> ReadModelFormat {
        let stored = try reader.withValue(forKey: Self.formatKey, in: format) { bytes -> UInt32? in
            guard bytes.count == 4 else { return nil }
            return bytes.reduce(0) { $0 << 8 | UInt32($1) }
        }
        switch stored {
        case nil: return .unrecorded
        case .some(nil): return .older(0)
        case .some(let version?) where version == Self.formatVersion: return .current
        case .some(let version?) where version < Self.formatVersion: return .older(version)
        case .some(let version?): return .newer(version)
        }
    }

    /// Records that the read models are in this build's format.
    func recordFormat(in writer: borrowing some KeyValueWriter & ~Copyable) throws {
        let version = Self.formatVersion
        let bytes = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: version >> $0) }
        try writer.put(
            bytes,
            forKey: Self.formatKey,
            in: format
        )
    }
}

/// Keys of read-model tables: parts joined by a 0 byte.
enum Key {
    static func of(_ parts: String...) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(parts.reduce(parts.count) { $0 + $1.utf8.count })
        for (index, part) in parts.enumerated() {
            if index > 0 { key.append(0) }
            key.append(contentsOf: part.utf8)
        }
        return key
    }

    static func of(_ slugs: Slug...) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(slugs.reduce(slugs.count) { $0 + $1.rawValue.utf8.count })
        for (index, slug) in slugs.enumerated() {
            if index > 0 { key.append(0) }
            key.append(contentsOf: slug.rawValue.utf8)
        }
        return key
    }

    /// solution ‖ city ‖ origin: the key of a plan (for a city origin, the city's id as the last part).
    static func plan(_ solution: Slug, _ city: Slug, _ origin: Origin) -> [UInt8] {
        Key.of(solution.rawValue, city.rawValue, origin.keyPart)
    }

    /// The prefix of every key that begins with `slug` as its first part.
    static func prefix(_ slug: Slug) -> [UInt8] {
        Array(slug.rawValue.utf8) + [0]
    }

    /// The parts of a key, split at 0 bytes, as text (the last 8 bytes of a positioned key are not text).
    static func parts(_ key: UnsafeRawBufferPointer) -> [String] {
        key.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The position in the last 8 bytes of `key`.
    static func position(_ key: UnsafeRawBufferPointer) -> Position? {
        guard key.count >= 8 else { return nil }
        return Position(key: UnsafeRawBufferPointer(rebasing: key[(key.count - 8)...]))
    }

    /// `text` as a slug (keys hold only slugs written by the read models).
    static func slug(_ text: some StringProtocol) -> Slug? {
        Slug(rawValue: String(text))
    }
}

/// A read-model value: a small JSON object.
struct Row: Sendable, Equatable {
    var object: JSONObject

    init(_ object: JSONObject = JSONObject()) {
        self.object = object
    }

    /// Reads a row: the binary form (``RowCodec``), or the canonical JSON object of the format before it, which a
    /// store keeps until its read models are rebuilt (see ``ReadModels/formatVersion``).
    init?(bytes: UnsafeRawBufferPointer) {
        if RowCodec.isRow(bytes) {
            guard let object = RowCodec.decode(bytes) else { return nil }
            self.object = object
        } else {
            guard bytes.first == UInt8(ascii: "{"), case .object(let object) = try? JSONParser.parse(bytes) else {
                return nil
            }
            self.object = object
        }
    }

    init?(bytes: [UInt8]) {
        guard let row = bytes.withUnsafeBytes({ Row(bytes: $0) }) else { return nil }
        self = row
    }

    /// Reads the row stored under `key` in `table`; a row that does not read is damage (``RowDamage``, naming the
    /// table and the key), never a row to skip.
    init(stored bytes: UnsafeRawBufferPointer, in table: Table, key: some Collection<UInt8>) throws(RowDamage) {
        guard let row = Row(bytes: bytes) else {
            throw RowDamage(table: table.name, key: key, reason: "it does not read")
        }
        self = row
    }

    /// Whether two stored values say the same: equal bytes, or rows that decode to equal records (a row of an older
    /// format and the same row rebuilt in this one).
    static func sameRow(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        if left == right { return true }
        guard let left = Row(bytes: left), let right = Row(bytes: right) else { return false }
        return left == right
    }

    /// The row's stored bytes.
    var bytes: [UInt8] { RowCodec.encode(object) }

    subscript(key: String) -> JSONValue? {
        get { object[key] }
        set { object[key] = newValue }
    }

    func string(_ key: String) -> String? { object[key]?.stringValue }
    func slug(_ key: String) -> Slug? { object[key]?.stringValue.flatMap(Slug.init(rawValue:)) }
    func number(_ key: String) -> JSONNumber? { object[key]?.numberValue }
    /// The position of the event behind the record, as text for messages ("?" if it has none).
    var positionText: String { position("position")?.description ?? "?" }

    func position(_ key: String) -> Position? {
        object[key]?.numberValue?.integerValue.flatMap { UInt64(exactly: $0) }.map { Position($0) }
    }

    /// The origin of a replication or plan record: its `from` city, else its project's lighthouse cities.
    var origin: Origin? {
        slug("from").map(Origin.city) ?? slug("project").map(Origin.project)
    }

    /// The valid time the record's event covers (`at`, `at_end` in microseconds).
    var time: ValidTime? { string("at").flatMap(ValidTime.init(parsing:)) }

    /// An exact total, in hundredths: a number while the number rule admits it, else its hundredths as decimal
    /// text (a parser reading the record back refuses numbers beyond 2^53).
    func total(_ key: String) -> Int128? {
        switch object[key] {
        case .number(let number): number.exactHundredths
        case .string(let text): Int128(text)
        default: nil
        }
    }

    /// The stored form of a total in hundredths (see ``total(_:)``).
    static func total(_ hundredths: Int128) -> JSONValue {
        let number = JSONNumber(totalHundredths: hundredths)
        return number.isAdmissible ? .number(number) : .string(String(hundredths))
    }

    static func position(_ position: Position) -> JSONValue {
        .number(JSONNumber(integer: Int64(position.rawValue)))
    }

    static func integer(_ value: Int) -> JSONValue {
        .number(JSONNumber(integer: Int64(value)))
    }
}

extension KeyValueReader where Self: ~Copyable {
    /// The row under `key`, or nil when there is none; a row that does not read throws ``RowDamage``.
    func row(_ key: [UInt8], in table: Table) throws -> Row? {
        try withValue(forKey: key, in: table) { try Row(stored: $0, in: table, key: key) }
    }

    /// The second parts of the keys `owner ‖ 0 ‖ id` of an index table, in key order.
    func ids(in index: Table, of owner: Slug) throws -> [Slug] {
        var ids: [Slug] = []
        try scan(index, prefix: Key.prefix(owner)) { key, _ in
            let parts = Key.parts(key)
            if parts.count == 2, let id = Key.slug(parts[1]) { ids.append(id) }
            return true
        }
        return ids
    }

    /// Every entry of a table keyed by one slug, with its record, in key order.
    func entries(of table: Table) throws -> [(Slug, Row)] {
        var entries: [(Slug, Row)] = []
        try scan(table, from: nil, reverse: false) { key, value in
            if let id = Key.slug(String(decoding: key, as: UTF8.self)) {
                entries.append((id, try Row(stored: value, in: table, key: key)))
            }
            return true
        }
        return entries
    }
}

extension KeyValueWriter where Self: ~Copyable {
    func put(_ row: Row, forKey key: [UInt8], in table: Table) throws {
        try put(row.bytes, forKey: key, in: table)
    }
}
