import Hummingbird
import Testing

/// What the web view refuses, in process: unknown ids and routes, malformed parameters, methods that would write.
@Suite("web refusals in process")
struct WebRefusalTests {
    @Test("unknown ids and routes are 404, malformed parameters 400 with the reason, other methods 405")
    func refusals() async throws {
        try await withServedStore { served in
            let cases: [(HTTPRequest.Method, String, Int, String)] = [
                (.get, "/city/atlantis", 404, "city &#39;atlantis&#39; is not registered"),
                (.get, "/api/city/atlantis", 404, "atlantis"),
                (.get, "/project/atlantis", 404, "is not registered"),
                (.get, "/solution/atlantis?until=3", 404, "is not registered"),
                (.get, "/history/atlantis", 404, "is named by no event at this cut"),
                (.get, "/api/history/atlantis", 404, "entity 'atlantis' is named by no event at this cut"),
                (.get, "/api/search?q=", 400, "parameter 'q' needs a value"),
                (.get, "/api/search?q=%20%20", 400, "the search text is empty"),
                (.get, "/api/search", 400, "the search text is empty"),
                (.get, "/api/next/atlantis", 404, "atlantis"),
                (.get, "/next/atlantis", 404, "is not registered"),
                (.get, "/api/city/leipzig?format=csv", 400, "csv is for tables"),
                (.get, "/api/graph?format=xml", 400, "is not json or csv"),
                (.get, "/api/history/sabadell?as-of=2000-01-01", 404, "is named by no event at this cut"),
                (.get, "/nowhere", 404, "there is no page"),
                (.get, "/api/nowhere", 404, "there is no API route"),
                (.get, "/city/", 404, "there is no page"),
                (.get, "/city/leipzig/extra", 404, "there is no page"),
                (.get, "/../etc/passwd", 404, "there is no page"),
                (.get, "/style.css/", 404, "there is no page"),
                (.get, "/.sckb/data.mdb", 404, "there is no page"),
                (.get, "/city/Not_A_Slug", 400, "is not a city id"),
                (.get, "/api/graph?bogus=1", 400, "unknown parameter 'bogus'"),
                (.get, "/api/graph?planned&planned", 400, "more than once"),
                (.get, "/api/graph?planned=maybe", 400, "is a flag"),
                (.get, "/api/graph?from-tier=mega", 400, "is not one of lighthouse|fellow|other"),
                (.get, "/api/graph?as-of=yesterday", 400, "as-of 'yesterday' is not a date"),
                (.get, "/api/graph?until=soon", 400, "until 'soon' is not a position or a date"),
                (.get, "/api/graph?as-of=", 400, "needs a value"),
                (.get, "/graph?until=%ZZ", 400, "broken percent escape"),
                (.get, "/api/log?limit=-1", 400, "limit"),
                (.get, "/api/ccg/meetings?year=twenty", 400, "is not an integer"),
                (.get, "/api/ccg/eligibility?city=leipzig", 400, "both needed"),
                (.get, "/api/verify?until=3", 400, "unknown parameter 'until'"),
                (.get, "/spread?sort=price", 400, "is not a column of this table"),
                (.get, "/cities?order=sideways", 400, "is not asc or desc"),
                (.get, "/cities?page=0", 400, "is not a page number"),
                (.get, "/cities?page=9", 404, "this table has 1 page"),
                (.get, "/log?page=99", 404, "the log has"),
                (.get, "/graph?solution=lamppost", 404, "is not registered at this cut; choose one"),
                (.get, "/obstacles?city=atlantis", 404, "atlantis"),
                (.get, "/kpis?project=nope", 404, "nope"),
                (.get, "/city/nowhere?as-of=2010-01-01", 404, "nowhere"),
                (.get, "/api/obstacles?category=weather", 400, "is not one of legislative"),
                (.get, "/obstacles?open=perhaps", 400, "is a flag"),
                (.get, "/style.css?x", 400, "unknown parameter"),
                (.post, "/", 405, "read-only"),
                (.put, "/api/graph", 405, "read-only"),
                (.delete, "/city/leipzig", 405, "read-only"),
                (.patch, "/api/stats", 405, "read-only"),
            ]
            for (method, target, status, reason) in cases {
                let answer = try await served.request(target, method: method)
                #expect(answer.status == status, "\(method) \(target): \(answer.status) \(answer.text.prefix(200))")
                #expect(answer.text.contains(reason), "\(method) \(target) does not say \(reason): \(answer.text)")
                let type = target.hasPrefix("/api/") ? "application/json" : "text/html; charset=utf-8"
                #expect(answer.headers[.contentType] == type, "\(method) \(target)")
                if status == 405 { #expect(answer.headers[.allow] == "GET, HEAD", "\(method) \(target)") }
            }
        }
    }
}
