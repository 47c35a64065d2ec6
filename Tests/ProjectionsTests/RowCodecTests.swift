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
            #expect(Record(bytes: bytes)?.object == object)
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

    @Test("a row of the JSON format before the binary one still reads")
    func jsonRowsRead() {
        let record = Record(bytes: Array(#"{"at":"2020-01-01","position":7,"role":"fellow"}"#.utf8))
        #expect(record?.string("role") == "fellow")
        #expect(record?.position("position") == Position(7))
        #expect(Record(bytes: Array("[1]".utf8)) == nil)
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
            try transaction.put([0, 0, 0, 3], forKey: Array("version".utf8), in: base.readModels.format)
        }
        #expect {
            _ = try KnowledgeBase(path: folder, creating: false)
        } throws: { error in
            let error = error as? StoreError
            return error?.kind == .unavailable && error?.description.contains("format 3") == true
                && error?.description.contains("\n") == false
        }
    }
}
