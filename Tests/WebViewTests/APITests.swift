import Hummingbird
import Projections
import Testing

/// `/api/…` in process: each answer is the bytes of the typed answer the CLI prints with `--format json`.
@Suite("web API in process")
struct APITests {
    /// A query of the knowledge base, as the command the route stands for asks it.
    typealias Query = @Sendable (KnowledgeBase) throws -> any JSONView

    /// The routes, each with the query that `sckb` makes for the command of the same name and options.
    static let routes: [(String, Query)] = [
        ("/api/graph", { try $0.graph(GraphFilter()) }),
        ("/api/graph?planned", { try $0.graph(GraphFilter(includesPlanned: true)) }),
        ("/api/graph?planned=false", { try $0.graph(GraphFilter()) }),
        (
            "/api/graph?project=triangulum&planned",
            { try $0.graph(GraphFilter(project: slug("triangulum"), includesPlanned: true)) }
        ),
        (
            "/api/graph?planned=true&from-tier=lighthouse&to-tier=fellow",
            { try $0.graph(GraphFilter(fromTier: .lighthouse, toTier: .fellow, includesPlanned: true)) }
        ),
        (
            "/api/graph?solution=telecare-video-communication&until=356",
            { try $0.graph(GraphFilter(solution: slug("telecare-video-communication")), at: cut(until: "356")) }
        ),
        ("/api/graph?as-of=2019-12-31", { try $0.graph(GraphFilter(), at: cut(asOf: "2019-12-31")) }),
        ("/api/spread", { try $0.spread() }),
        (
            "/api/spread?area=urban-data-ict&as-of=2018-01-01",
            { try $0.spread(area: .urbanDataICT, at: cut(asOf: "2018-01-01")) }
        ),
        ("/api/kpis", { try $0.impactTotals() }),
        ("/api/obstacles", { try $0.obstacles() }),
        (
            "/api/obstacles?open=true&category=procurement",
            { try $0.obstacles(ObstacleFilter(category: .procurement, openOnly: true)) }
        ),
        (
            "/api/obstacles?solution=evil-solution&city=evil-two&until=383",
            {
                try $0.obstacles(
                    ObstacleFilter(solution: slug("evil-solution"), city: slug("evil-two")),
                    at: cut(until: "383")
                )
            }
        ),
        (
            "/api/graph?solution=evil-solution&planned",
            { try $0.graph(GraphFilter(solution: slug("evil-solution"), includesPlanned: true)) }
        ),
        (
            "/api/kpis?project=triangulum&city=manchester",
            { try $0.impactTotals(project: slug("triangulum"), city: slug("manchester")) }
        ),
        ("/api/city/leipzig", { try $0.cityProfile(slug("leipzig")) }),
        ("/api/city/evil-city", { try $0.cityProfile(slug("evil-city")) }),
        ("/api/city/sabadell?until=353", { try $0.cityProfile(slug("sabadell"), at: cut(until: "353")) }),
        ("/api/project/triangulum", { try $0.projectProfile(slug("triangulum")) }),
        ("/api/project/evil-project", { try $0.projectProfile(slug("evil-project")) }),
        ("/api/solution/urban-data-platform", { try $0.solutionProfile(slug("urban-data-platform")) }),
        (
            "/api/solution/evil-solution?as-of=2030-01-01",
            { try $0.solutionProfile(slug("evil-solution"), at: cut(asOf: "2030-01-01")) }
        ),
        ("/api/projects", { try $0.projectList() }),
        ("/api/cities?until=100", { try $0.cityList(at: cut(until: "100")) }),
        ("/api/ccg/members", { try $0.ccgMembers() }),
        ("/api/ccg/meetings?year=2025", { try $0.ccgMeetings(year: 2025) }),
        ("/api/ccg/travel", { try $0.ccgTravel() }),
        (
            "/api/ccg/eligibility?city=leipzig&meeting=nowhere",
            { try $0.eligibility(city: "leipzig", meeting: "nowhere", amount: nil) }
        ),
        (
            "/api/ccg/eligibility?city=evil-city&meeting=m&amount=100",
            { try $0.eligibility(city: "evil-city", meeting: "m", amount: JSONNumber(literal: "100")) }
        ),
        ("/api/log", { try listing($0, LogFilter()) }),
        (
            "/api/log?type=SolutionReplicated&from=300&limit=2",
            { base in
                var filter = LogFilter()
                filter.type = .solutionReplicated
                filter.start(at: 300)
                filter.limit = 2
                return try listing(base, filter)
            }
        ),
        (
            "/api/log?entity=evil-city&until=2099-01-01",
            { base in
                var filter = LogFilter()
                filter.entity = try slug("evil-city")
                filter.until = try cut(until: "2099-01-01").until
                return try listing(base, filter)
            }
        ),
        ("/api/history/sabadell", { try EventListing($0.history(of: slug("sabadell"))) }),
        ("/api/stats", { try $0.statistics() }),
        ("/api/stats?until=200", { try $0.statistics(until: cut(until: "200").until) }),
        ("/api/verify", { try $0.verify() }),
        ("/api/search?q=koln", { try $0.search("koln") }),
        ("/api/search?q=lamppost&until=300", { try $0.search("lamppost", at: cut(until: "300")) }),
        ("/api/gaps?as-of=2019-12-31", { try $0.gaps(at: cut(asOf: "2019-12-31")) }),
        ("/api/next/sabadell", { try $0.nextSteps(for: slug("sabadell")) }),
        ("/api/next/burgas?until=400", { try $0.nextSteps(for: slug("burgas"), at: cut(until: "400")) }),
        (
            "/api/next/sabadell?offset=2&limit=3&holders=4",
            { try $0.nextSteps(for: slug("sabadell"), page: NextPage(offset: 2, limit: 3, holders: 4)) }
        ),
        ("/api/next/sabadell?all", { try $0.nextSteps(for: slug("sabadell"), page: .everything) }),
    ]

    /// Table routes with `?format=csv`, each with the typed answer whose CSV it must be.
    static let tables: [(String, @Sendable (KnowledgeBase) throws -> any CSVView)] = [
        ("/api/graph?planned&format=csv", { try $0.graph(GraphFilter(includesPlanned: true)) }),
        ("/api/spread?format=csv", { try $0.spread() }),
        ("/api/cities?format=csv", { try $0.cityList() }),
        ("/api/kpis?format=csv&project=triangulum", { try $0.impactTotals(project: slug("triangulum")) }),
        ("/api/search?q=smart&format=csv", { try $0.search("smart") }),
        ("/api/next/sabadell?format=csv", { try $0.nextSteps(for: slug("sabadell")) }),
    ]

    @Test("/api/X?format=csv answers the CSV of the typed answer, as text/csv")
    func csvEqualsTypedAnswer() async throws {
        try await withServedStore { served in
            for (target, query) in Self.tables {
                let answer = try await served.request(target)
                let expected = try query(served.base).csv
                #expect(answer.status == 200, "\(target): \(answer.status) \(answer.text)")
                #expect(answer.headers[.contentType] == "text/csv; charset=utf-8; header=present", "\(target)")
                #expect(expected.count > 20 && answer.body == expected, "\(target) differs from its typed answer")
            }
        }
    }

    @Test("the search, gaps and next pages show their answers, with links")
    func newPages() async throws {
        try await withServedStore { served in
            let search = try await served.request("/search?q=koln")
            #expect(search.status == 200 && search.text.contains("href=\"/city/cologne\">Köln</a>"), "\(search.text)")
            let empty = try await served.request("/search")
            #expect(empty.status == 200 && empty.text.contains("name=\"q\""))
            let gaps = try await served.request("/gaps")
            #expect(gaps.status == 200 && gaps.text.contains("Open obstacles"))
            let next = try await served.request("/next/sabadell")
            #expect(next.status == 200 && next.text.contains("Ask first") && next.text.contains("/solution/"))
            let city = try await served.request("/city/sabadell")
            #expect(city.text.contains("href=\"/next/sabadell\""))
        }
    }

    @Test("/api/X answers exactly the bytes of the typed answer `sckb X --format json` prints; HEAD the same, bodiless")
    func apiEqualsTypedAnswer() async throws {
        try await withServedStore { served in
            for (target, query) in Self.routes {
                let answer = try await served.request(target)
                let expected = try query(served.base).jsonLine
                #expect(answer.status == 200, "\(target): \(answer.status) \(answer.text)")
                #expect(answer.headers[.contentType] == "application/json", "\(target)")
                #expect(expected.count > 1, "the typed answer of \(target) is empty")
                #expect(answer.body == expected, "\(target) differs from its typed answer")
                let head = try await served.request(target, method: .head)
                #expect(head.status == 200 && head.body.isEmpty, "HEAD \(target)")
                #expect(head.headers[.contentLength] == String(answer.body.count), "HEAD \(target)")
                #expect(head.headers[.contentType] == "application/json", "HEAD \(target)")
            }
        }
    }

    @Test("HEAD on a page answers its status and headers without the body")
    func headOnPages() async throws {
        try await withServedStore { served in
            for target in ["/", "/graph?planned", "/city/leipzig", "/style.css", "/city/atlantis"] {
                let get = try await served.request(target)
                let head = try await served.request(target, method: .head)
                #expect(head.status == get.status && head.body.isEmpty, "HEAD \(target)")
                #expect(head.headers[.contentLength] == String(get.body.count), "HEAD \(target)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "HEAD \(target)")
                #expect(head.headers[.contentSecurityPolicy] == get.headers[.contentSecurityPolicy], "HEAD \(target)")
            }
        }
    }
}

/// `text` as a slug, which the test requires it to be.
func slug(_ text: String) throws -> Slug {
    try #require(Slug(rawValue: text))
}

/// The cut of `--until` and `--as-of` with these values.
func cut(until: String? = nil, asOf: String? = nil) throws -> ViewCut {
    ViewCut(
        until: try until.map { try #require(TransactionCut(parsing: $0)) },
        asOf: try asOf.map { ValidTimeCut(through: try #require(ValidTime(parsing: $0))) }
    )
}

/// The events `filter` selects, as `sckb log --format json` lists them.
func listing(_ base: KnowledgeBase, _ filter: LogFilter) throws -> EventListing {
    var entries: [LogEntry] = []
    try base.log(filter) { entries.append($0) }
    return EventListing(entries)
}
