import EventStore
import Foundation
import Testing

@testable import Projections

/// Views at a cut fold only the event types they need; these tests hold them to a fold of every type, and hold the
/// declared needs to what the fold and the queries actually touch.
@Suite(.serialized) struct CutFoldTests {
    /// A generated log of a few thousand events, then events of the types the generator does not write
    /// (obstacles, published figures, contacts) and retractions of a plan and of a membership.
    static let store: Result<FixtureStore, any Error> = Result { try FixtureStore() }

    @Test("every view at every cut equals the same query on a fold of all event types")
    func viewsEqualTheFullFold() throws {
        let fixture = try Self.store.get()
        let base = fixture.base
        var compared = 0
        var differing: [String] = []
        for cut in fixture.cuts {
            let full = RecordingTables(over: try base.fold(at: cut, needs: .everything))
            let models = base.readModels
            for view in ViewUnderTest.all {
                let narrow = render { try view.public(base, cut) }
                let wide = render { try view.query(models, full) }
                compared += 1
                if narrow != wide { differing.append("\(view.name) at \(describe(cut))") }
            }
        }
        #expect(differing.isEmpty, "\(differing.count) views differ: \(differing.prefix(8))")
        #expect(compared == fixture.cuts.count * ViewUnderTest.all.count)
        // Not vacuous: the cuts see different states, and most views are not empty or refused.
        let graphs = Set(
            fixture.cuts.map { cut in render { json(try base.graph(GraphFilter(includesPlanned: true), at: cut).json) } }
        )
        #expect(graphs.count >= 5, "the cuts give only \(graphs.count) different graphs")
    }

    @Test("at every cut, the rows of each carrier table inside it are the rows a fold of the log leaves there")
    func rowCutsEqualTheFold() throws {
        let fixture = try Self.store.get()
        let base = fixture.base
        let carriers = Set(base.readModels.carriers.keys)
        var compared = 0
        for cut in fixture.cuts {
            let full = try base.fold(at: cut, needs: .everything)
            let rows = try #require(try base.rowCut(at: cut, reading: carriers))
            for table in carriers.sorted(by: { $0.name < $1.name }) {
                func entries(_ tables: borrowing some KeyValueReader & ~Copyable) throws -> [[UInt8]] {
                    var entries: [[UInt8]] = []
                    try tables.scan(table, from: nil, reverse: false) { key, value in
                        entries.append(Array(key) + [0xFF] + Array(value))
                        return true
                    }
                    return entries
                }
                let expected = try entries(full)
                #expect(try entries(rows) == expected, "\(table.name) at \(describe(cut))")
                // The rows seen through the cut's window, uncopied (or copied when the cut restores events).
                let seen = try base.rowView(
                    at: cut,
                    reading: [table],
                    live: { _, transaction in try entries(transaction) },
                    memory: { _, tables in try entries(tables) }
                )
                #expect(seen == expected, "\(table.name) seen through the window at \(describe(cut))")
                compared += expected.count
            }
        }
        #expect(compared > 1000)
        // Not vacuous: some cut leaves out the end of a project that later ended, and some shows open a plan that a
        // replication after it closed.
        let ended = try someCut(of: fixture, in: base.readModels.projects, reading: carriers) { now, atCut in
            now.position(Column.ended) != nil && atCut.position(Column.ended) == nil
        }
        #expect(ended)
        let reopened = try someCut(of: fixture, in: base.readModels.plans, reading: carriers) { now, atCut in
            now.position(Column.closedBy) != nil && atCut.string(Column.status) == PlanStatus.open.rawValue
        }
        #expect(reopened)
    }

    /// Whether at some cut of the fixture a row of `table` that the cut keeps satisfies `differs` against the row
    /// the store holds now.
    private func someCut(
        of fixture: FixtureStore,
        in table: Table,
        reading carriers: Set<Table>,
        _ differs: (_ now: Row, _ atCut: Row) -> Bool
    ) throws -> Bool {
        let base = fixture.base
        return try fixture.cuts.contains { cut in
            let rows = try #require(try base.rowCut(at: cut, reading: carriers))
            var found = false
            try base.environment.read { transaction in
                try transaction.scan(table, from: nil, reverse: false) { key, value in
                    let atCut = try rows.withValue(forKey: Array(key), in: table) { Row(bytes: $0) }
                    if let now = Row(bytes: value), let atCut = atCut ?? nil, differs(now, atCut) { found = true }
                    return !found
                }
            }
            return found
        }
    }

    @Test("a cut at the head folds to what the live read models answer")
    func cutAtTheHeadEqualsTheLiveModels() throws {
        let fixture = try Self.store.get()
        let base = fixture.base
        let head = try #require(try base.head()).position
        for until in [TransactionCut.position(head), TransactionCut(parsing: "2999-12-31")].compactMap({ $0 }) {
            let cut = ViewCut(until: until)
            let full = RecordingTables(over: try base.fold(at: cut, needs: .everything))
            for view in ViewUnderTest.all {
                let live = render { try view.public(base, ViewCut()) }
                #expect(render { try view.public(base, cut) } == live, "\(view.name) at the head")
                #expect(render { try view.query(base.readModels, full) } == live, "\(view.name), all types")
            }
        }
    }

    @Test("each event type's declared effects name exactly the tables its fold touches over the log")
    func effectsCoverTheFold() throws {
        let fixture = try Self.store.get()
        let base = fixture.base
        let models = base.readModels
        let recorder = RecordingTables()
        var written: [EventType: Set<Table>] = [:]
        var read: [EventType: Set<Table>] = [:]
        try base.environment.read { source in
            try source.forEachEvent { position, hash, bytes in
                let event = try StoredEvent(position: position, hash: .zero, bytes: bytes)
                recorder.reset()
                try models.apply(event, to: recorder)
                let type = event.event.type
                let effects = models.effects(of: type)
                let writes = effects.reduce(into: Set<Table>()) { $0.formUnion($1.writes) }
                let reads = effects.reduce(into: Set<Table>()) { $0.formUnion($1.reads) }
                #expect(recorder.written.isSubset(of: writes), "\(type) writes \(recorder.written.subtracting(writes))")
                // What a fold reads and also writes is declared as read by the effect writing it.
                #expect(recorder.read.isSubset(of: reads), "\(type) reads \(recorder.read.subtracting(reads))")
                written[type, default: []].formUnion(recorder.written)
                read[type, default: []].formUnion(recorder.read)
                _ = hash
                return true
            }
        }
        #expect(
            Set(written.keys) == Set(EventType.allCases),
            "types missing: \(Set(EventType.allCases).subtracting(written.keys))"
        )
        // And no declaration names a table the fold never touches: each is what the handles used say.
        for type in EventType.allCases {
            let effects = models.effects(of: type)
            let writes = effects.reduce(into: Set<Table>()) { $0.formUnion($1.writes) }
            let reads = effects.reduce(into: Set<Table>()) { $0.formUnion($1.reads) }
            let neverWritten = writes.subtracting(written[type] ?? [])
            let neverRead = reads.subtracting(read[type] ?? [])
            #expect(writes == written[type] ?? [], "\(type) declares writes it never makes: \(neverWritten)")
            #expect(reads == read[type] ?? [], "\(type) declares reads it never makes: \(neverRead)")
        }
    }

    @Test("the valid time read from a stored event's bytes is the decoded one, or nil")
    func storedValidTimeMatchesTheDecodedEvent() throws {
        let base = try Self.store.get().base
        var read = 0
        var events = 0
        try base.environment.read { source in
            try source.forEachEvent { position, _, bytes in
                let event = try StoredEvent(position: position, hash: .zero, bytes: bytes)
                events += 1
                if let at = KnowledgeBase.storedValidTime(bytes) {
                    read += 1
                    #expect(at == event.at, "position \(position)")
                }
                return true
            }
        }
        #expect(read > events / 2, "read \(read) of \(events)")
        let layouts = [
            #"{"at":"2020-01-01","data":{}}"#, #"{"actor":"a\\\"b","at":"2021-02-03T04:05:06Z"}"#,
            #"{"actor":"x","data":{}}"#, #"{"at":"2020-01-0\u0031"}"#, #"{"actor":"x""#, #"{"at":"2020"#,
        ]
        let expected = ["2020-01-01", "2021-02-03T04:05:06Z", nil, nil, nil, nil].map {
            $0.flatMap(ValidTime.init(parsing:))
        }
        for (layout, expected) in zip(layouts, expected) {
            let found = Array(layout.utf8).withUnsafeBytes { KnowledgeBase.storedValidTime($0) }
            #expect(found == expected, "\(layout)")
        }
    }

    @Test("each view's query reads only the tables its needs name")
    func queriesReadOnlyTheirTables() throws {
        let fixture = try Self.store.get()
        let base = fixture.base
        let full = try base.fold(at: ViewCut(until: TransactionCut(parsing: "2999-12-31")), needs: .everything)
        for view in ViewUnderTest.all {
            let recorder = RecordingTables(over: full)
            _ = render { try view.query(base.readModels, recorder) }
            let declared = base.readModels.tables(view.tables)
            #expect(recorder.read.isSubset(of: declared), "\(view.name) reads \(recorder.read.subtracting(declared))")
            #expect(!recorder.read.isEmpty, "\(view.name) read nothing")
        }
    }

    @Test("needs are closed under what the fold reads: impacts need demonstrations, travel needs meetings")
    func needsAreClosed() throws {
        let models = try Self.store.get().base.readModels
        let totals = models.needs(ViewTables.totals(project: nil, city: nil)).types
        #expect(totals == [.demonstrationReported, .impactReported, .impactPublished])
        let travel = models.needs(ViewTables.ccgTravel).types
        #expect(travel == [.cityRegistered, .meetingScheduled, .travelContributionGranted])
        let graph = models.needs(ViewTables.graph(GraphFilter())).types
        #expect(
            graph == [
                .projectRegistered, .projectEnded, .cityRegistered, .cityJoinedProject, .solutionCatalogued,
                .solutionReplicated,
            ]
        )
        let planned = models.needs(ViewTables.graph(GraphFilter(includesPlanned: true))).types
        #expect(Set(planned) == Set(graph + [.replicationPlanned]))
    }
}

/// The store the tests share, with the cuts and views they compare.
struct FixtureStore: Sendable {
    let folder: String
    let base: KnowledgeBase
    let cuts: [ViewCut]

    init() throws {
        folder = NSTemporaryDirectory() + "sckb-cuts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        base = try KnowledgeBase(path: folder + "/store", creating: true)
        var lines: [UInt8] = []
        SyntheticLog(count: 3000, seed: 11).write { line in
            lines.append(contentsOf: line)
            lines.append(0x0A)
        }
        try Data(lines).write(to: URL(fileURLWithPath: folder + "/log.jsonl"))
        _ = try base.importFile(at: folder + "/log.jsonl", named: "log.jsonl")
        let generated = try #require(try base.head()).position
        try FixtureStore.appendOtherTypes(to: base)
        let head = try #require(try base.head()).position
        #expect(head.rawValue > generated.rawValue + 6, "too few extra events accepted")
        let dates = ["2015-06-30", "2018-01-01", "2020-01-01", "2023-06-30", "2026-06-30", "2026-12-31"]
        var cuts: [ViewCut] = []
        for position in [1, 60, 500, 1234, 2000, Int(generated.rawValue), Int(head.rawValue) - 1] {
            cuts.append(ViewCut(until: .position(Position(UInt64(position)))))
        }
        for date in dates {
            cuts.append(ViewCut(asOf: ValidTime(parsing: date).map(ValidTimeCut.init(through:))))
        }
        cuts.append(ViewCut(until: TransactionCut(parsing: "2000-01-01")))
        cuts.append(ViewCut(until: TransactionCut(parsing: "2999-12-31")))
        for (position, date) in [(1500, "2019-01-01"), (3000, "2026-12-31"), (Int(head.rawValue), "2022-02-02")] {
            cuts.append(
                ViewCut(
                    until: .position(Position(UInt64(position))),
                    asOf: ValidTime(parsing: date).map(ValidTimeCut.init(through:))
                )
            )
        }
        cuts.append(
            ViewCut(
                until: TransactionCut(parsing: "2999-12-31"),
                asOf: ValidTime(parsing: "2021-01-01").map(ValidTimeCut.init(through:))
            )
        )
        self.cuts = cuts
    }

    /// Events of the types the generator leaves out; a few may be refused by a rule, which is fine.
    static func appendOtherTypes(to base: KnowledgeBase) throws {
        var lines = [
            #"{"type":"ObstacleReported","at":"2026-07-01","data":{"obstacle":"obstacle-1","category":"legislative","text":"Permits","city":"city-1"}}"#,
            #"{"type":"ObstacleReported","at":"2026-07-01","data":{"obstacle":"obstacle-2","category":"financial","text":"Budget","solution":"solution-1","project":"project-1"}}"#,
            #"{"type":"ObstacleOvercome","at":"2026-07-02","data":{"obstacle":"obstacle-1","how":"A waiver"}}"#,
            #"{"type":"ImpactPublished","at":"2026-07-02","data":{"kpi":"energy_saved_pct","value":12.5,"project":"project-1"}}"#,
            #"{"type":"ImpactPublished","at":"2026-07-02","data":{"kpi":"smart_meters","value":100}}"#,
            #"{"type":"ImpactPublished","at":"2026-07-03","actor":"an-editor","data":{"kpi":"smart_meters","value":120}}"#,
            #"{"type":"ImpactPublished","actor":"an-editor","data":{"kpi":"e_vehicles","value":7}}"#,
        ]
        for city in 1...16 {
            let commitment = String(repeating: "ab", count: 32)
            lines.append(
                #"{"type":"ContactRegistered","at":"2026-07-03","data":{"contact":"contact-\#(city)","city":"city-\#(city)","commitment":"\#(commitment)"}}"#
            )
        }
        var accepted = Set<EventType>()
        var retracted = Set<EventType>()
        @discardableResult
        func append(_ line: String) throws -> Bool {
            do {
                if case .appended(let recorded) = try base.append(Event(json: JSONParser.parse(line))) {
                    accepted.insert(recorded.event.type)
                    return true
                }
            } catch is RuleViolation {}
            return false
        }
        for line in lines { try append(line) }
        if accepted.contains(.contactRegistered) {
            for city in 1...16 {
                let line =
                    #"{"type":"ContactErased","at":"2026-07-04","data":{"contact":"contact-\#(city)","reason":"asked"}}"#
                if try append(line) { break }
            }
        }
        // Retractions of events other folds depend on (the last plan, membership, demonstration, replication, join
        // and project end that nothing later needs), and of the last impact report and published figure; cuts before
        // them see their targets restored from the log.
        for type in [
            EventType.replicationPlanned, .cityJoinedCCG, .demonstrationReported, .impactReported, .impactPublished,
            .solutionReplicated, .cityJoinedProject, .projectEnded,
        ] {
            var filter = LogFilter()
            filter.type = type
            var positions: [Position] = []
            try base.log(filter) { positions.append($0.stored.position) }
            for position in positions.reversed().prefix(6) {
                let line =
                    #"{"type":"EventRetracted","at":"2026-07-05","data":{"position":\#(position.rawValue),"reason":"test"}}"#
                if try append(line) {
                    retracted.insert(type)
                    break
                }
            }
        }
        #expect(
            accepted.isSuperset(of: [
                .obstacleReported, .obstacleOvercome, .impactPublished, .contactRegistered, .eventRetracted,
            ]),
            "accepted only \(accepted)"
        )
        #expect(
            retracted.isSuperset(of: [.impactReported, .impactPublished, .solutionReplicated]),
            "retracted only \(retracted)"
        )
    }
}

/// One view: its public call, the same query on given tables, and the tables it declares.
struct ViewUnderTest {
    let name: String
    let tables: ViewTables.Tables
    let `public`: (KnowledgeBase, ViewCut) throws -> String
    let query: (ReadModels, RecordingTables) throws -> String

    static func slug(_ text: String) -> Slug {
        guard let slug = Slug(rawValue: text) else { preconditionFailure("\(text) is not a slug") }
        return slug
    }

    static var all: [ViewUnderTest] {
        var views: [ViewUnderTest] = []
        for filter in [
            GraphFilter(), GraphFilter(includesPlanned: true), GraphFilter(fromTier: .lighthouse, toTier: .fellow),
            GraphFilter(solution: slug("solution-2"), includesPlanned: true),
        ] {
            views.append(
                ViewUnderTest(
                    name: "graph \(filter.includesPlanned)",
                    tables: ViewTables.graph(filter),
                    public: { json(withoutSources(try $0.graph(filter, at: $1)).json) },
                    query: { json(try $0.graph(filter, in: $1).json) }
                )
            )
        }
        views.append(
            ViewUnderTest(
                name: "spread",
                tables: ViewTables.spread,
                public: { json(try $0.spread(at: $1).json) },
                query: { json(try $0.spreadReport(area: nil, in: $1).json) }
            )
        )
        for city in (1...40).map({ "city-\($0)" }) + ["city-999"] {
            views.append(
                ViewUnderTest(
                    name: "city \(city)",
                    tables: ViewTables.cityProfile,
                    public: { json(try $0.cityProfile(slug(city), at: $1).json) },
                    query: { json(try $0.cityProfile(slug(city), in: $1).json) }
                )
            )
        }
        for project in ["project-1", "project-2"] {
            views.append(
                ViewUnderTest(
                    name: "project \(project)",
                    tables: ViewTables.projectProfile,
                    public: { json(try $0.projectProfile(slug(project), at: $1).json) },
                    query: { json(try $0.projectProfile(slug(project), in: $1).json) }
                )
            )
        }
        for solution in ["solution-1", "solution-3"] {
            views.append(
                ViewUnderTest(
                    name: "solution \(solution)",
                    tables: ViewTables.solutionProfile,
                    public: { json(try $0.solutionProfile(slug(solution), at: $1).json) },
                    query: { json(try $0.solutionProfile(slug(solution), in: $1).json) }
                )
            )
        }
        let scopes: [(String?, String?)] = [(nil, nil), ("project-1", nil), (nil, "city-1"), ("project-1", "city-1")]
        for (project, city) in scopes {
            let projectSlug = project.map(slug)
            let citySlug = city.map(slug)
            views.append(
                ViewUnderTest(
                    name: "kpis \(project ?? "-") \(city ?? "-")",
                    tables: ViewTables.totals(project: projectSlug, city: citySlug),
                    public: { json(try $0.impactTotals(project: projectSlug, city: citySlug, at: $1).json) },
                    query: { json(try $0.impactTotals(project: projectSlug, city: citySlug, in: $1).json) }
                )
            )
        }
        for filter in [ObstacleFilter(), ObstacleFilter(city: slug("city-1")), ObstacleFilter(openOnly: true)] {
            views.append(
                ViewUnderTest(
                    name: "obstacles",
                    tables: ViewTables.obstacles,
                    public: { json(try $0.obstacles(filter, at: $1).json) },
                    query: { json(try $0.obstacleReport(filter, in: $1).json) }
                )
            )
        }
        views += [
            ViewUnderTest(
                name: "projects",
                tables: ViewTables.projectList,
                public: { json(try $0.projectList(at: $1).json) },
                query: { json(try $0.projectList(in: $1).json) }
            ),
            ViewUnderTest(
                name: "cities",
                tables: ViewTables.cityList,
                public: { json(try $0.cityList(at: $1).json) },
                query: { json(try $0.cityList(in: $1).json) }
            ),
            ViewUnderTest(
                name: "ccg members",
                tables: ViewTables.ccgMembers,
                public: { json(try $0.ccgMembers(at: $1).json) },
                query: { json(try $0.ccgMembers(in: $1).json) }
            ),
            ViewUnderTest(
                name: "ccg meetings",
                tables: ViewTables.ccgMeetings,
                public: { json(try $0.ccgMeetings(at: $1).json) },
                query: { json(try $0.ccgMeetings(year: nil, in: $1).json) }
            ),
            ViewUnderTest(
                name: "ccg travel",
                tables: ViewTables.ccgTravel,
                public: { json(try $0.ccgTravel(year: 2024, at: $1).json) + json(try $0.ccgTravel(at: $1).json) },
                query: { json(try $0.ccgTravel(year: 2024, in: $1).json) + json(try $0.ccgTravel(year: nil, in: $1).json) }
            ),
            ViewUnderTest(
                name: "views",
                tables: ViewTables.graph(GraphFilter()) + ViewTables.spread
                    + ViewTables.totals(project: nil, city: nil),
                public: {
                    var set = try $0.views(graph: GraphFilter(), at: $1)
                    set.graph = withoutSources(set.graph)
                    return render(set)
                },
                query: {
                    render(
                        try ViewSet(
                            graph: $0.graph(GraphFilter(), in: $1),
                            spread: $0.spreadReport(area: nil, in: $1),
                            totals: $0.impactTotals(project: nil, city: nil, in: $1)
                        )
                    )
                }
            ),
        ]
        for city in ["city-1", "city-5"] {
            for meeting in ["meeting-1", "meeting-3"] {
                views.append(
                    ViewUnderTest(
                        name: "eligibility \(city) \(meeting)",
                        tables: ViewTables.eligibility,
                        public: {
                            json(try $0.eligibility(city: city, meeting: meeting, amount: JSONNumber(integer: 300), at: $1).json)
                        },
                        query: {
                            json(try $0.eligibility(city: city, meeting: meeting, amount: JSONNumber(integer: 300), in: $1).json)
                        }
                    )
                )
            }
        }
        return views
    }
}

/// Tables that pass every call to an in-memory copy and note which tables were read and which written.
final class RecordingTables: KeyValueWriter {
    private let inner: MemoryTables
    private(set) var read = Set<Table>()
    private(set) var written = Set<Table>()

    init(over inner: MemoryTables = MemoryTables()) {
        self.inner = inner
    }

    func reset() {
        read = []
        written = []
    }

    func withValue<Result>(
        forKey key: [UInt8],
        in table: Table,
        _ body: (UnsafeRawBufferPointer) throws -> Result
    ) throws -> Result? {
        read.insert(table)
        return try inner.withValue(forKey: key, in: table, body)
    }

    func scan(
        _ table: Table,
        from start: [UInt8]?,
        reverse: Bool,
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws -> Bool
    ) throws {
        read.insert(table)
        try inner.scan(table, from: start, reverse: reverse, body)
    }

    func count(of table: Table) throws -> Int {
        read.insert(table)
        return try inner.count(of: table)
    }

    func put(_ value: [UInt8], forKey key: [UInt8], in table: Table) throws {
        written.insert(table)
        try inner.put(value, forKey: key, in: table)
    }

    func removeValue(forKey key: [UInt8], in table: Table) throws -> Bool {
        written.insert(table)
        return try inner.removeValue(forKey: key, in: table)
    }

    func removeAll(in table: Table) throws {
        written.insert(table)
        try inner.removeAll(in: table)
    }
}

/// A view's answer as text, or the error it threw, so that answers and refusals compare alike.
func render(_ body: () throws -> some Any) -> String {
    do { return "\(try body())" } catch { return "error: \(error)" }
}

/// `graph` without the sources the public call reads from the log (the tables do not hold them).
func withoutSources(_ graph: ReplicationGraph) -> ReplicationGraph {
    var bare = graph
    for index in bare.edges.indices { bare.edges[index].source = nil }
    return bare
}

/// A view set as canonical JSON, its parts in a fixed order.
func render(_ views: ViewSet) -> String {
    json(.array([views.graph.json, views.spread.json, views.totals.json]))
}

func json(_ value: JSONValue) -> String {
    String(decoding: CanonicalJSON.bytes(of: value), as: UTF8.self)
}

func describe(_ cut: ViewCut) -> String {
    "until \(cut.until.map { "\($0)" } ?? "-") as of \(cut.asOf.map { "\($0)" } ?? "-")"
}
