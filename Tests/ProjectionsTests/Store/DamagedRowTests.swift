import EventStore
import Foundation
import Testing

@testable import Projections

/// A rule or a fold that reads a row which does not decode reports the damage (``RowDamage``, naming the table and
/// the key); it never skips the row and judges the event as if the row were absent.
@Suite struct DamagedRowTests {
    /// Two projects' worth of facts: a lighthouse city `a` that demonstrated `s-1`, a fellow city `b` planning to
    /// take it from `a`, and a third city `c`.
    static let setup = [
        #"{"type":"ProjectRegistered","at":"2015-01-01","data":{"project":"p-1","name":"P 1","call":"SCC-01-2015"}}"#,
        #"{"type":"CityRegistered","at":"2015-01-01","data":{"city":"a","name":"A","country":"ES"}}"#,
        #"{"type":"CityRegistered","at":"2015-01-01","data":{"city":"b","name":"B","country":"FR"}}"#,
        #"{"type":"CityRegistered","at":"2015-01-01","data":{"city":"c","name":"C","country":"DE"}}"#,
        #"{"type":"CityJoinedProject","at":"2015-01-02","data":{"city":"a","project":"p-1","role":"lighthouse"}}"#,
        #"{"type":"CityJoinedProject","at":"2015-01-02","data":{"city":"b","project":"p-1","role":"fellow"}}"#,
        #"{"type":"SolutionCatalogued","at":"2015-01-03","data":{"solution":"s-1","name":"S 1","area":"mobility-logistics"}}"#,
        #"{"type":"DemonstrationReported","at":"2015-02-01","data":{"demonstration":"d-1","solution":"s-1","city":"a","project":"p-1"}}"#,
        #"{"type":"ReplicationPlanned","at":"2015-03-01","data":{"solution":"s-1","city":"b","from":"a"}}"#,
        #"{"type":"CityJoinedCCG","at":"2015-03-02","data":{"city":"c"}}"#,
    ]

    /// One damaged row (every row under `prefix` in one table) and an event whose rules or fold read it.
    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let table: String
        let prefix: [UInt8]
        let event: String
    }

    /// The replication of s-1 from a to c, which reads a's adoption and c's registration.
    static let replicatedToC =
        #"{"type":"SolutionReplicated","at":"2016-01-01","data":{"solution":"s-1","city":"c","from":"a"}}"#

    static let cases = [
        Case(
            description: "the origin's adoption, read by the replication rules",
            table: "rm.adoptions",
            prefix: Key.of("s-1", "a") + [0],
            event: replicatedToC
        ),
        Case(
            description: "the adopting city's registration, read by the rule that it is registered",
            table: "rm.cities",
            prefix: Key.of("c"),
            event: replicatedToC
        ),
        Case(
            description: "an open plan, read by the fold that closes it",
            table: "rm.plans",
            prefix: Key.of("s-1", "b") + [0],
            event: #"{"type":"SolutionReplicated","at":"2016-01-01","data":{"solution":"s-1","city":"b","from":"a"}}"#
        ),
        Case(
            description: "a project's roles, read to find its lighthouse cities",
            table: "rm.roles",
            prefix: Key.of("p-1") + [0],
            event:
                #"{"type":"SolutionReplicated","at":"2016-01-01","data":{"solution":"s-1","city":"c","project":"p-1"}}"#
        ),
        Case(
            description: "a city's CCG membership, read by the rule that a leaving city is a member",
            table: "rm.members",
            prefix: Key.of("c"),
            event: #"{"type":"CityLeftCCG","at":"2016-01-01","data":{"city":"c"}}"#
        ),
    ]

    /// A store holding ``setup``, in a fresh folder that `body` may use.
    private func withStore(_ body: (KnowledgeBase) throws -> Void) throws {
        let folder = NSTemporaryDirectory() + "sckb-damaged-row-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let base = try KnowledgeBase(path: folder + "/store", creating: true)
        for line in Self.setup { _ = try base.append(Event(json: JSONParser.parse(line))) }
        try body(base)
    }

    @Test("with the row intact, the event is accepted", arguments: cases)
    func intactRowAccepts(_ damage: Case) throws {
        try withStore { base in
            guard case .appended = try base.append(Event(json: JSONParser.parse(damage.event))) else {
                Issue.record("\(damage.event) was skipped")
                return
            }
        }
    }

    @Test(
        "with the row damaged, the event is refused as damage naming the table, and nothing is written",
        arguments: cases
    )
    func damagedRowIsReported(_ damage: Case) throws {
        try withStore { base in
            let table = base.environment.table(named: damage.table)
            let head = try base.head()
            try base.environment.write { transaction in
                var keys: [[UInt8]] = []
                try transaction.scan(table, prefix: damage.prefix) { key, _ in
                    keys.append(Array(key))
                    return true
                }
                try #require(!keys.isEmpty, "no row under the prefix in \(damage.table)")
                // Neither the binary row marker nor a JSON object: no reader can take it for a row.
                for key in keys { try transaction.put([0x01, 0x02, 0x03], forKey: key, in: table) }
            }
            do {
                _ = try base.append(Event(json: JSONParser.parse(damage.event)))
                Issue.record("\(damage): the event was accepted over a damaged row")
            } catch let error as RowDamage {
                #expect(error.table == damage.table, "\(error)")
            } catch {
                Issue.record("\(damage): \(error) instead of the damage")
            }
            #expect(try base.head() == head)
        }
    }
}
