import EventStore
import Foundation
import Testing

@testable import Projections

/// Tests of the JSON encoding layer: numbers, the strict parser and the canonical (JCS) writer.
@Suite enum EncodingTests {}

extension EncodingTests {
    @Suite struct Numbers {
        static let accepted: [(literal: String, hundredths: Int64, canonical: String)] = [
            ("0", 0, "0"),
            ("-0", 0, "0"),
            ("-0.00", 0, "0"),
            ("7", 700, "7"),
            ("100", 10_000, "100"),
            ("450", 45_000, "450"),
            ("12.50", 1250, "12.5"),
            ("2.00", 200, "2"),
            ("0.05", 5, "0.05"),
            ("0.10", 10, "0.1"),
            ("-0.5", -50, "-0.5"),
            ("-12.34", -1234, "-12.34"),
            ("99.9", 9990, "99.9"),
            ("9007199254740991", 900_719_925_474_099_100, "9007199254740991"),
            ("-9007199254740991", -900_719_925_474_099_100, "-9007199254740991"),
            ("1234567890123.45", 123_456_789_012_345, "1234567890123.45"),
            ("12345678901234.5", 1_234_567_890_123_450, "12345678901234.5"),
            ("0.00", 0, "0"),
        ]

        @Test("admitted literals keep their exact value and canonical form", arguments: accepted)
        func acceptedLiteral(literal: String, hundredths: Int64, canonical: String) throws {
            let number = try JSONNumber(literal: literal)
            #expect(number.hundredths == hundredths)
            #expect(number.canonicalText == canonical)
            #expect(number.description == canonical)
            #expect(try JSONParser.parse(literal) == .number(number))
            #expect(CanonicalJSON.bytes(of: .number(number)) == Array(canonical.utf8))
            // The canonical form is itself admitted and means the same value.
            #expect(try JSONNumber(literal: canonical) == number)
        }

        static let refused: [(literal: String, reason: String)] = [
            ("1e3", "exponents are not allowed"),
            ("1E3", "exponents are not allowed"),
            ("1.5e2", "exponents are not allowed"),
            ("-2e-1", "exponents are not allowed"),
            ("NaN", "NaN and Infinity are not allowed"),
            ("Infinity", "NaN and Infinity are not allowed"),
            ("-Infinity", "NaN and Infinity are not allowed"),
            ("01", "leading zeros are not allowed"),
            ("-01", "leading zeros are not allowed"),
            ("00.5", "leading zeros are not allowed"),
            ("+1", "a leading '+' is not allowed"),
            (".5", "a digit must precede '.'"),
            ("-.5", "a digit must precede '.'"),
            ("5.", "a digit must follow '.'"),
            ("-", "a digit must follow '-'"),
            ("", "a number needs at least one digit"),
            ("1.234", "at most two fractional digits are allowed"),
            ("0.001", "at most two fractional digits are allowed"),
            ("9007199254740992", "integers must be below 2^53 in absolute value"),
            ("-9007199254740992", "integers must be below 2^53 in absolute value"),
            ("100000000000000000000", "integers must be below 2^53 in absolute value"),
            ("12345678901234.56", "at most 15 significant digits are allowed"),
            ("123456789012345.6", "at most 15 significant digits are allowed"),
            ("12345678901234.50", "at most 15 significant digits are allowed"),
            ("123456789012345.0", "at most 15 significant digits are allowed"),
            ("0.000", "at most two fractional digits are allowed"),
            ("1.2.3", "unexpected character '.' in a number"),
            ("0x10", "unexpected character 'x' in a number"),
            ("1 ", "unexpected character 0x20 in a number"),
            ("--1", "unexpected character '-' in a number"),
        ]

        @Test("literals that break the number rule are refused with the rule they break", arguments: refused)
        func refusedLiteral(literal: String, reason: String) {
            let error = #expect(throws: JSONNumberError.self) { try JSONNumber(literal: literal) }
            #expect(error?.reason == reason)
            #expect(error?.literal == literal)
        }

        @Test("the error names the literal and the reason on one line")
        func errorDescription() {
            let error = #expect(throws: JSONNumberError.self) { try JSONNumber(literal: "1e3") }
            #expect(error?.description == "1e3: exponents are not allowed")
        }

        @Test("integers and hundredths construct the same values as literals")
        func constructors() throws {
            #expect(JSONNumber(integer: 42) == (try JSONNumber(literal: "42")))
            #expect(JSONNumber(integer: 42).integerValue == 42)
            #expect(JSONNumber(hundredths: 1250) == (try JSONNumber(literal: "12.5")))
            #expect(JSONNumber(hundredths: 1250).integerValue == nil)
            #expect(JSONNumber(hundredths: -300).integerValue == -3)
            #expect(JSONNumber(hundredths: 5).doubleValue == 0.05)
            #expect(JSONNumber(integer: 3) < JSONNumber(hundredths: 301))
        }
    }
}

extension EncodingTests {
    @Suite struct Parser {
        @Test("a value with surrounding whitespace parses into the expected tree")
        func parsesNestedValue() throws {
            let text = " \t\r\n{\"a\" : [1, 2.5, true, false, null, \"x\"], \"b\": {\"c\": {}}, \"d\": []}\n"
            let value = try JSONParser.parse(text)
            let expected: JSONValue = [
                "a": [1, .number(JSONNumber(hundredths: 250)), true, false, nil, "x"],
                "b": ["c": .object(JSONObject())],
                "d": [],
            ]
            #expect(value == expected)
            #expect(value["a"]?.arrayValue?.count == 6)
            #expect(value["b"]?["c"]?.objectValue?.count == 0)
            let object = try #require(value.objectValue)
            #expect(object.keys == ["a", "b", "d"])
        }

        @Test("escapes decode, surrogate pairs combine, and non-ASCII text passes through")
        func decodesEscapes() throws {
            let text = #""\"\\\/\b\f\n\r\t\u0041\u00e9\u20ac\ud83d\ude00 é€😀""#
            let value = try JSONParser.parse(text)
            #expect(value == .string("\"\\/\u{8}\u{c}\n\r\tAé€😀 é€😀"))
            #expect(try JSONParser.parse(#""\u0000""#) == .string("\u{0}"))
        }

        @Test("byte arrays, slices and strings parse alike")
        func overloadsAgree() throws {
            let text = #"{"k":[1,"v"]}"#
            let bytes = Array(text.utf8)
            let fromString = try JSONParser.parse(text)
            #expect(try JSONParser.parse(bytes) == fromString)
            #expect(try JSONParser.parse(([0x20] + bytes + [0x20])[1...]) == fromString)
            let fromBuffer = try bytes.withUnsafeBytes { buffer in try JSONParser.parse(buffer) }
            #expect(fromBuffer == fromString)
        }

        static let refusals: [(input: [UInt8], column: Int, reason: String)] = [
            (Array(#"{"id":1,"id":2}"#.utf8), 9, #"duplicate key "id""#),
            (Array(#"[1e3]"#.utf8), 2, "number 1e3: exponents are not allowed"),
            (Array(#"{"n": 01}"#.utf8), 7, "number 01: leading zeros are not allowed"),
            (Array(#"-Infinity"#.utf8), 1, "number -Infinity: NaN and Infinity are not allowed"),
            (Array(#"[NaN]"#.utf8), 2, "number NaN: NaN and Infinity are not allowed"),
            (Array(#"{"a":1} x"#.utf8), 9, "unexpected 'x' after the JSON value"),
            (Array(#"1 2"#.utf8), 3, "unexpected '2' after the JSON value"),
            (Array(#""#.utf8), 1, "expected a JSON value, found the end of the input"),
            (Array("   ".utf8), 4, "expected a JSON value, found the end of the input"),
            (Array(#"[1,]"#.utf8), 4, "expected a JSON value, found ']'"),
            (Array(#"[1 2]"#.utf8), 4, "expected ',' or ']' in an array, found '2'"),
            (Array(#"[1"#.utf8), 3, "expected ',' or ']', found the end of the input"),
            (Array(#"{"a" 1}"#.utf8), 6, "expected ':' after an object key, found '1'"),
            (Array(#"{"a":1,}"#.utf8), 8, "expected a string key, found '}'"),
            (Array(#"{1:2}"#.utf8), 2, "expected a string key, found '1'"),
            (Array(#"{"a":1 "b":2}"#.utf8), 8, "expected ',' or '}' in an object, found '\"'"),
            (Array(#"tru"#.utf8), 1, "expected 'true'"),
            (Array(#"nul"#.utf8), 1, "expected 'null'"),
            (Array(#"'a'"#.utf8), 1, "expected a JSON value, found '''"),
            (Array(#"["abc"#.utf8), 2, "unterminated string"),
            (Array(#"["a\"#.utf8), 4, "unterminated escape"),
            (Array("[\"a\tb\"]".utf8), 4, "control character 0x09 in a string must be escaped"),
            (Array("\"\u{0}\"".utf8), 2, "control character 0x00 in a string must be escaped"),
            (Array(#""a\qb""#.utf8), 3, #"invalid escape '\q'"#),
            (Array(#""\x41""#.utf8), 2, #"invalid escape '\x'"#),
            (Array(#""\u12G4""#.utf8), 2, #"a \u escape needs four hex digits"#),
            (Array(#""\u12""#.utf8), 2, #"a \u escape needs four hex digits"#),
            (Array(#""\ud800""#.utf8), 2, #"lone high surrogate \ud800 in a \u escape"#),
            (Array(#""\ud800\u0041""#.utf8), 2, #"lone high surrogate \ud800 in a \u escape"#),
            (Array(#""x\udbff y""#.utf8), 3, #"lone high surrogate \udbff in a \u escape"#),
            (Array(#""\udc00""#.utf8), 2, #"lone low surrogate \udc00 in a \u escape"#),
            ([0x22, 0xff, 0x22], 2, "invalid UTF-8 byte 0xff"),
            ([0x22, 0x61, 0x80, 0x22], 3, "invalid UTF-8 byte 0x80"),
            ([0x22, 0xc0, 0xaf, 0x22], 2, "invalid UTF-8 byte 0xc0"),
            ([0x22, 0xe0, 0x80, 0xaf, 0x22], 2, "invalid UTF-8 sequence starting with 0xe0"),
            ([0x22, 0xed, 0xa0, 0x80, 0x22], 2, "invalid UTF-8 sequence starting with 0xed"),
            ([0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], 2, "invalid UTF-8 sequence starting with 0xf4"),
            ([0x22, 0xe2, 0x82, 0x22], 2, "invalid UTF-8 sequence starting with 0xe2"),
            ([0x22, 0xe2, 0x82], 2, "truncated UTF-8 sequence"),
            ([0x22, 0x5c, 0x6e, 0xf5, 0x80, 0x22], 4, "invalid UTF-8 byte 0xf5"),
            ([0x7b, 0xff, 0x7d], 2, "expected a string key, found 0xff"),
        ]

        @Test("each kind of malformed input is refused at its column", arguments: refusals)
        func refusal(input: [UInt8], column: Int, reason: String) {
            let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(input) }
            #expect(error?.column == column)
            #expect(error?.reason == reason)
        }

        @Test("the error description reads column, then reason")
        func errorDescription() {
            let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#"{"id":1,"id":2}"#) }
            #expect(error?.description == #"column 9: duplicate key "id""#)
        }

        @Test("a duplicate key with control characters is shown escaped on one line")
        func duplicateKeyIsEscaped() {
            let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(#"{"a\n":1,"a\n":2}"#) }
            #expect(error?.description == #"column 10: duplicate key "a\n""#)
        }

        @Test("duplicates are found in large objects too")
        func duplicateInLargeObject() {
            let members = (0..<40).map { "\"k\($0)\":\($0)" } + ["\"k7\":0"]
            let text = "{" + members.joined(separator: ",") + "}"
            let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(text) }
            #expect(error?.reason == #"duplicate key "k7""#)
            let valid = "{" + members.dropLast().joined(separator: ",") + "}"
            #expect((try? JSONParser.parse(valid))?.objectValue?.count == 40)
        }

        @Test("keys that differ only by Unicode normalization are distinct keys")
        func normalizationVariantsAreDistinct() throws {
            let value = try JSONParser.parse("{\"\u{e9}\":1,\"e\u{301}\":2}")
            #expect(value.objectValue?.count == 2)
            #expect(value["\u{e9}"] == 1)
            #expect(value["e\u{301}"] == 2)
        }

        @Test("nesting is accepted to 64 levels and refused beyond")
        func nestingLimit() throws {
            let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
            #expect(throws: Never.self) { try JSONParser.parse(deepest) }
            let objects = String(repeating: #"{"a":"#, count: 64) + "1" + String(repeating: "}", count: 64)
            #expect(throws: Never.self) { try JSONParser.parse(objects) }
            let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
            let error = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(tooDeep) }
            #expect(error?.column == 65)
            #expect(error?.reason == "nesting deeper than 64 levels")
            let mixed = String(repeating: #"{"a":["#, count: 33) + String(repeating: "]}", count: 33)
            let mixedError = #expect(throws: JSONSyntaxError.self) { try JSONParser.parse(mixed) }
            #expect(mixedError?.reason == "nesting deeper than 64 levels")
        }

        @Test("siblings do not add to the nesting depth")
        func siblingsDoNotNest() throws {
            let sibling = String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
            let text = "[" + Array(repeating: sibling, count: 100).joined(separator: ",") + "]"
            #expect(throws: Never.self) { try JSONParser.parse(text) }
        }
    }
}

extension EncodingTests {
    @Suite struct Canonical {
        @Test("members are sorted by their keys as UTF-16 code units")
        func sortsKeysByUTF16() {
            let value: JSONValue = [
                "\u{FFFD}": 1, "\u{10000}": 2, "b": 3, "a": 4, "": 5, "\u{e9}": 6, "aa": 7, "A": 8, "\u{7f}": 9,
            ]
            let expected =
                "{\"\":5,\"A\":8,\"a\":4,\"aa\":7,\"b\":3,\"\u{7f}\":9,\"\u{e9}\":6,\"\u{10000}\":2,\"\u{FFFD}\":1}"
            #expect(CanonicalJSON.bytes(of: value) == Array(expected.utf8))
            #expect(precedesInUTF16("\u{10000}", "\u{FFFD}"))
            // Scalar (and UTF-8) order is the other way round, which is why UTF-16 must be used.
            #expect(Array("\u{FFFD}".utf8).lexicographicallyPrecedes(Array("\u{10000}".utf8)))
        }

        @Test("nested objects are sorted and no whitespace is written")
        func writesNestedCanonicalForm() throws {
            let value = try JSONParser.parse(#"{ "z": [ 3, {"y": null, "x": true} ], "a": { "c": 2.50, "b": -0 } }"#)
            let expected = #"{"a":{"b":0,"c":2.5},"z":[3,{"x":true,"y":null}]}"#
            #expect(CanonicalJSON.bytes(of: value) == Array(expected.utf8))
            var output: [UInt8] = Array("prefix:".utf8)
            CanonicalJSON.write(value, into: &output)
            #expect(output == Array(("prefix:" + expected).utf8))
        }

        static func expectedEscape(_ byte: UInt8) -> String {
            switch byte {
            case 0x08: #"\b"#
            case 0x09: #"\t"#
            case 0x0a: #"\n"#
            case 0x0c: #"\f"#
            case 0x0d: #"\r"#
            default: #"\u00"# + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
            }
        }

        @Test("every control character is escaped as JSON.stringify does", arguments: UInt8(0)...UInt8(0x1f))
        func escapesControlCharacter(byte: UInt8) throws {
            let string = "a" + String(UnicodeScalar(byte)) + "b"
            let written = CanonicalJSON.bytes(of: .string(string))
            #expect(String(decoding: written, as: UTF8.self) == "\"a" + Self.expectedEscape(byte) + "b\"")
            #expect(try JSONParser.parse(written) == .string(string))
        }

        @Test("quotes and backslashes are escaped; everything else is raw UTF-8")
        func escapesOnlyWhatJCSEscapes() {
            let string = "\"\\/\u{7f}\u{80}\u{2028}\u{2029}\u{FEFF}é😀"
            let written = String(decoding: CanonicalJSON.bytes(of: .string(string)), as: UTF8.self)
            #expect(written == "\"\\\"\\\\/\u{7f}\u{80}\u{2028}\u{2029}\u{FEFF}é😀\"")
        }

        static let roundTripValues: [JSONValue] = [
            nil,
            true,
            ["list": [1, -2, .number(JSONNumber(hundredths: -1)), "x\u{0}\u{1f}\"\\", [[], [:]]]],
            [
                "event": [
                    "type": "CityJoinedProject", "id": "tri-leipzig", "at": "2015-02-01",
                    "data": ["city": "leipzig", "project": "triangulum", "role": "fellow", "amount": 450],
                ],
                "names": ["Łódź", "Zürich", "東京", "\u{10FFFF}", "e\u{301}"],
            ],
        ]

        @Test("parsing the canonical bytes gives back the value", arguments: roundTripValues)
        func roundTrip(value: JSONValue) throws {
            let bytes = CanonicalJSON.bytes(of: value)
            let parsed = try JSONParser.parse(bytes)
            #expect(parsed == value)
            #expect(CanonicalJSON.bytes(of: parsed) == bytes)
        }

        @Test("equality ignores member order but not scalars")
        func equalitySemantics() {
            let first: JSONValue = ["a": 1, "b": [true, nil]]
            let second: JSONValue = ["b": [true, nil], "a": 1]
            #expect(first == second)
            #expect(first != ["a": 1, "b": [nil, true]])
            #expect(JSONValue.string("\u{e9}") != .string("e\u{301}"))
            #expect(JSONValue.object(["a": 1]) != .object(["a": 1, "b": 2]))
            #expect(JSONValue.number(JSONNumber(hundredths: 1250)) == .number(JSONNumber(hundredths: 1250)))
        }

        @Test("an object's subscript reads, replaces, appends and removes members")
        func objectSubscript() {
            var object: JSONObject = ["a": 1, "b": 2]
            object["a"] = "one"
            object["c"] = 3
            object["b"] = nil
            #expect(object.keys == ["a", "c"])
            #expect(object["a"] == "one")
            #expect(object["b"] == nil)
        }

        /// Runs Python's `jcs` on `input` and returns its canonical bytes.
        static func canonicalizeWithPython(_ input: [UInt8]) throws -> (status: Int32, output: [UInt8]) {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("sckb-jcs-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let inputURL = directory.appendingPathComponent("input.json")
            let outputURL = directory.appendingPathComponent("output.json")
            try Data(input).write(to: inputURL)
            try Data().write(to: outputURL)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [
                "python3", "-c",
                "import sys,json,jcs; sys.stdout.buffer.write(jcs.canonicalize(json.loads(sys.stdin.buffer.read())))",
            ]
            process.standardInput = try FileHandle(forReadingFrom: inputURL)
            process.standardOutput = try FileHandle(forWritingTo: outputURL)
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return (process.terminationStatus, Array(try Data(contentsOf: outputURL)))
        }

        static let isPythonJCSAvailable: Bool = {
            guard let result = try? canonicalizeWithPython(Array("[]".utf8)) else { return false }
            return result.status == 0 && result.output == Array("[]".utf8)
        }()

        @Test(
            "canonical bytes equal those of Python's jcs package",
            .enabled(if: isPythonJCSAvailable, "skipped: python3 with the jcs package is not installed"),
            .timeLimit(.minutes(1))
        )
        func agreesWithPythonJCS() throws {
            let input = #"""
                [
                  {"b": 1, "a": "x", "\u00e9": [1.5, 12.50, 2.00, -0, 0.05, 100, -7.25]},
                  {"\ufffd": "replacement", "\ud800\udc00": "first supplementary", "\u007f": "delete"},
                  {"controls": "\u0000\u0001\b\t\n\u000b\f\r\u000e\u001f", "quote\"back\\slash/": "\u2028\u2029"},
                  {"emoji": "😀 \ud83d\ude00", "cjk": "東京", "combining": "e\u0301", "bom": "\ufeff"},
                  {"nested": {"z": {"y": {"x": [true, false, null, {}, []]}}}, "big": 9007199254740991},
                  {"money": 1234567890123.45, "small": 0.01, "negative": -9007199254740991, "empty": ""},
                  "top-level string with \"escapes\" \\ and \u0007 bell"
                ]
                """#
            let value = try JSONParser.parse(input)
            let ours = CanonicalJSON.bytes(of: value)
            let python = try Self.canonicalizeWithPython(Array(input.utf8))
            #expect(python.status == 0)
            #expect(
                ours == python.output,
                "ours: \(String(decoding: ours, as: UTF8.self)), jcs: \(String(decoding: python.output, as: UTF8.self))"
            )
        }
    }
}

extension EncodingTests {
    @Suite struct DisplayEscaping {
        /// The escaping as its documentation states it, written apart: every C1 control (U+0080–U+009F), U+2028 and
        /// U+2029 as `\uXXXX` with lowercase hex digits, every other scalar as it was.
        static func model(_ text: String) -> String {
            var result = ""
            for scalar in text.unicodeScalars {
                if (0x80...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
            return result
        }

        @Test("C1 controls, U+2028 and U+2029 are escaped, every other scalar kept, in any position, as the model says")
        func matchesTheModel() {
            // Scalars around the escaped ones share their lead bytes (0xC2, 0xE2 0x80) or sit next to them.
            let alphabet: [Unicode.Scalar] = [
                "a", "\"", "{", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}", "\u{A0}", "\u{A9}", "é", "\u{2027}",
                "\u{2028}", "\u{2029}", "\u{202A}", "\u{20AC}", "\u{2000}", "€", "😀", "\u{E000}",
            ]
            var generator = SystemRandomNumberGenerator()
            var checked = 0
            for length in 0...12 {
                for _ in 0..<200 {
                    var text = ""
                    for _ in 0..<length {
                        text.unicodeScalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
                    }
                    let bytes = Array(text.utf8)
                    let escaped = CanonicalJSON.escapingForDisplay(bytes)
                    #expect(
                        String(decoding: escaped, as: UTF8.self) == Self.model(text),
                        "\(Array(text.unicodeScalars))"
                    )
                    // A collection that is not contiguous gives the same bytes.
                    #expect(CanonicalJSON.escapingForDisplay(bytes.lazy.map { $0 }) == escaped)
                    checked += 1
                }
            }
            #expect(checked == 2600)
        }
    }
}

extension EncodingTests {
    @Suite struct CanonicalFrames {
        @Test("the frame made ahead of the position gives the canonical bytes, for every generated and seed event")
        func frameGivesTheCanonicalBytes() throws {
            var lines: [[UInt8]] = []
            SyntheticLog(count: 3000, seed: 11).write { lines.append($0) }
            let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("events")
            for file in try FileManager.default.contentsOfDirectory(atPath: seed.path).sorted()
            where file.hasSuffix(".jsonl") {
                let text = try String(contentsOf: seed.appendingPathComponent(file), encoding: .utf8)
                lines += text.split(separator: "\n").map { Array($0.utf8) }
            }
            var generator = SeededGenerator(seed: 8785)
            var framed = 0
            for line in lines {
                let event = try line.withUnsafeBytes { try Event(json: JSONParser.parse($0)) }
                let position = Position(UInt64.random(in: 1...UInt64(1) << 40, using: &generator))
                let recorded = Timestamp(secondsSince1970: Int64.random(in: 0...4_000_000_000, using: &generator))
                guard let frame = event.canonicalFrame(), let at = event.at else { continue }
                let expected = event.canonicalBytes(position: position, recorded: recorded, at: at)
                #expect(
                    frame.bytes(position: position, recorded: recorded) == expected,
                    "\(String(decoding: line, as: UTF8.self))"
                )
                framed += 1
            }
            #expect(framed > 3000, "only \(framed) events had a frame")
        }
    }
}
