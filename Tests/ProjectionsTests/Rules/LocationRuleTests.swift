import EventStore
import Foundation
import Projections
import Testing

/// CityLocated (SPEC §4): the rules, and which location stands now, at cuts and after a retraction.
@Suite struct LocationRuleTests {
    typealias W = World

    static func located(_ city: String, _ lat: String, _ lon: String, at: String = "2016-01-01") -> Step {
        Step(.cityLocated, ["city=\(city)", "lat=\(lat)", "lon=\(lon)"], at: at)
    }

    @Test("a registered city is located, bounds included; an unknown city or one out of bounds is refused")
    func rules() throws {
        try withRuleStore(seededWith: W.triangulum) { store throws in
            try store.accept(Self.located("leipzig", "51.34", "12.37"))
            try store.accept(Self.located("eindhoven", "90", "-180"))
            try store.accept(Self.located("eindhoven", "-90", "180"))
            try store.refuse(Self.located("tartu", "58.38", "26.72"), naming: ["tartu"])
            try store.refuse(Self.located("leipzig", "90.01", "12"), naming: ["90.01"])
            try store.refuse(Self.located("leipzig", "-90.5", "12"), naming: ["-90.5"])
            try store.refuse(Self.located("leipzig", "51", "180.01"), naming: ["180.01"])
            try store.refuse(Self.located("leipzig", "51", "-181"), naming: ["-181"])
            try store.refuse(Self.located("leipzig", "51.345", "12"), naming: ["51.345"], as: .input)
        }
    }

    @Test("a location may not be dated before the city's registration")
    func notBeforeRegistration() throws {
        try withRuleStore(seededWith: W.triangulum) { store throws in
            try store.refuse(Self.located("leipzig", "51.34", "12.37", at: "2014-12-31"), naming: ["leipzig"])
        }
    }

    @Test("the latest location in the log stands; a retraction brings the earlier back; a cut shows its own")
    func latestStands() throws {
        try withRuleStore(seededWith: W.triangulum) { store throws in
            let first = try store.accept(Self.located("leipzig", "51.34", "12.37", at: "2016-01-01"))
            let second = try store.accept(Self.located("leipzig", "51.3", "12.4", at: "2015-06-01"))
            let profile = try store.base.cityProfile(slug("leipzig"))
            #expect(profile.location?.position == second.position)
            #expect(profile.location?.lat.canonicalText == "51.3")
            let list = try store.base.cityList().cities.first { $0.city.rawValue == "leipzig" }
            #expect(list?.location?.lon.canonicalText == "12.4")
            // As of 2015-12-31 only the second is dated within the cut; until the first's position, only it.
            let asOf = ValidTimeCut(through: try #require(ValidTime(parsing: "2015-12-31")))
            #expect(try store.base.cityProfile(slug("leipzig"), at: ViewCut(asOf: asOf)).location?.position == second.position)
            let until = ViewCut(until: .position(first.position))
            #expect(try store.base.cityProfile(slug("leipzig"), at: until).location?.position == first.position)
            let before = ViewCut(until: .position(Position(first.position.rawValue - 1)))
            #expect(try store.base.cityProfile(slug("leipzig"), at: before).location == nil)
            // Retracting the latest brings the earlier back.
            try store.accept(Step(.eventRetracted, ["position=\(second.position)", "reason=wrong point"]))
            #expect(try store.base.cityProfile(slug("leipzig")).location?.position == first.position)
            #expect(try store.base.cityProfile(slug("eindhoven")).location == nil)
        }
    }

    @Test("retracting a city's registration is refused while a location needs it")
    func registrationNeeded() throws {
        try withRuleStore(seededWith: W.triangulum) { store throws in
            try store.accept(Step(.cityRegistered, ["city=tartu", "name=Tartu", "country=EE"], at: "2016-01-01"))
            let located = try store.accept(Self.located("tartu", "58.38", "26.72"))
            let registration = located.position.rawValue - 1
            try store.refuse(Step(.eventRetracted, ["position=\(registration)", "reason=typo"]), naming: ["\(located.position)"])
        }
    }
}
