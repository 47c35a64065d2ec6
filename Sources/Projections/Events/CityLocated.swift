import EventStore

/// Where a city lies: its latitude and longitude in decimal degrees (WGS 84), for the map.
///
/// The latest CityLocated of a city in the log stands (at an `--as-of` cut: the latest in the log dated within it);
/// retracting it brings the earlier one back.
public struct CityLocated: EventData {
    /// The event type, `CityLocated`.
    public static let type = EventType.cityLocated
    /// The city, by id.
    public var city: Slug
    /// Latitude, −90 to 90, and longitude, −180 to 180, in decimal degrees.
    public var lat: JSONNumber, lon: JSONNumber

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        city = try fields.slug("city")
        lat = try fields.number("lat")
        lon = try fields.number("lon")
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.slug("city", city)
        fields.number("lat", lat)
        fields.number("lon", lon)
    }

    /// The city.
    public var entities: [Slug] { [city] }
}

/// A city's location as the profiles show it: where, and the event that says so.
public struct CityLocation: Sendable, Equatable {
    /// Latitude and longitude in decimal degrees.
    public var lat: JSONNumber, lon: JSONNumber
    /// The position of the CityLocated that stands.
    public var position: Position

    /// `{"lat","lon","position"}`.
    var json: JSONValue { ["lat": .number(lat), "lon": .number(lon), "position": .position(position)] }
}

// MARK: Rules, fold and withdrawal

extension CityLocated: ProjectedEvent {
    var payload: Payload { .cityLocated(self) }

    static func effects(_ models: ReadModels) -> [FoldEffect] { [FoldEffect(writes: [models.locations])] }

    static func carriers(_ models: ReadModels) -> [Table: RowCarrier] { [models.locations: RowCarrier(.key)] }

    /// A leaf: no rule relies on a location.
    static var isLeaf: Bool { true }

    /// city ‖ position: every location of a city, in log order; the last stands.
    private func key(at position: Position) -> [UInt8] {
        Key.prefix(city) + position.key
    }

    /// The city is registered and no later than the event; the latitude within −90…90, the longitude −180…180.
    func check(_ rule: RuleContext, _ models: ReadModels, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try models.requirePlace(city: city, project: nil, rule, in: tables)
        guard (-90_00...90_00).contains(lat.exactHundredths) else {
            throw rule.violation("lat \(lat) of city '\(city)' is outside -90 to 90")
        }
        guard (-180_00...180_00).contains(lon.exactHundredths) else {
            throw rule.violation("lon \(lon) of city '\(city)' is outside -180 to 180")
        }
    }

    /// city ‖ position → the location with the event's position and `at`.
    func apply(
        _ event: StoredEvent,
        _ models: ReadModels,
        to tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.put(
            event.row(["lat": .number(lat), "lon": .number(lon)]),
            forKey: key(at: event.position),
            in: models.locations
        )
    }

    /// The city's earlier location, if any, stands again.
    func withdraw(
        _ event: StoredEvent,
        _ models: ReadModels,
        from tables: borrowing some KeyValueWriter & ~Copyable
    ) throws {
        try tables.removeValue(forKey: key(at: event.position), in: models.locations)
    }
}

extension ReadModels {
    /// The location of `city` that stands: the last in the log of those the tables hold.
    func location(of city: Slug, in tables: borrowing some KeyValueReader & ~Copyable) throws -> CityLocation? {
        guard let last = try tables.last(in: locations, prefix: Key.prefix(city)) else { return nil }
        let row = try last.value.withUnsafeBytes { try Row(stored: $0, in: locations, key: last.key) }
        guard let position = last.key.withUnsafeBytes({ Key.position($0) }), let lat = row.number("lat"),
            let lon = row.number("lon")
        else { throw RowDamage(table: locations.name, key: last.key, reason: "it holds no position or coordinates") }
        return CityLocation(lat: lat, lon: lon, position: position)
    }
}
