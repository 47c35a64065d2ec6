import EventStore

/// One field of a stored row, read in place: what rules and folds look up on every event (a demonstration's city,
/// a registration's position and `at`, a reported value) without decoding the whole row into a ``Row``.
///
/// A binary row (``RowCodec``) is scanned up to the member asked for; members are stored in the order of their key
/// codes, so the scan stops at the first code past it. A row of the JSON format before it (a store not yet rebuilt)
/// is decoded whole, as ``Row`` does.
struct RowReader {
    private let bytes: UnsafeRawBufferPointer

    /// A view of `bytes`, valid while they are.
    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    func string(_ key: String) -> String? {
        field(key, binary: { $0.stringValue() }, decoded: { $0.string(key) })
    }

    func slug(_ key: String) -> Slug? {
        string(key).flatMap(Slug.init(rawValue:))
    }

    func hundredths(_ key: String) -> Int128? {
        field(key, binary: { $0.numberValue() }, decoded: { $0.number(key)?.exactHundredths })
    }

    /// The member `key`, read by `binary` from where its value begins in a binary row, or by `decoded` from the
    /// decoded row of the JSON format.
    private func field<Value>(
        _ key: String,
        binary: (inout RowCodec.Reader) -> Value?,
        decoded: (Row) -> Value?
    ) -> Value? {
        switch locate(key) {
        case .binary(let offset):
            var reader = RowCodec.Reader(bytes: bytes, offset: offset)
            return binary(&reader)
        case .decoded(let row):
            return decoded(row)
        case .absent:
            return nil
        }
    }

    func number(_ key: String) -> JSONNumber? {
        hundredths(key).map(JSONNumber.init(totalHundredths:))
    }

    func position(_ key: String = Column.position) -> Position? {
        guard let hundredths = hundredths(key), hundredths >= 0, hundredths % 100 == 0,
            let value = UInt64(exactly: hundredths / 100)
        else { return nil }
        return Position(value)
    }

    /// The valid time of the event behind the row (`at`).
    var time: ValidTime? { string(Column.at).flatMap(ValidTime.init(parsing:)) }

    private enum Location {
        case binary(Int)
        case decoded(Row)
        case absent
    }

    private func locate(_ key: String) -> Location {
        guard bytes.first == RowCodec.marker else {
            return Row(bytes: bytes).map(Location.decoded) ?? .absent
        }
        return RowCodec.offset(of: key, in: bytes).map(Location.binary) ?? .absent
    }
}

/// A stored row's position and valid time: what the date-order rule and messages need of a registration.
struct RowStamp {
    var position: Position?
    var time: ValidTime?

    init(_ view: RowReader) {
        position = view.position()
        time = view.time
    }

    init(_ row: Row) {
        position = row.position(Column.position)
        time = row.time
    }
}

extension KeyValueReader where Self: ~Copyable {
    /// `body` applied to a view of the row under `key`, or nil when there is none.
    func withRow<Result>(_ key: [UInt8], in table: Table, _ body: (RowReader) throws -> Result) throws -> Result? {
        try withValue(forKey: key, in: table) { try body(RowReader($0)) }
    }

    /// The position and valid time of the row under `key`, or nil when there is none; a row without a position
    /// (every row that carries its event has one) throws ``RowDamage``.
    func stamp(_ key: [UInt8], in table: Table) throws -> RowStamp? {
        try withRow(key, in: table) { view in
            let stamp = RowStamp(view)
            guard stamp.position != nil else {
                throw RowDamage(table: table.name, key: key, reason: "it carries no position")
            }
            return stamp
        }
    }
}
