import EventStore
import Foundation
import Testing

@testable import Projections

/// Inputs for the decoders that `make fuzz` (Fuzz/FuzzDecoder) runs: every crash the fuzzer finds becomes a case
/// here, fed through LineReader, JSONParser and Event(json:) as import does, with the fuzzer's checks.
@Suite("decoder regressions")
struct DecoderRegressionTests {
    /// Decodes `input` as a file to import and returns the number of lines decoded into events; throws what the
    /// fuzzer would report as a finding.
    static func decode(_ input: [UInt8], bufferSize: Int) throws -> Int {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sckb-fuzz-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: Data(input)) else {
            throw HarnessProblem("cannot write \(path)")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw HarnessProblem("cannot open \(path)") }
        defer { close(descriptor) }
        let reader = LineReader(descriptor: descriptor, bufferSize: bufferSize)
        var events = 0
        var problem: HarnessProblem?
        do {
            while try reader.nextLine({ line in
                guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
                guard let json = try? JSONParser.parse(line) else { return }
                let canonical = CanonicalJSON.bytes(of: json)
                guard let again = try? JSONParser.parse(canonical), CanonicalJSON.bytes(of: again) == canonical else {
                    problem = HarnessProblem("canonical JSON does not re-parse to itself")
                    return
                }
                guard let event = try? Event(json: json) else { return }
                let recorded = Timestamp(secondsSince1970: 1_750_000_000)
                let time = event.at ?? ValidTime(timestamp: recorded)
                let stored = event.canonicalBytes(position: Position(1), recorded: recorded, at: time)
                if let frame = event.canonicalFrame(), frame.bytes(position: Position(1), recorded: recorded) != stored
                {
                    problem = HarnessProblem("the canonical frame made ahead gives other bytes")
                    return
                }
                let read = try stored.withUnsafeBytes { bytes in
                    try StoredEvent(position: Position(1), hash: .zero, bytes: bytes)
                }
                var expected = event
                expected.at = time
                if read.event != expected || !event.hasSameContent(as: read) {
                    problem = HarnessProblem("the stored form decodes to another event")
                }
                events += 1
            }) {}
        } catch is InputError {
            return events
        }
        if let problem { throw problem }
        return events
    }

    struct HarnessProblem: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Edge inputs the fuzzer's corpus starts from, and any crash inputs it found (none so far).
    static let cases: [(name: String, bytes: [UInt8], events: Int)] = [
        ("a valid event", Array(#"{"type":"CityRegistered","data":{"city":"a","name":"A","country":"DE"}}"#.utf8), 1),
        (
            "nesting at the limit", Array((String(repeating: "[", count: 64) + String(repeating: "]", count: 64)).utf8),
            0
        ),
        ("nesting past the limit", Array(String(repeating: "[", count: 100_000).utf8), 0),
        ("a truncated UTF-8 sequence at the end", [UInt8(ascii: "\""), 0xe2, 0x82], 0),
        ("a lone surrogate escape", Array(#"{"type":"\ud800"}"#.utf8), 0),
        ("CR LF and a last line without LF", Array("{}\r\n\r\n{\"type\":1}".utf8), 0),
        (
            "a line longer than the limit",
            [UInt8](repeating: UInt8(ascii: "a"), count: LineReader.maximumLineLength + 10), 0
        ),
    ]

    @Test("each input decodes or is refused, never traps", arguments: 0..<cases.count)
    func input(_ index: Int) throws {
        let input = Self.cases[index]
        for bufferSize in [1, 7, 64, 1 << 16] {
            #expect(try Self.decode(input.bytes, bufferSize: bufferSize) == input.events, "\(input.name)")
        }
    }
}

extension DecoderRegressionTests {
    @Test("LineReader takes a line of exactly the limit and refuses one byte more, naming the line")
    func lineLimit() throws {
        let limit = LineReader.maximumLineLength
        for bufferSize in [3, 1 << 16] {
            let fits = [UInt8](repeating: 0x61, count: limit) + [0x0d, 0x0a]
            let tooLong = [UInt8](repeating: 0x61, count: limit + 1)
            #expect(try Self.lineLengths(fits + tooLong, bufferSize: bufferSize) == .failure(lines: [limit], line: 2))
            #expect(try Self.lineLengths(tooLong + [0x0a], bufferSize: bufferSize) == .failure(lines: [], line: 1))
        }
    }

    enum Reading: Equatable {
        case success(lines: [Int])
        case failure(lines: [Int], line: Int)
    }

    /// The lengths of the lines LineReader returns for `input`, and the line its error names, if any.
    static func lineLengths(_ input: [UInt8], bufferSize: Int) throws -> Reading {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sckb-lines-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: path, contents: Data(input)) else {
            throw HarnessProblem("cannot write \(path)")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw HarnessProblem("cannot open \(path)") }
        defer { close(descriptor) }
        let reader = LineReader(descriptor: descriptor, bufferSize: bufferSize)
        var lengths: [Int] = []
        do {
            while try reader.nextLine({ lengths.append($0.count) }) {}
        } catch let error as InputError {
            let line = Int(error.message.dropFirst("line ".count).prefix { $0.isNumber }) ?? 0
            return .failure(lines: lengths, line: line)
        }
        return .success(lines: lengths)
    }
}
