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

    private static let index: [String: UInt8] = Dictionary(
        uniqueKeysWithValues: vocabulary.enumerated().map { ($0.element, UInt8($0.offset)) }
    )

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
        let codes = members.map { index[$0.key].map(Int.init) ?? 0xFF }
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

    /// The object that `bytes` hold, or nil when they are not a whole row (wrong marker, truncated, trailing bytes).
    static func decode(_ bytes: UnsafeRawBufferPointer) -> JSONObject? {
        guard bytes.first == marker else { return nil }
        var reader = Reader(bytes: bytes, offset: 1)
        guard let object = reader.object(depth: 0), reader.offset == bytes.count else { return nil }
        return object
    }

    private struct Reader {
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
