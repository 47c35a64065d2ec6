import Projections
import Testing

/// The response cache in process: a write through the knowledge base the site reads shows on the next request. A
/// write by another process (`sckb import`) is tested on the real server, in CommandLineTests.
@Suite("web cache in process")
struct CacheTests {
    /// An event the fixture store does not hold yet.
    static let lateCity = #"{"type":"CityRegistered","data":{"city":"late-city","name":"Late City","country":"IT"}}"#

    @Test("a write shows on the next request, with the response cache and without it", arguments: [true, false])
    func writeShowsOnNextRequest(caching: Bool) async throws {
        try await withServedStore(writable: true, caching: caching) { served in
            let count = try #require(try served.base.head()).position.rawValue
            #expect(try await served.request("/api/stats").body == (try served.base.statistics().jsonLine))
            #expect(try await served.request("/city/late-city").status == 404)
            #expect(try await served.request("/graph?until=2099-01-01").status == 200)
            let listBefore = try await served.text("/cities?until=2099-01-01")
            #expect(!listBefore.contains("late-city"))
            let citiesBefore = try await served.request("/api/cities")
            let atPosition = try await served.request("/api/graph?planned&until=360")

            let outcome = try served.base.append(Event(json: JSONParser.parse(Self.lateCity)))
            guard case .appended(let stored) = outcome else {
                Issue.record("the late city was not appended: \(outcome)")
                return
            }
            #expect(stored.position.rawValue == count + 1)

            let statistics = try served.base.statistics()
            #expect(statistics.events == Int(count) + 1)
            #expect(try await served.request("/api/stats").body == statistics.jsonLine)
            let page = try await served.request("/city/late-city")
            #expect(page.status == 200 && page.text.contains("Late City"))
            #expect(try await served.text("/cities?until=2099-01-01").contains("late-city"))
            let citiesAfter = try await served.request("/api/cities")
            #expect(citiesAfter.body == (try served.base.cityList().jsonLine))
            #expect(citiesAfter.body != citiesBefore.body)
            // Positions up to 360 never change: the answer at that cut stays the same.
            #expect(try await served.request("/api/graph?planned&until=360").body == atPosition.body)
        }
    }
}
