import Foundation
import Testing

/// Faults injected at chosen points of the write transaction (SCKB_FAULT): kill -9 lands exactly there, and
/// barrier files make two real writers overlap for certain instead of by luck.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct FaultInjectedTests {
    static let fileEvents = 120

    /// Runs `body` with a store holding a 10-event setup, its export, and `file.jsonl` of ``fileEvents`` new city
    /// registrations with ids.
    private func withStore<T>(_ body: (_ folder: String, _ store: String, _ before: [UInt8]) throws -> T) throws -> T {
        try withTemporaryDirectory { folder in
            let store = folder + "/store"
            let setup = (0..<10).map { cityLine("setup-\($0)", id: "setup-\($0)", at: "2015-01-01") }
            try writeJSONLines(setup, to: folder + "/setup.jsonl")
            try #require(try runSCKB(["import", folder + "/setup.jsonl", "--store", store]).status == 0)
            let lines = (0..<Self.fileEvents).map { cityLine("city-\($0)", id: "file-\($0)", at: "2020-01-01") }
            try writeJSONLines(lines, to: folder + "/file.jsonl")
            return try body(folder, store, try exportBytes(store: store))
        }
    }

    /// Requires the store to verify and returns its event count.
    private func verifiedCount(_ store: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let verify = try runSCKB(["verify", "--store", store, "--format", "json"])
        #expect(verify.status == 0, "\(verify.standardOutput)", sourceLocation: sourceLocation)
        return try #require(try jsonObject(verify.standardOutput)["events"] as? Int, sourceLocation: sourceLocation)
    }

    @Test(
        "kill -9 inside the import's write transaction (after N puts, before commit): the file is wholly out",
        arguments: ["put-1", "put-2", "put-7", "put-300", "put-700", "commit"]
    )
    func killedInsideTheTransaction(point: String) throws {
        try withStore { folder, store, before in
            let killed = try runFault(
                ["import", folder + "/file.jsonl", "--store", store],
                folder: folder,
                environment: faultEnvironment(["\(point)=kill"])
            )
            // Dying by SIGKILL proves the process reached the point, which exists only inside a write transaction.
            #expect(killed.signalled && killed.result.status == SIGKILL, "\(killed.summary([point]))")
            #expect(killed.result.standardOutput.isEmpty)
            #expect(try exportBytes(store: store) == before, "part of the file is in after a kill at \(point)")
            #expect(try verifiedCount(store) == 10)
            let again = try runSCKB(["import", folder + "/file.jsonl", "--store", store, "--format", "json"])
            #expect(again.status == 0, "\(again.standardError)")
            #expect(try jsonObject(again.standardOutput)["appended"] as? Int == Self.fileEvents)
            #expect(try verifiedCount(store) == 10 + Self.fileEvents)
        }
    }

    @Test("kill -9 after the commit, before any output: the file is wholly in and a re-import skips it all")
    func killedAfterCommit() throws {
        try withStore { folder, store, _ in
            let killed = try runFault(
                ["import", folder + "/file.jsonl", "--store", store],
                folder: folder,
                environment: faultEnvironment(["committed=kill"])
            )
            #expect(killed.signalled && killed.result.status == SIGKILL, "\(killed.summary(["committed"]))")
            #expect(killed.result.standardOutput.isEmpty, "output came before the kill")
            #expect(try verifiedCount(store) == 10 + Self.fileEvents)
            let again = try runSCKB(["import", folder + "/file.jsonl", "--store", store, "--format", "json"])
            #expect(try jsonObject(again.standardOutput)["skipped"] as? Int == Self.fileEvents)
        }
    }

    @Test("SCKB_FAULT without its guard value does nothing")
    func switchNeedsItsGuard() throws {
        try withStore { folder, store, _ in
            for (index, guardValue) in [nil, "", "yes"].enumerated() {
                var environment = ["SCKB_FAULT": "put-1=kill"]
                environment["SCKB_FAULT_GUARD"] = guardValue
                let run = try runFault(
                    [
                        "append", "CityRegistered", "city=guarded-\(index)", "name=Guarded", "country=DE", "--store",
                        store,
                    ],
                    folder: folder,
                    environment: environment
                )
                #expect(!run.signalled, "\(run.summary(["append"]))")
                #expect(run.result.status == 0, "\(run.result.standardError)")
            }
            #expect(try auditEventCount(store: store) == 13)
        }
    }

    /// Starts writer A, which waits inside its write transaction (after its first put, uncommitted) until writer B
    /// has begun its own first transaction; returns both results and whether the overlap happened.
    private func overlapping(
        _ first: [String],
        _ second: [String],
        folder: String,
        round: Int
    ) throws -> (first: FaultRun, second: FaultRun) {
        let inside = folder + "/a-inside-\(round)"
        let begun = folder + "/b-begun-\(round)"
        let writerA = try BackgroundSCKB(
            first,
            folder: folder,
            name: "a\(round)",
            environment: faultEnvironment(["put-1=touch:\(inside)", "put-1=wait:\(begun)"])
        )
        let writerB = try BackgroundSCKB(
            second,
            folder: folder,
            name: "b\(round)",
            environment: faultEnvironment(["begin=wait:\(inside)", "begin=touch:\(begun)"])
        )
        let (resultA, signalledA) = try writerA.wait()
        let (resultB, signalledB) = try writerB.wait()
        // Both barriers were passed: A was inside its uncommitted transaction when B began its first transaction.
        #expect(FileManager.default.fileExists(atPath: inside) && FileManager.default.fileExists(atPath: begun))
        return (FaultRun(result: resultA, signalled: signalledA), FaultRun(result: resultB, signalled: signalledB))
    }

    @Test("two travel grants that fit the yearly budget once, B begun while A is inside its transaction: one passes")
    func overlappingTravelGrants() throws {
        for round in 1...5 {
            try withTemporaryDirectory { folder in
                let store = folder + "/store"
                try writeJSONLines(AuditConcurrencyTests.travelSetup, to: folder + "/setup.jsonl")
                try #require(try runSCKB(["import", folder + "/setup.jsonl", "--store", store]).status == 0)
                let grant = { (meeting: String) in
                    [
                        "append", "TravelContributionGranted", "city=leipzig", "meeting=\(meeting)",
                        "amount_eur=450", "--store", store,
                    ]
                }
                let (a, b) = try overlapping(grant("m2"), grant("m3"), folder: folder, round: round)
                #expect(a.result.status == 0 && !a.signalled, "round \(round): \(a.summary(["A"]))")
                #expect(b.result.status == 1 && !b.signalled, "round \(round): \(b.summary(["B"]))")
                #expect(
                    b.result.standardError.contains("TravelContributionGranted refused"),
                    "\(b.result.standardError)"
                )
                #expect(try auditEventCount(store: store) == AuditConcurrencyTests.travelSetup.count + 1)
                #expect(try runSCKB(["verify", "--store", store]).status == 0)
            }
        }
    }

    @Test("two imports registering the same city, overlapping: one file wholly in, the other refused and wholly out")
    func overlappingImports() throws {
        for round in 1...3 {
            try withTemporaryDirectory { folder in
                let store = folder + "/store"
                try writeJSONLines([], to: folder + "/empty.jsonl")
                try #require(try runSCKB(["import", folder + "/empty.jsonl", "--store", store]).status == 0)
                for name in ["a", "b"] {
                    // Each file registers 40 cities of its own, then the contested one, then 40 more.
                    let own = (0..<80).map { cityLine("\(name)-city-\($0)", at: "2020-01-01") }
                    let lines = Array(own[..<40]) + [cityLine("contested", at: "2020-01-01")] + Array(own[40...])
                    try writeJSONLines(lines, to: folder + "/\(name).jsonl")
                }
                let (a, b) = try overlapping(
                    ["import", folder + "/a.jsonl", "--store", store],
                    ["import", folder + "/b.jsonl", "--store", store],
                    folder: folder,
                    round: round
                )
                #expect(a.result.status == 0 && !a.signalled, "round \(round): \(a.summary(["A"]))")
                #expect(b.result.status == 1 && !b.signalled, "round \(round): \(b.summary(["B"]))")
                #expect(b.result.standardError.contains("b.jsonl:41"), "\(b.result.standardError)")
                let export = String(decoding: try exportBytes(store: store), as: UTF8.self)
                #expect(export.split(separator: "\n").count == 81)
                #expect(!export.contains("\"b-city-"), "part of the refused file is in")
                #expect(try runSCKB(["verify", "--store", store]).status == 0)
            }
        }
    }
}
