import EventStore
import Foundation
import Testing

@testable import Projections

/// The binary rows of the read models: what is written reads back the same, whatever the member order, and damaged
/// bytes read as nothing rather than as a crash.
@Suite struct RowCodecTests {
    /// A random JSON value of the kinds rows hold, nested up to `depth` levels.
    static func randomValue(_ random: inout SeededGenerator, depth: Int) -> JSONValue {
        switch random.next() % (depth > 0 ? 7 : 5) {
        case 0: return .null
        case 1: return .bool(random.next() % 2 == 0)
        case 2:
            let hundredths = Int128(Int64(bitPattern: random.next()) >> Int(random.next() % 60))
            return .number(JSONNumber(totalHundredths: random.next() % 5 == 0 ? hundredths << 60 : hundredths))
        case 3, 4:
            let words = ["", "sabadell", "Città Alta", "Ørsted \u{301}", "a\u{0}b", String(repeating: "x", count: 300)]
            return .string(words[Int(random.next() % UInt64(words.count))])
        case 5:
            return .array((0..<Int(random.next() % 4)).map { _ in randomValue(&random, depth: depth - 1) })
        default:
            return .object(randomObject(&random, depth: depth - 1))
        }
    }

    static func randomObject(_ random: inout SeededGenerator, depth: Int) -> JSONObject {
        var object = JSONObject()
        let keys = RowCodec.vocabulary.prefix(20) + ["unlisted", "ünlisted", "z"]
        for _ in 0..<Int(random.next() % 8) {
            object[keys[Int(random.next() % UInt64(keys.count))]] = randomValue(&random, depth: depth)
        }
        return object
    }

    @Test("rows read back as the objects written, and their bytes do not depend on member order")
    func roundTrip() throws {
        var random = SeededGenerator(seed: 13)
        for _ in 0..<2000 {
            let object = Self.randomObject(&random, depth: 3)
            let bytes = RowCodec.encode(object)
            let decoded = try #require(bytes.withUnsafeBytes { RowCodec.decode($0) }, "\(object)")
            #expect(decoded == object)
            #expect(RowCodec.encode(JSONObject(object.members.reversed())) == bytes)
            #expect(Row(bytes: bytes)?.object == object)
        }
    }

    @Test("a truncated, extended or flipped row reads as nothing or as some object, never as a crash")
    func damagedRows() throws {
        var random = SeededGenerator(seed: 14)
        var refused = 0
        for _ in 0..<500 {
            let bytes = RowCodec.encode(Self.randomObject(&random, depth: 2))
            for cut in 0..<bytes.count where bytes[..<cut].withUnsafeBytes({ RowCodec.decode($0) }) == nil {
                refused += 1
            }
            #expect((bytes + [0]).withUnsafeBytes { RowCodec.decode($0) } == nil)
            var flipped = bytes
            let index = Int(random.next() % UInt64(bytes.count))
            flipped[index] ^= UInt8(1 << (random.next() % 8))
            _ = flipped.withUnsafeBytes { RowCodec.decode($0) }
        }
        #expect(refused > 500)
    }

    @Test("a field read in place is the field of the decoded row, in binary rows and in JSON rows")
    func fieldsReadInPlace() throws {
        var random = SeededGenerator(seed: 15)
        let keys = Array(RowCodec.vocabulary.prefix(20)) + ["unlisted", "ünlisted", "z", "value"]
        var jsonRows = 0
        for _ in 0..<2000 {
            let object = Self.randomObject(&random, depth: 2)
            var rows = [RowCodec.encode(object)]
            // A JSON row holds only numbers the number rule admits; others do not occur in stored rows.
            let json = CanonicalJSON.bytes(of: .object(object))
            if Row(bytes: json) != nil {
                rows.append(json)
                jsonRows += 1
            }
            for bytes in rows {
                bytes.withUnsafeBytes { bytes in
                    let view = RowReader(bytes)
                    for key in keys {
                        #expect(view.string(key) == object[key]?.stringValue, "\(key) of \(object)")
                        #expect(view.hundredths(key) == object[key]?.numberValue?.exactHundredths, "\(key)")
                    }
                }
            }
        }
        #expect(jsonRows > 200)
        let row = RowCodec.encode(["position": 42, "at": "2020-02-29", "city": "sabadell"])
        row.withUnsafeBytes { bytes in
            let stamp = RowStamp(RowReader(bytes))
            #expect(stamp.position == Position(42))
            #expect(stamp.time == ValidTime(parsing: "2020-02-29"))
            #expect(RowReader(bytes).slug("city")?.rawValue == "sabadell")
        }
    }

    @Test("sum and count rows hold their figures exactly, read as the objects they stand for, and refuse damage")
    func fixedLayoutRows() throws {
        let totals: [Int128] = [0, -1, 150, Int128(Int64.max) * 1000, -Int128(Int64.max) * 7]
        for total in totals {
            for reports in [0, 1, 12_345] {
                let bytes = RowCodec.sum(total: total, reports: reports)
                let read = try #require(bytes.withUnsafeBytes { RowCodec.sum($0) })
                #expect(read.total == total && read.reports == reports)
                #expect(Row(bytes: bytes)?.total(Column.value) == total)
                #expect(Row(bytes: bytes)?.number(Column.reports)?.integerValue == Int64(reports))
                #expect(bytes.dropLast().withUnsafeBytes { RowCodec.sum($0) } == nil)
                #expect(Row(bytes: Array(bytes.dropLast())) == nil)
            }
        }
        let count = RowCodec.count(7)
        #expect(count.withUnsafeBytes { RowCodec.count($0) } == 7)
        #expect(Row(bytes: count)?.number(Column.count)?.integerValue == 7)
        #expect((count + [0]).withUnsafeBytes { RowCodec.count($0) } == nil)
    }

    @Test("a row of the JSON format before the binary one still reads")
    func jsonRowsRead() {
        let record = Row(bytes: Array(#"{"at":"2020-01-01","position":7,"role":"fellow"}"#.utf8))
        #expect(record?.string("role") == "fellow")
        #expect(record?.position("position") == Position(7))
        #expect(Row(bytes: Array("[1]".utf8)) == nil)
    }

    @Test("a store whose read models are in a newer format is refused at open, in one line naming the format")
    func newerFormatRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sckb-format-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let base = try KnowledgeBase(path: folder, creating: true)
        let line = #"{"type":"CityRegistered","data":{"city":"a","name":"A","country":"DE"}}"#
        let event = try Event(json: JSONParser.parse(Array(line.utf8)))
        _ = try base.append(event)
        try base.environment.write { transaction in
            #expect(try base.readModels.storedFormat(in: transaction) == .current)
            let newer = ReadModels.formatVersion + 1
            try transaction.put(
                [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: newer >> $0) },
                forKey: Array("version".utf8),
                in: base.readModels.format
            )
        }
        #expect {
            _ = try KnowledgeBase(path: folder, creating: false)
        } throws: { error in
            let error = error as? StoreError
            return error?.kind == .unavailable
                && error?.description.contains("format \(ReadModels.formatVersion + 1)") == true
                && error?.description.contains("\n") == false
        }
    }
}
