import Hummingbird
import Projections
import Testing

/// The HTML pages of `sckb serve`, asked in process of the application it runs.
@Suite("web pages in process")
struct PageTests {
    /// Texts of the hostile events that must never reach a page as they are.
    static let hostile = [
        "<script", "<img", "<b>bold", "\u{1B}", "\u{07}", "href=\"javascript:", "</title></text>", "<iframe", "<u>",
    ]

    /// Expects `target` to answer a page with every text of `expected`, the security headers and nothing hostile.
    static func expectPage(
        _ served: ServedStore,
        _ target: String,
        _ expected: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let answer = try await served.request(target)
        #expect(
            answer.status == 200,
            "\(target): \(answer.status) \(answer.text.prefix(300))",
            sourceLocation: sourceLocation
        )
        #expect(answer.headers[.contentType] == "text/html; charset=utf-8", "\(target)", sourceLocation: sourceLocation)
        for text in expected {
            #expect(answer.text.contains(text), "\(target) lacks \(text)", sourceLocation: sourceLocation)
        }
        for text in hostile {
            #expect(
                !answer.text.contains(text),
                "\(target) carries \(text.debugDescription) unescaped",
                sourceLocation: sourceLocation
            )
        }
        let policy = answer.headers[.contentSecurityPolicy] ?? ""
        #expect(
            policy.contains("default-src 'none'") && !policy.contains("unsafe-inline"),
            "\(target)",
            sourceLocation: sourceLocation
        )
        #expect(answer.headers[.xContentTypeOptions] == "nosniff", "\(target)", sourceLocation: sourceLocation)
    }

    @Test("every page answers 200 with its content and the security headers, and no hostile text reaches it unescaped")
    func pages() async throws {
        try await withServedStore { served in
            let head = try #require(try served.base.head()).hash.hex
            var replications = LogFilter()
            replications.type = .solutionReplicated
            replications.limit = 1
            var firstReplication: UInt64 = 0
            try served.base.log(replications) { firstReplication = $0.stored.position.rawValue }
            try #require(firstReplication > 0)
            let pages: [(String, [String])] = [
                ("/", [head, "Headline figures", "Energy saved (%)", "Events by type", "1,234"]),
                ("/graph", ["<svg class=\"graph\"", "href=\"/city/barcelona\"", "<title>", "one small graph per solution"]),
                ("/map", ["<svg class=\"map\"", "href=\"/city/barcelona\"", "<title>Barcelona · lighthouse city</title>"]),
                ("/graph?planned", ["class=\"edge planned\"", "<a href=\"/replication/"]),
                ("/spread", ["urban-data-platform", "sort=area"]),
                ("/spread?sort=area&area=buildings", ["evil-solution"]),
                ("/kpis?project=triangulum", ["demonstrations in scope"]),
                ("/kpis", ["<td class=\"number\">1,234</td>", "published"]),
                ("/obstacles", ["By category", "procurement", "href=\"/obstacle/evil-obstacle\"", "overcome"]),
                ("/obstacles?open&category=procurement", ["No obstacles at this cut."]),
                (
                    "/graph?solution=evil-solution",
                    ["href=\"/project/evil-project\"", "lighthouse cities of <a href=\"/project/evil-project\">"]
                ),
                ("/cities", ["href=\"/city/leipzig\""]),
                ("/projects", ["href=\"/project/triangulum\""]),
                ("/city/leipzig", ["City: Leipzig", "href=\"/project/triangulum\"", "href=\"/history/leipzig\""]),
                ("/project/triangulum", ["Project: Triangulum", "href=\"/city/manchester\""]),
                ("/solution/urban-data-platform", ["href=\"/city/sabadell\""]),
                ("/ccg/members", ["CCG members"]),
                ("/ccg/meetings?year=2025", ["CCG meetings"]),
                ("/ccg/travel", ["CCG travel contributions"]),
                ("/ccg/eligibility", ["<form", "name=\"meeting\""]),
                ("/ccg/eligibility?city=leipzig&meeting=nowhere&amount=", ["Eligible: no", "nowhere"]),
                ("/log", ["older →", "CityLocated", "the newest first"]),
                (
                    "/log?from=\(firstReplication)&limit=10&type=SolutionReplicated",
                    ["SolutionReplicated", ">\(firstReplication)</a>"]
                ),
                (
                    "/history/sabadell",
                    [
                        "History of sabadell", "triangulum-project.eu", "seed-data",
                        "<a href=\"http://triangulum-project.eu/index.php",
                    ]
                ),
                ("/history/evil-two", ["History of evil-two"]),
            ]
            for (target, expected) in pages {
                try await Self.expectPage(served, target, expected)
            }
        }
    }

    @Test("a page at a cut says which cut it shows and its links keep the cut")
    func cuts() async throws {
        try await withServedStore { served in
            let pages: [(String, [String])] = [
                ("/graph?planned=true&from-tier=lighthouse&until=360", ["until position 360", "planned=true"]),
                (
                    "/city/leipzig?as-of=2016-01-01",
                    ["as of 2016-01-01", "href=\"/project/triangulum?as-of=2016-01-01\""]
                ),
            ]
            for (target, expected) in pages {
                try await Self.expectPage(served, target, expected)
            }
        }
    }

    @Test("hostile names and texts are there, escaped, in profiles, the graph's SVG text and edge titles")
    func hostileTextEscaped() async throws {
        try await withServedStore { served in
            let city = try await served.text("/city/evil-city")
            #expect(city.contains("&lt;script&gt;alert(&quot;city&quot;)&lt;/script&gt;"))
            let graph = try await served.text("/graph")
            #expect(graph.contains("&lt;script&gt;alert(&quot;city&quot;)&lt;/script&gt; (DE)"))
            #expect(graph.contains("Bell\\u{7}\\u{1B}[2J&lt;b&gt;bold&lt;/b&gt; (FR)"))
            #expect(graph.contains("<title>&lt;/title&gt;&lt;/text&gt;&lt;script&gt;s()&lt;/script&gt;: "))
            #expect(graph.contains("source: javascript:alert(1)"))
            #expect(
                graph.contains("&lt;img src=x onerror=alert(&#39;p&#39;)&gt;&quot;&#39;&amp; (project evil-project)")
            )
            let project = try await served.text("/project/evil-project")
            #expect(project.contains("&lt;img src=x onerror=alert(&#39;p&#39;)&gt;&quot;&#39;&amp;"))
            let obstacles = try await served.text("/obstacles")
            #expect(obstacles.contains("&lt;script&gt;o()&lt;/script&gt; &amp; more"))
            let obstacle = try await served.text("/obstacle/evil-obstacle")
            #expect(obstacle.contains("&lt;iframe src=x&gt;&lt;/iframe&gt;"))
        }
    }

    @Test("the stylesheet is served as CSS")
    func stylesheet() async throws {
        try await withServedStore { served in
            let style = try await served.request("/style.css")
            #expect(style.status == 200 && style.headers[.contentType] == "text/css; charset=utf-8")
            #expect(!style.body.isEmpty)
        }
    }
}
