import Foundation
import Testing

@testable import Projections

/// `KnowledgeBase.importFiles`: files and folders in order, one transaction per file, counts, and errors that name
/// `file:line` and the files already imported.
@Suite struct ImportFilesTests {
    /// A JSON Lines line registering the city `city`.
    static func registration(_ city: String) -> String {
        #"{"id":"register-\#(city)","type":"CityRegistered","#
            + #""data":{"city":"\#(city)","name":"\#(city)","country":"DE"}}"#
    }

    /// Runs `body` with a temporary folder (deleted afterwards) and a knowledge base created in it.
    func withBase<T>(_ body: (_ folder: String, _ base: KnowledgeBase) throws -> T) throws -> T {
        let folder = NSTemporaryDirectory() + "sckb-import-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try body(folder, KnowledgeBase(path: folder + "/store", creating: true))
    }

    func write(_ lines: [String], to path: String) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The cities registered, in log order.
    func registeredCities(_ base: KnowledgeBase) throws -> [String] {
        var cities: [String] = []
        try base.export { line in
            let text = String(decoding: line, as: UTF8.self)
            guard let start = text.range(of: #""city":""#), let end = text[start.upperBound...].firstIndex(of: "\"")
            else { return }
            cities.append(String(text[start.upperBound..<end]))
        }
        return cities
    }

    @Test("a file, then a folder's *.jsonl files in name order: every event appended, every file counted")
    func filesAndFoldersInOrder() throws {
        try withBase { folder, base in
            try write([Self.registration("first")], to: folder + "/first.jsonl")
            let events = folder + "/events"
            try FileManager.default.createDirectory(atPath: events, withIntermediateDirectories: true)
            try write([Self.registration("c"), Self.registration("d")], to: events + "/b.jsonl")
            try write([Self.registration("a")], to: events + "/a.jsonl")
            try write([Self.registration("ignored")], to: events + "/notes.txt")
            try write([Self.registration("hidden")], to: events + "/.hidden.jsonl")
            var finished: [String] = []
            let counts = try base.importFiles([.path(folder + "/first.jsonl"), .path(events)]) { step in
                if case .finished(let file) = step { finished.append(file) }
            }
            #expect(counts.appended == 4 && counts.skipped == 0 && counts.files == 3)
            #expect(try registeredCities(base) == ["first", "a", "c", "d"])
            #expect(finished == [folder + "/first.jsonl", events + "/a.jsonl", events + "/b.jsonl"])

            let again = try base.importFiles([.path(events + "/")])
            #expect(again.appended == 0 && again.skipped == 3 && again.files == 2)
        }
    }

    @Test("an error in a later file names file:line and the earlier files, which stay imported; none of it is")
    func laterFileRefused() throws {
        try withBase { folder, base in
            try write([Self.registration("a")], to: folder + "/1.jsonl")
            try write([Self.registration("b"), "{not json"], to: folder + "/2.jsonl")
            let error = try #require(throws: InputError.self) {
                try base.importFiles([.path(folder + "/1.jsonl"), .path(folder + "/2.jsonl")])
            }
            #expect(error.location == folder + "/2.jsonl:2")
            #expect(error.message.hasPrefix("not valid JSON"))
            #expect(error.message.hasSuffix(" (nothing of this file was imported; 1 earlier file(s) were)"))
            #expect(try registeredCities(base) == ["a"])
        }
    }

    @Test("an error in the first file names file:line alone")
    func firstFileRefused() throws {
        try withBase { folder, base in
            try write(["{not json"], to: folder + "/1.jsonl")
            try write([Self.registration("b")], to: folder + "/2.jsonl")
            let error = try #require(throws: InputError.self) {
                try base.importFiles([.path(folder + "/1.jsonl"), .path(folder + "/2.jsonl")])
            }
            #expect(error.location == folder + "/1.jsonl:1")
            #expect(!error.message.contains("earlier file"))
            #expect(try base.head() == nil)
        }
    }

    @Test("a missing path is refused before anything is imported, naming the path")
    func missingPath() throws {
        try withBase { folder, base in
            try write([Self.registration("a")], to: folder + "/1.jsonl")
            let error = try #require(throws: InputError.self) {
                try base.importFiles([.path(folder + "/1.jsonl"), .path(folder + "/missing")])
            }
            #expect(error.description == folder + "/missing: cannot read: No such file or directory")
            #expect(try base.head() == nil)
        }
    }

    @Test("standard input is named - in messages")
    func standardInputName() {
        #expect(ImportSource.standardInput.name == "-")
        #expect(ImportSource.path("events/").name == "events/")
    }

    @Test("a line too long is located by the name the file is imported under, as an invalid line is")
    func longLineNamedAsGiven() throws {
        try withBase { folder, base in
            let long = "{\"id\":\"" + String(repeating: "x", count: LineReader.maximumLineLength) + "\"}"
            try write([Self.registration("a"), long], to: folder + "/spool")
            let error = try #require(throws: InputError.self) {
                try base.importFile(at: folder + "/spool", named: "-")
            }
            #expect(error.location == "-:2")
            try write(["{not json"], to: folder + "/spool")
            let invalid = try #require(throws: InputError.self) {
                try base.importFile(at: folder + "/spool", named: "-")
            }
            #expect(invalid.location == "-:1")
            #expect(try base.head() == nil)
        }
    }

    /// Registrations of `count` cities, one per line, with blank lines among them.
    static func registrations(_ count: Int) -> [String] {
        (1...count).flatMap { index in
            index % 100 == 0 ? ["", Self.registration("c\(index)")] : [Self.registration("c\(index)")]
        }
    }

    @Test("lines decoded ahead on another thread, many batches deep, still fail at the first bad line in file order")
    func decodedAheadFailsInOrder() throws {
        try withBase { folder, base in
            // Far more lines than the decoding thread holds ahead (batches of 256, 8 ahead).
            var lines = Self.registrations(6000)
            let blankLines = lines.prefix(5000).filter(\.isEmpty).count
            lines[4999] = "{not json"
            try write(lines, to: folder + "/late.jsonl")
            let late = try #require(throws: InputError.self) {
                try base.importFile(at: folder + "/late.jsonl", named: "late.jsonl")
            }
            #expect(late.location == "late.jsonl:5000", "\(late.description) (\(blankLines) blank lines before)")
            #expect(try base.head() == nil)

            // A rule broken at line 1,001 (a city registered twice) is met before the bad JSON at 5,000.
            lines[1000] = Self.registration("c1").replacingOccurrences(of: "register-c1", with: "again")
            try write(lines, to: folder + "/rule.jsonl")
            let rule = try #require(throws: RuleViolation.self) {
                try base.importFile(at: folder + "/rule.jsonl", named: "rule.jsonl")
            }
            #expect(rule.location == "rule.jsonl:1001", "\(rule.description)")
            #expect(try base.head() == nil)

            // Without the bad lines every event arrives once, in order, and the progress ends at the file's size.
            lines = Self.registrations(6000)
            try write(lines, to: folder + "/good.jsonl")
            var reported: [Int] = []
            let counts = try base.importFile(at: folder + "/good.jsonl", named: "good.jsonl") { reported.append($0) }
            #expect(counts.appended == 6000)
            #expect(try registeredCities(base) == (1...6000).map { "c\($0)" })
            let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/good.jsonl")
            let size = try #require(attributes[.size] as? Int)
            #expect(reported.last == size && reported == reported.sorted())
        }
    }
}
