/// The stored form of a read-model row: a compact binary encoding of a JSON object.
///
/// The log keeps the canonical JSON bytes of every event, which the hash chain covers; rows are derived and only
/// sckb reads them, so they need neither text numbers nor quoted keys. A row is the marker byte `0xB2` (no JSON text
/// begins with it, so a row of the JSON-row format before it is told apart by its first byte, `{`) and then an
/// object:
///
/// - object: a count, then each member as a key and a value, in an order of the keys (see ``append(_:to:)``), so
///   that the bytes depend on the members alone, whatever order they were set in;
/// - key: one byte, the key's index in ``vocabulary``, or `0xFF`, a length and the UTF-8 bytes;
/// - value: a tag byte, then for a number its hundredths (zig-zag varint, or 16 bytes for a total beyond Int64),
///   for a string its length and UTF-8 bytes, for an array a count and the elements, for an object as above.
///
/// Counts and lengths are LEB128 varints. Changing anything here, the vocabulary included, changes the read-model
/// format: raise ``ReadModels/formatVersion``.
enum RowCodec {
    /// The first byte of every row.
    static let marker: UInt8 = 0xB2

    /// Keys stored as one byte: the fields of event payloads and of rows. Append only (see the type's note).
    static let vocabulary: [String] = [
        "actor", "amount_eur", "area", "at", "call", "category", "change", "city", "closed_by", "count", "country",
        "data", "demonstration", "direction", "end", "ended", "ended_at", "erased", "erased_at", "format", "from",
        "funding", "grant", "how", "id", "kind", "kpi", "meeting", "name", "obstacle", "on", "overcome_at",
        "overcome_position", "place", "position", "programme", "project", "published", "reason", "recorded", "role",
        "solution", "source", "start", "status", "text", "to", "total", "totals", "trips", "type", "value", "year",
        "overcome", "how_overcome", "tier", "scope", "contact", "email", "salt", "commitment", "figure", "note",
        "at_end", "closed_at",
    ]

    /// The code of each vocabulary key, by an FNV-1a hash of its UTF-8 bytes: an open-addressed table of 256 slots
    /// (0xFF marks an empty one), cheaper to look up than a dictionary of strings.
    private static let slots: [UInt8] = {
        var slots = [UInt8](repeating: 0xFF, count: 256)
        for (code, key) in vocabulary.enumerated() {
            var slot = hash(key)
            while slots[slot] != 0xFF { slot = (slot + 1) & 0xFF }
            slots[slot] = UInt8(code)
        }
        return slots
    }()

    private static func hash(_ key: String) -> Int {
        var key = key
        return key.withUTF8 { bytes in
            var hash: UInt32 = 2_166_136_261
            for byte in bytes { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
            return Int(hash & 0xFF)
        }
    }

    /// The key's one-byte code, or nil for a key outside the vocabulary.
    static func code(of key: String) -> UInt8? {
        var slot = hash(key)
        while true {
            let code = slots[slot]
            if code == 0xFF { return nil }
            if hasSameScalars(vocabulary[Int(code)], key) { return code }
            slot = (slot + 1) & 0xFF
        }
    }

    private enum Tag: UInt8 {
        case null = 0
        case isFalse
        case isTrue
        case number
        case wideNumber
        case string
        case array
        case object
    }

    /// Deeper nesting than this is refused on reading (rows nest two levels at most).
    private static let depthLimit = 16

    // MARK: Writing

    /// The row bytes of `object`.
    static func encode(_ object: JSONObject) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(16 + object.count * 16)
        output.append(marker)
        append(object, to: &output)
        return output
    }

    /// Members go in the order of their key codes, keys outside the vocabulary last by their UTF-8 bytes: an order
    /// that depends on the keys alone, cheaper to reach than the canonical one.
    private static func append(_ object: JSONObject, to output: inout [UInt8]) {
        let members = object.members
        appendVarint(UInt64(members.count), to: &output)
        let codes = members.map { code(of: $0.key).map(Int.init) ?? 0xFF }
        func precedes(_ left: Int, _ right: Int) -> Bool {
            if codes[left] != codes[right] { return codes[left] < codes[right] }
            return codes[left] == 0xFF && members[left].key.utf8.lexicographicallyPrecedes(members[right].key.utf8)
        }
        var order = Array(members.indices)
        if !zip(order, order.dropFirst()).allSatisfy({ !precedes($1, $0) }) {
            order.sort(by: precedes)
        }
        for position in order {
            let code = codes[position]
            output.append(UInt8(code))
            if code == 0xFF { appendText(members[position].key, to: &output) }
            append(members[position].value, to: &output)
        }
    }

    private static func append(_ value: JSONValue, to output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(Tag.null.rawValue)
        case .bool(let bool):
            output.append(bool ? Tag.isTrue.rawValue : Tag.isFalse.rawValue)
        case .number(let number):
            if let hundredths = Int64(exactly: number.exactHundredths) {
                output.append(Tag.number.rawValue)
                appendVarint(UInt64(bitPattern: (hundredths << 1) ^ (hundredths >> 63)), to: &output)
            } else {
                output.append(Tag.wideNumber.rawValue)
                let bits = UInt128(bitPattern: number.exactHundredths)
                for shift in stride(from: 0, to: 128, by: 8) { output.append(UInt8(truncatingIfNeeded: bits >> shift)) }
            }
        case .string(let string):
            output.append(Tag.string.rawValue)
            appendText(string, to: &output)
        case .array(let elements):
            output.append(Tag.array.rawValue)
            appendVarint(UInt64(elements.count), to: &output)
            for element in elements { append(element, to: &output) }
        case .object(let object):
            output.append(Tag.object.rawValue)
            append(object, to: &output)
        }
    }

    private static func appendText(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            appendVarint(UInt64(utf8.count), to: &output)
            output.append(contentsOf: utf8)
        }
    }

    private static func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        output.append(UInt8(rest))
    }

    // MARK: Reading

    /// Whether `bytes` begin as a row of this format: an object row or a fixed-layout one.
    static func isRow(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let first = bytes.first else { return false }
        return first == marker || first == sumMarker || first == countMarker
    }

    /// The object that `bytes` hold, or nil when they are not a whole row (wrong marker, truncated, trailing bytes).
    /// A fixed-layout row reads as the object it stands for.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> JSONObject? {
        switch bytes.first {
        case marker:
            var reader = Reader(bytes: bytes, offset: 1)
            guard let object = reader.object(depth: 0), reader.offset == bytes.count else { return nil }
            return object
        case sumMarker:
            guard let (total, reports) = sum(bytes) else { return nil }
            return [Column.value: Row.total(total), Column.reports: Row.integer(reports)]
        case countMarker:
            guard let count = count(bytes) else { return nil }
            return [Column.count: Row.integer(count)]
        default:
            return nil
        }
    }

    /// Where the value of the member `key` begins in the object row `bytes`, or nil when it has none (or the row
    /// does not read).
    static func offset(of key: String, in bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.first == marker else { return nil }
        let wanted = code(of: key).map(Int.init) ?? 0xFF
        var reader = Reader(bytes: bytes, offset: 1)
        guard let count = reader.length() else { return nil }
        for _ in 0..<count {
            guard let code = reader.byte() else { return nil }
            if code == 0xFF {
                guard let text = reader.text() else { return nil }
                if wanted == 0xFF, hasSameScalars(text, key) { return reader.offset }
            } else if Int(code) == wanted {
                return reader.offset
            } else if Int(code) > wanted {
                return nil
            }
            guard reader.skipValue(depth: 0) else { return nil }
        }
        return nil
    }

    // MARK: Fixed-layout rows

    /// The first byte of a sum row: a total in hundredths (16 bytes) and a count of reports (8 bytes), both
    /// little-endian; it reads as `{"value","reports"}`.
    static let sumMarker: UInt8 = 0xB3
    /// The first byte of a count row: a count (8 bytes, little-endian); it reads as `{"count"}`.
    static let countMarker: UInt8 = 0xB4

    /// A sum row.
    static func sum(total: Int128, reports: Int) -> [UInt8] {
        var output: [UInt8] = [sumMarker]
        output.reserveCapacity(25)
        appendFixed(UInt128(bitPattern: total), bytes: 16, to: &output)
        appendFixed(UInt128(UInt64(bitPattern: Int64(reports))), bytes: 8, to: &output)
        return output
    }

    /// The total and the count of a sum row, or nil when `bytes` are not one.
    static func sum(_ bytes: UnsafeRawBufferPointer) -> (total: Int128, reports: Int)? {
        guard bytes.count == 25, bytes.first == sumMarker else { return nil }
        let total = Int128(bitPattern: fixed(bytes, at: 1, bytes: 16))
        let reports = Int64(bitPattern: UInt64(truncatingIfNeeded: fixed(bytes, at: 17, bytes: 8)))
        // A count a JSON number can hold (below 2^53): more is damage, not a count.
        guard reports >= 0 && reports < JSONNumber.integerLimit else { return nil }
        return (total, Int(reports))
    }

    /// A count row.
    static func count(_ count: Int) -> [UInt8] {
        var output: [UInt8] = [countMarker]
        output.reserveCapacity(9)
        appendFixed(UInt128(UInt64(bitPattern: Int64(count))), bytes: 8, to: &output)
        return output
    }

    /// The count of a count row, or nil when `bytes` are not one.
    static func count(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count == 9, bytes.first == countMarker else { return nil }
        let count = Int64(bitPattern: UInt64(truncatingIfNeeded: fixed(bytes, at: 1, bytes: 8)))
        return count >= 0 && count < JSONNumber.integerLimit ? Int(count) : nil
    }

    private static func appendFixed(_ value: UInt128, bytes count: Int, to output: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0.prefix(count)) }
    }

    private static func fixed(_ bytes: UnsafeRawBufferPointer, at offset: Int, bytes count: Int) -> UInt128 {
        var value: UInt128 = 0
        for index in 0..<count { value |= UInt128(bytes[offset + index]) << (index * 8) }
        return value
    }

    /// Reads the parts of a row.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset: Int

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while let byte = byte() {
                guard shift < 64 else { return nil }
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }

        /// A length or count that the remaining bytes can hold (each element takes at least one byte).
        mutating func length() -> Int? {
            guard let value = varint(), value <= UInt64(bytes.count - offset) else { return nil }
            return Int(value)
        }

        mutating func text() -> String? {
            guard let count = length() else { return nil }
            defer { offset += count }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)]), as: UTF8.self)
        }

        mutating func object(depth: Int) -> JSONObject? {
            guard depth < RowCodec.depthLimit, let count = length() else { return nil }
            var members: [(key: String, value: JSONValue)] = []
            members.reserveCapacity(count)
            for _ in 0..<count {
                guard let code = byte() else { return nil }
                let key: String
                if code == 0xFF {
                    guard let text = text() else { return nil }
                    key = text
                } else {
                    guard Int(code) < RowCodec.vocabulary.count else { return nil }
                    key = RowCodec.vocabulary[Int(code)]
                }
                guard let value = value(depth: depth) else { return nil }
                members.append((key: key, value: value))
            }
            return JSONObject(members)
        }

        /// A string value (its tag first), or nil when the value there is not one.
        mutating func stringValue() -> String? {
            guard byte() == Tag.string.rawValue else { return nil }
            return text()
        }

        /// A number value in hundredths (its tag first), or nil when the value there is not one.
        mutating func numberValue() -> Int128? {
            guard case .number(let number)? = value(depth: RowCodec.depthLimit - 1) else { return nil }
            return number.exactHundredths
        }

        /// Steps over one value; false when it does not read.
        mutating func skipValue(depth: Int) -> Bool {
            guard depth < RowCodec.depthLimit, let code = byte(), let tag = Tag(rawValue: code) else { return false }
            switch tag {
            case .null, .isFalse, .isTrue:
                return true
            case .number:
                return varint() != nil
            case .wideNumber:
                guard bytes.count - offset >= 16 else { return false }
                offset += 16
                return true
            case .string:
                guard let count = length() else { return false }
                offset += count
                return true
            case .array:
                guard let count = length() else { return false }
                for _ in 0..<count where !skipValue(depth: depth + 1) { return false }
                return true
            case .object:
                guard let count = length() else { return false }
                for _ in 0..<count {
                    guard let code = byte() else { return false }
                    if code == 0xFF, text() == nil { return false }
                    guard skipValue(depth: depth + 1) else { return false }
                }
                return true
            }
        }

        mutating func value(depth: Int) -> JSONValue? {
            guard let code = byte(), let tag = Tag(rawValue: code) else { return nil }
            switch tag {
            case .null: return .null
            case .isFalse: return .bool(false)
            case .isTrue: return .bool(true)
            case .number:
                guard let bits = varint() else { return nil }
                let hundredths = Int64(bitPattern: bits >> 1) ^ -Int64(bitPattern: bits & 1)
                return .number(JSONNumber(totalHundredths: Int128(hundredths)))
            case .wideNumber:
                guard bytes.count - offset >= 16 else { return nil }
                var bits: UInt128 = 0
                for shift in stride(from: 0, to: 128, by: 8) {
                    bits |= UInt128(bytes[offset]) << shift
                    offset += 1
                }
                return .number(JSONNumber(totalHundredths: Int128(bitPattern: bits)))
            case .string:
                return text().map(JSONValue.string)
            case .array:
                guard depth + 1 < RowCodec.depthLimit, let count = length() else { return nil }
                var elements: [JSONValue] = []
                elements.reserveCapacity(count)
                for _ in 0..<count {
                    guard let element = value(depth: depth + 1) else { return nil }
                    elements.append(element)
                }
                return .array(elements)
            case .object:
                return object(depth: depth + 1).map(JSONValue.object)
            }
        }
    }
}
