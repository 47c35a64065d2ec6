import Foundation
import Synchronization
import Testing

@testable import EventStore

/// The switches a program hands to EventStore, which reads no environment of its own: the fault-injection rules
/// with their guard, and the observer of durable stores being opened.
///
/// Both are process-wide, so the tests run one at a time and put the switches back; the points they arm (marks of
/// their own) are ones no other test reaches.
@Suite(.serialized) struct ProgramSwitchTests {
    @Test("fault rules read marks of the program's own and the pause action; malformed ones are ignored")
    func markAndPauseRules() {
        let rules = FaultInjection.parse(
            "mark-between-commits=touch:/tmp/m;mark-between-commits=pause;mark-=kill;x=pause;mark-a=rest"
        )
        #expect(
            rules == [
                .init(point: .mark("between-commits"), action: .touch("/tmp/m")),
                .init(point: .mark("between-commits"), action: .pause),
            ]
        )
    }

    @Test("rules act at a mark only when the guard text is exactly the guard value", arguments: [nil, "", "yes"])
    func rulesNeedTheGuard(guardText: String?) throws {
        try withTemporaryStorePath { path in
            let marker = path + ".marked"
            FaultInjection.configure(rules: "mark-program-switch-test=touch:\(marker)", guardText: guardText)
            defer { FaultInjection.configure(rules: nil, guardText: nil) }
            #expect(!FaultInjection.isActive)
            FaultInjection.reach(mark: "program-switch-test")
            #expect(!FileManager.default.fileExists(atPath: marker))
        }
    }

    @Test("with the guard value, the rules of a mark act when the program reaches it, and only then")
    func guardedRulesAct() throws {
        try withTemporaryStorePath { path in
            let marker = path + ".marked"
            FaultInjection.configure(
                rules: "mark-program-switch-test=touch:\(marker)",
                guardText: FaultInjection.guardValue
            )
            defer { FaultInjection.configure(rules: nil, guardText: nil) }
            #expect(FaultInjection.isActive)
            FaultInjection.reach(mark: "another-mark")
            #expect(!FileManager.default.fileExists(atPath: marker))
            FaultInjection.reach(mark: "program-switch-test")
            #expect(FileManager.default.fileExists(atPath: marker))
        }
        #expect(!FaultInjection.isActive)
    }

    @Test("the opening observer hears every durable store before it is used, and no scratch store")
    func openingObserver() throws {
        let opened = Mutex<[Environment.Opening]>([])
        Environment.observeOpenings { opening in opened.withLock { $0.append(opening) } }
        defer { Environment.observeOpenings(nil) }
        try withTemporaryStorePath { path in
            _ = try Environment(path: path, tables: [], creating: true)
            _ = try Environment(path: path + "-scratch", tables: [], creating: true, isDurable: false)
            _ = try Environment(path: path, tables: [], creating: false, isReadOnly: true, isWriteMapped: true)
            _ = try Environment(path: path, tables: [], creating: false, isWriteMapped: true)
            let all = opened.withLock { $0 }
            let heard = all.filter { $0.path == path }
            let scratchOpenings = all.filter { $0.path == path + "-scratch" }
            #expect(scratchOpenings.isEmpty)
            // Only a durable store opened for writing is mapped writable; a read-only open ignores the switch.
            #expect(heard.map(\.isWriteMapped) == [false, false, true])
        }
    }

    @Test("write-mapping is what the caller asks for, and only for a durable store opened for writing")
    func writeMapIsPassedIn() throws {
        try withTemporaryStorePath { path in
            let plain = try Environment(path: path, tables: [], creating: true)
            #expect(!plain.isWriteMapped)
            let mapped = try Environment(path: path + "-mapped", tables: [], creating: true, isWriteMapped: true)
            #expect(mapped.isWriteMapped)
            try mapped.write { transaction in
                _ = try transaction.append(id: nil) { _, _ in Array("event".utf8) }
            }
            #expect(try records(of: mapped).count == 1)
            let scratch = try Environment(
                path: path + "-scratch",
                tables: [],
                creating: true,
                isDurable: false,
                isWriteMapped: true
            )
            #expect(!scratch.isWriteMapped)
        }
    }
}
