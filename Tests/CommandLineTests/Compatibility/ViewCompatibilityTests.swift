import Foundation
import Projections
import Testing

/// The JSON of every read view keeps what the previous release printed: on the real `events/`, every key of the
/// output recorded with the release of be3e66f (`Tests/Fixtures/views-be3e66f.json`, written by
/// `scripts/record_views.py` with that build) is still there with the same value; keys may only be added (the names
/// beside the ids, the sources of the edges).
@Suite("view compatibility", .serialized, .timeLimit(.minutes(5)))
struct ViewCompatibilityTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Where `old` is not contained in `new`: a path and what differs; nil when every key of `old` is in `new` with
    /// the same value (arrays element by element, same length).
    static func firstLoss(_ old: JSONValue, _ new: JSONValue, path: String = "$") -> String? {
        switch (old, new) {
        case (.object(let before), .object(let after)):
            for (key, value) in before.members {
                guard let now = after[key] else { return "\(path).\(key): missing" }
                if let loss = firstLoss(value, now, path: path + "." + key) { return loss }
            }
            return nil
        case (.array(let before), .array(let after)):
            guard before.count == after.count else { return "\(path): \(before.count) items before, \(after.count) now" }
            for (index, pair) in zip(before, after).enumerated() {
                if let loss = firstLoss(pair.0, pair.1, path: path + "[\(index)]") { return loss }
            }
            return nil
        default:
            return old == new ? nil : "\(path): was \(old), now \(new)"
        }
    }

    @Test("the containment check finds a lost key, a changed value and a changed list, and accepts added keys")
    func checkCanFail() throws {
        let old = try JSONParser.parse(#"{"a":1,"b":[{"c":"x"}]}"#)
        #expect(Self.firstLoss(old, try JSONParser.parse(#"{"a":1,"b":[{"c":"x","c_name":"X"}],"d":2}"#)) == nil)
        #expect(Self.firstLoss(old, try JSONParser.parse(#"{"a":1}"#)) == "$.b: missing")
        #expect(Self.firstLoss(old, try JSONParser.parse(#"{"a":2,"b":[{"c":"x"}]}"#)) != nil)
        #expect(Self.firstLoss(old, try JSONParser.parse(#"{"a":1,"b":[{"c":"y"}]}"#))?.hasPrefix("$.b[0].c: ") == true)
        #expect(Self.firstLoss(old, try JSONParser.parse(#"{"a":1,"b":[]}"#)) != nil)
    }

    @Test("every view of the real events/ holds every key of the previous release's JSON with the same value")
    func previousReleaseKeysAndValuesKept() throws {
        let fixture = try Data(contentsOf: URL(fileURLWithPath: Self.repository + "/Tests/Fixtures/views-be3e66f.json"))
        guard case .object(let recorded) = try JSONParser.parse(Array(fixture)) else {
            throw HarnessError(description: "the fixture is not a JSON object")
        }
        #expect(recorded.members.count > 200)
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            let imported = try runSCKB(["import", Self.repository + "/events", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            for (command, old) in recorded.members {
                let arguments = command.split(separator: " ").map(String.init) + ["--store", store, "--format", "json"]
                let result = try runSCKB(arguments)
                try #require(result.status == 0, "sckb \(command): \(result.standardError)")
                let new = try JSONParser.parse(result.outputBytes)
                #expect(Self.firstLoss(old, new) == nil, "sckb \(command): \(Self.firstLoss(old, new) ?? "")")
            }
        }
    }
}
