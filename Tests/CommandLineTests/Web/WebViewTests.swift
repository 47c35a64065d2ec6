import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `sckb serve`: the built binary on a free port, against the real events and hostile names.
@Suite("sckb serve", .serialized)
struct WebViewTests {
    /// Runs `body` with a store of events/ plus the hostile events and a server on it.
    func withServer(_ body: (ServeProcess, String, String) throws -> Void) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try WebFixtures.makeStore(store)
            let server = try ServeProcess(store: store, folder: folder)
            defer { server.stop() }
            try body(server, store, folder)
        }
    }

    @Test("every page answers 200 with its content, and no hostile text reaches a page unescaped")
    func pages() throws {
        try withServer { server, store, _ in
            #expect(server.startLine.contains("127.0.0.1:\(server.port)") && server.startLine.contains(store))
            let count = try auditEventCount(store: store)
            #expect(server.startLine.contains("\(count) events"), "start line: \(server.startLine)")
            let stats = try auditJSON(["stats", "--store", store])
            let head = try #require((stats["head"] as? [String: Any])?["hash"] as? String)
            let replications = try auditJSON(["log", "--store", store, "--type", "SolutionReplicated", "--limit", "1"])
            let firstEvent = try #require((replications["events"] as? [[String: Any]])?.first)
            let firstReplication = try #require(firstEvent["position"] as? Int)
            let pages: [(String, [String])] = [
                ("/", [head, "Headline figures", "energy_saved_pct", "Events by type", "1234"]),
                ("/graph", ["<svg class=\"graph\"", "href=\"/city/barcelona\"", "<title>", "Lighthouse cities"]),
                ("/graph?planned", ["class=\"edge planned\"", "stroke-dasharray"]),
                ("/graph?planned=true&from-tier=lighthouse&until=360", ["until position 360", "planned=true"]),
                ("/spread", ["urban-data-platform", "sort=area"]),
                ("/spread?sort=area&area=buildings", ["evil-solution"]),
                ("/kpis?project=triangulum", ["demonstrations in scope"]),
                ("/kpis", ["<td class=\"number\">1234</td>", "published"]),
                ("/obstacles", ["By category", "procurement", "href=\"/history/evil-obstacle\"", "pathway"]),
                ("/obstacles?open&category=procurement", ["No obstacles at this cut."]),
                (
                    "/graph?solution=evil-solution",
                    ["href=\"/project/evil-project\"", "lighthouse cities of <a href=\"/project/evil-project\">"]
                ),
                ("/cities", ["href=\"/city/leipzig\""]),
                ("/projects", ["href=\"/project/triangulum\""]),
                ("/city/leipzig", ["City: Leipzig", "href=\"/project/triangulum\"", "href=\"/history/leipzig\""]),
                (
                    "/city/leipzig?as-of=2016-01-01",
                    ["as of 2016-01-01", "href=\"/project/triangulum?as-of=2016-01-01\""]
                ),
                ("/project/triangulum", ["Project: Triangulum", "href=\"/city/manchester\""]),
                ("/solution/urban-data-platform", ["href=\"/city/sabadell\""]),
                ("/ccg/members", ["CCG members"]),
                ("/ccg/meetings?year=2025", ["CCG meetings"]),
                ("/ccg/travel", ["CCG travel contributions"]),
                ("/ccg/eligibility", ["<form", "name=\"meeting\""]),
                ("/ccg/eligibility?city=leipzig&meeting=nowhere&amount=", ["Eligible: no", "nowhere"]),
                ("/log", ["later →", "ProjectRegistered"]),
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
            let hostile = [
                "<script", "<img", "<b>bold", "\u{1B}", "\u{07}", "href=\"javascript:", "</title></text>", "<iframe",
                "<u>",
            ]
            for (target, expected) in pages {
                let answer = try server.request(target)
                #expect(answer.status == 200, "\(target): \(answer.status) \(answer.text.prefix(300))")
                #expect(answer.headers["content-type"] == "text/html; charset=utf-8", "\(target)")
                for text in expected {
                    #expect(answer.text.contains(text), "\(target) lacks \(text)")
                }
                for text in hostile {
                    #expect(!answer.text.contains(text), "\(target) carries \(text.debugDescription) unescaped")
                }
                let policy = answer.headers["content-security-policy"] ?? ""
                #expect(policy.contains("default-src 'none'") && !policy.contains("unsafe-inline"), "\(target)")
                #expect(answer.headers["x-content-type-options"] == "nosniff")
            }
            // The hostile names are there, escaped, in profiles, the graph's SVG text and edge titles.
            let city = try server.request("/city/evil-city").text
            #expect(city.contains("&lt;script&gt;alert(&quot;city&quot;)&lt;/script&gt;"))
            let graph = try server.request("/graph").text
            #expect(graph.contains("&lt;script&gt;alert(&quot;city&quot;)&lt;/script&gt; (DE)"))
            #expect(graph.contains("Bell\\u{7}\\u{1B}[2J&lt;b&gt;bold&lt;/b&gt; (FR)"))
            #expect(graph.contains("<title>&lt;/title&gt;&lt;/text&gt;&lt;script&gt;s()&lt;/script&gt;: "))
            #expect(graph.contains("source: javascript:alert(1)"))
            let project = try server.request("/project/evil-project").text
            #expect(project.contains("&lt;img src=x onerror=alert(&#39;p&#39;)&gt;&quot;&#39;&amp;"))
            let obstacles = try server.request("/obstacles").text
            #expect(obstacles.contains("&lt;script&gt;o()&lt;/script&gt; &amp; more"))
            #expect(obstacles.contains("&lt;iframe src=x&gt;&lt;/iframe&gt;"))
            #expect(
                graph.contains("&lt;img src=x onerror=alert(&#39;p&#39;)&gt;&quot;&#39;&amp; (project evil-project)")
            )
            let style = try server.request("/style.css")
            #expect(style.status == 200 && style.headers["content-type"] == "text/css; charset=utf-8")
        }
    }

    @Test("/api/X answers exactly the bytes `sckb X --format json` prints, for every view")
    func apiEqualsCLI() throws {
        try withServer { server, store, _ in
            let cases: [(String, [String])] = [
                ("/api/graph", ["graph"]),
                ("/api/graph?planned", ["graph", "--planned"]),
                ("/api/graph?planned=false", ["graph"]),
                (
                    "/api/graph?planned=true&from-tier=lighthouse&to-tier=fellow",
                    [
                        "graph", "--planned", "--from-tier", "lighthouse", "--to-tier", "fellow",
                    ]
                ),
                (
                    "/api/graph?solution=telecare-video-communication&until=356",
                    [
                        "graph", "--solution", "telecare-video-communication", "--until", "356",
                    ]
                ),
                ("/api/graph?as-of=2019-12-31", ["graph", "--as-of", "2019-12-31"]),
                ("/api/spread", ["spread"]),
                (
                    "/api/spread?area=urban-data-ict&as-of=2018-01-01",
                    ["spread", "--area", "urban-data-ict", "--as-of", "2018-01-01"]
                ),
                ("/api/kpis", ["kpis"]),
                ("/api/obstacles", ["obstacles"]),
                (
                    "/api/obstacles?open=true&category=procurement",
                    ["obstacles", "--open", "--category", "procurement"]
                ),
                (
                    "/api/obstacles?solution=evil-solution&city=evil-two&until=383",
                    [
                        "obstacles", "--solution", "evil-solution", "--city", "evil-two", "--until", "383",
                    ]
                ),
                ("/api/graph?solution=evil-solution&planned", ["graph", "--solution", "evil-solution", "--planned"]),
                (
                    "/api/kpis?project=triangulum&city=manchester",
                    ["kpis", "--project", "triangulum", "--city", "manchester"]
                ),
                ("/api/city/leipzig", ["city", "leipzig"]),
                ("/api/city/evil-city", ["city", "evil-city"]),
                ("/api/city/sabadell?until=353", ["city", "sabadell", "--until", "353"]),
                ("/api/project/triangulum", ["project", "triangulum"]),
                ("/api/project/evil-project", ["project", "evil-project"]),
                ("/api/solution/urban-data-platform", ["solution", "urban-data-platform"]),
                (
                    "/api/solution/evil-solution?as-of=2030-01-01",
                    ["solution", "evil-solution", "--as-of", "2030-01-01"]
                ),
                ("/api/projects", ["projects"]),
                ("/api/cities?until=100", ["cities", "--until", "100"]),
                ("/api/ccg/members", ["ccg", "members"]),
                ("/api/ccg/meetings?year=2025", ["ccg", "meetings", "--year", "2025"]),
                ("/api/ccg/travel", ["ccg", "travel"]),
                (
                    "/api/ccg/eligibility?city=leipzig&meeting=nowhere",
                    ["ccg", "eligibility", "leipzig", "--meeting", "nowhere"]
                ),
                (
                    "/api/ccg/eligibility?city=evil-city&meeting=m&amount=100",
                    [
                        "ccg", "eligibility", "evil-city", "--meeting", "m", "--amount", "100",
                    ]
                ),
                ("/api/log", ["log"]),
                (
                    "/api/log?type=SolutionReplicated&from=300&limit=2",
                    [
                        "log", "--type", "SolutionReplicated", "--from", "300", "--limit", "2",
                    ]
                ),
                (
                    "/api/log?entity=evil-city&until=2099-01-01",
                    ["log", "--entity", "evil-city", "--until", "2099-01-01"]
                ),
                ("/api/history/sabadell", ["history", "sabadell"]),
                ("/api/stats", ["stats"]),
                ("/api/stats?until=200", ["stats", "--until", "200"]),
                ("/api/verify", ["verify"]),
            ]
            for (target, arguments) in cases {
                let answer = try server.request(target)
                let cli = try runSCKB(arguments + ["--store", store, "--format", "json"])
                #expect(answer.status == 200, "\(target): \(answer.status) \(answer.text)")
                #expect(answer.headers["content-type"] == "application/json", "\(target)")
                #expect(!cli.outputBytes.isEmpty, "sckb \(arguments) printed nothing: \(cli.standardError)")
                #expect(
                    answer.body == cli.outputBytes,
                    "\(target) differs from sckb \(arguments.joined(separator: " "))"
                )
                let head = try server.request(target, method: "HEAD")
                #expect(head.status == 200 && head.body.isEmpty, "HEAD \(target)")
            }
        }
    }

    @Test("unknown ids and routes are 404, malformed parameters 400 with the reason, other methods 405")
    func refusals() throws {
        try withServer { server, _, _ in
            let cases: [(String, String, Int, String)] = [
                ("GET", "/city/atlantis", 404, "city &#39;atlantis&#39; is not registered"),
                ("GET", "/api/city/atlantis", 404, "city 'atlantis' is not registered"),
                ("GET", "/project/atlantis", 404, "is not registered"),
                ("GET", "/solution/atlantis?until=3", 404, "is not registered"),
                ("GET", "/history/atlantis", 404, "is named by no event at this cut"),
                ("GET", "/api/history/atlantis", 404, "entity 'atlantis' is named by no event at this cut"),
                ("GET", "/api/history/sabadell?as-of=2000-01-01", 404, "is named by no event at this cut"),
                ("GET", "/nowhere", 404, "there is no page"),
                ("GET", "/api/nowhere", 404, "there is no API route"),
                ("GET", "/city/", 404, "there is no page"),
                ("GET", "/city/leipzig/extra", 404, "there is no page"),
                ("GET", "/../etc/passwd", 404, "there is no page"),
                ("GET", "/style.css/", 404, "there is no page"),
                ("GET", "/.sckb/data.mdb", 404, "there is no page"),
                ("GET", "/city/Not_A_Slug", 400, "is not a city id"),
                ("GET", "/api/graph?bogus=1", 400, "unknown parameter 'bogus'"),
                ("GET", "/api/graph?planned&planned", 400, "more than once"),
                ("GET", "/api/graph?planned=maybe", 400, "is a flag"),
                ("GET", "/api/graph?from-tier=mega", 400, "is not one of lighthouse|fellow|other"),
                ("GET", "/api/graph?as-of=yesterday", 400, "as-of 'yesterday' is not a date"),
                ("GET", "/api/graph?until=soon", 400, "until 'soon' is not a position or a date"),
                ("GET", "/api/graph?as-of=", 400, "needs a value"),
                ("GET", "/graph?until=%ZZ", 400, "broken percent escape"),
                ("GET", "/api/log?limit=-1", 400, "limit"),
                ("GET", "/api/ccg/meetings?year=twenty", 400, "is not an integer"),
                ("GET", "/api/ccg/eligibility?city=leipzig", 400, "both needed"),
                ("GET", "/api/verify?until=3", 400, "unknown parameter 'until'"),
                ("GET", "/spread?sort=price", 400, "reach|area"),
                ("GET", "/api/obstacles?category=weather", 400, "is not one of legislative"),
                ("GET", "/obstacles?open=perhaps", 400, "is a flag"),
                ("GET", "/style.css?x", 400, "unknown parameter"),
                ("POST", "/", 405, "read-only"),
                ("PUT", "/api/graph", 405, "read-only"),
                ("DELETE", "/city/leipzig", 405, "read-only"),
                ("PATCH", "/api/stats", 405, "read-only"),
            ]
            for (method, target, status, reason) in cases {
                let answer = try server.request(target, method: method)
                #expect(answer.status == status, "\(method) \(target): \(answer.status) \(answer.text.prefix(200))")
                #expect(answer.text.contains(reason), "\(method) \(target) does not say \(reason): \(answer.text)")
                if status == 405 { #expect(answer.headers["allow"] == "GET, HEAD") }
            }
        }
    }

    @Test("an import by another process shows on the next request; SIGINT and SIGTERM stop the server cleanly")
    func importVisibleAndStop() throws {
        try withServer { server, store, folder in
            let before = try server.request("/api/stats")
            let count = try auditEventCount(store: store)
            #expect(try jsonObject(before.text)["events"] as? Int == count)
            #expect(try server.request("/city/late-city").status == 404)
            #expect(try server.request("/graph?until=2099-01-01").status == 200)
            try writeJSONLines(
                [#"{"type":"CityRegistered","data":{"city":"late-city","name":"Late City","country":"IT"}}"#],
                to: folder + "/late.jsonl"
            )
            let imported = try runSCKB(["import", folder + "/late.jsonl", "--store", store])
            #expect(imported.status == 0, "\(imported.standardError)")
            let after = try server.request("/api/stats")
            #expect(try jsonObject(after.text)["events"] as? Int == count + 1)
            let page = try server.request("/city/late-city")
            #expect(page.status == 200 && page.text.contains("Late City"))
            #expect(try server.request("/cities?until=2099-01-01").text.contains("late-city"))
            let cli = try runSCKB(["cities", "--store", store, "--format", "json"])
            #expect(try server.request("/api/cities").body == cli.outputBytes)
            #expect(server.stop(signal: SIGINT) == 0, "SIGINT: \(server.standardError)")
            let second = try ServeProcess(store: store, folder: folder)
            #expect(try second.request("/").status == 200)
            #expect(second.stop(signal: SIGTERM) == 0, "SIGTERM: \(second.standardError)")
        }
    }

    @Test("a missing store is exit 3 with one line; a port in use is one line and not 0")
    func startFailures() throws {
        try withTemporaryDirectory { folder in
            let missing = try runSCKB(["serve", "--port", "0", "--store", folder + "/none"])
            #expect(missing.status == 3)
            #expect(missing.errorLines.count == 1, "\(missing.standardError)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/none"))
            try WebFixtures.makeStore(folder + "/kb")
            let server = try ServeProcess(store: folder + "/kb", folder: folder)
            defer { server.stop() }
            let clash = try runSCKB(["serve", "--port", String(server.port), "--store", folder + "/kb"])
            #expect(clash.status != 0)
            #expect(clash.errorLines.count == 1, "\(clash.standardError)")
            let badPort = try runSCKB(["serve", "--port", "70000", "--store", folder + "/kb"])
            #expect(badPort.status == 2)
        }
    }
}
