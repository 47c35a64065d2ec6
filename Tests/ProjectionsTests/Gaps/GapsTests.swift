import EventStore
import Foundation
import Projections
import Testing

/// `gaps` (SPEC §9.2): each kind of gap appears, then the event that closes it closes it.
@Suite struct GapsTests {
    static let world: [Step] = [
        Step(.projectRegistered, ["project=alpha", "name=Alpha", "end=2019-12-31"], at: "2015-01-01"),
        Step(.cityRegistered, ["city=lh", "name=Lighthouse", "country=NL"], at: "2015-01-01"),
        Step(.cityRegistered, ["city=fe", "name=Fellow", "country=DE"], at: "2015-01-01"),
        World.join("lh", "alpha", "lighthouse"),
        World.join("fe", "alpha", "fellow"),
        Step(.solutionCatalogued, ["solution=s", "name=S", "area=buildings"], at: "2015-01-01"),
        Step(.demonstrationReported, ["demonstration=d", "solution=s", "city=lh", "project=alpha"], at: "2016-01-01"),
    ]

    @Test("every kind of gap appears, and the event that closes it closes it")
    func appearAndClose() throws {
        try withRuleStore(seededWith: Self.world) { store throws in
            var gaps = try store.base.gaps()
            #expect(gaps.projectsWithoutReplications.map(\.rawValue) == ["alpha"])
            #expect(gaps.fellowCitiesWithoutPlans.map(\.rawValue) == ["fe"])
            #expect(gaps.demonstrationsWithoutImpacts.map(\.rawValue) == ["d"])
            #expect(gaps.openObstacles.isEmpty)
            #expect(gaps.citiesWithoutLocation.map(\.rawValue) == ["fe", "lh"])
            #expect(gaps.projectsPastEndNotEnded.map(\.rawValue) == ["alpha"])
            #expect(gaps.eventsWithoutSource[.cityRegistered] == 2 && gaps.eventsWithoutSource[.impactReported] == nil)

            // A plan from the project's lighthouse city closes the project's gap and the fellow city's.
            try store.accept(Step(.replicationPlanned, ["solution=s", "city=fe", "from=lh"], at: "2017-01-01"))
            gaps = try store.base.gaps()
            #expect(gaps.projectsWithoutReplications.isEmpty && gaps.fellowCitiesWithoutPlans.isEmpty)

            try store.accept(Step(.impactReported, ["demonstration=d", "kpi=smart_meters", "value=10"], at: "2017-01-01"))
            #expect(try store.base.gaps().demonstrationsWithoutImpacts.isEmpty)

            try store.accept(Step(.obstacleReported, ["obstacle=o", "category=financial", "text=No money", "city=fe"]))
            #expect(try store.base.gaps().openObstacles.map(\.rawValue) == ["o"])
            try store.accept(Step(.obstacleOvercome, ["obstacle=o", "how=A grant"]))
            #expect(try store.base.gaps().openObstacles.isEmpty)

            try store.accept(Step(.cityLocated, ["city=lh", "lat=51.44", "lon=5.47"], at: "2017-01-01"))
            #expect(try store.base.gaps().citiesWithoutLocation.map(\.rawValue) == ["fe"])
            try store.accept(Step(.cityLocated, ["city=fe", "lat=51.34", "lon=12.37"], at: "2017-01-01"))
            #expect(try store.base.gaps().citiesWithoutLocation.isEmpty)

            // Before its end the project is not past it; its ProjectEnded closes the gap.
            let asOf = ValidTimeCut(through: try #require(ValidTime(parsing: "2019-06-30")))
            #expect(try store.base.gaps(at: ViewCut(asOf: asOf)).projectsPastEndNotEnded.isEmpty)
            try store.accept(World.ended("alpha", at: "2020-01-31"))
            #expect(try store.base.gaps().projectsPastEndNotEnded.isEmpty)

            // A figure with a source is not counted; one without is, until it is retracted, and the retraction counts.
            var sourced = try Step(.impactPublished, ["kpi=smart_meters", "value=5"], at: "2020-02-01").event()
            sourced.source = "https://example.org/figures"
            _ = try store.base.append(sourced)
            #expect(try store.base.gaps().eventsWithoutSource[.impactPublished] == nil)
            let bare = try store.accept(Step(.impactPublished, ["kpi=smart_meters", "value=6"], at: "2020-03-01"))
            #expect(try store.base.gaps().eventsWithoutSource[.impactPublished] == 1)
            try store.accept(Step(.eventRetracted, ["position=\(bare.position)", "reason=no source"]))
            gaps = try store.base.gaps()
            #expect(gaps.eventsWithoutSource[.impactPublished] == nil && gaps.eventsWithoutSource[.eventRetracted] == 1)
            #expect(gaps.projectsWithoutReplications.isEmpty && gaps.fellowCitiesWithoutPlans.isEmpty)
        }
    }

    @Test("the JSON has every key of SPEC 9.2")
    func keys() throws {
        try withRuleStore(seededWith: Self.world) { store throws in
            let json = try JSONParser.parse(store.base.gaps().jsonLine)
            for key in [
                "projects_without_replications", "fellow_cities_without_plans", "demonstrations_without_impacts",
                "open_obstacles", "events_without_source", "cities_without_location", "projects_past_end_not_ended",
            ] {
                #expect(json[key] != nil, "\(key)")
            }
        }
    }
}

/// `events_without_source` from the log index of such events: at every transaction-time cut, after a retraction, and
/// as the scan a valid-time cut makes.
@Suite struct SourcelessCountTests {
    @Test("at every cut the counts are the events inside it without a source, retracted ones (inside it) left out")
    func everyCut() throws {
        try withRuleStore(seededWith: GapsTests.world) { store throws in
            var sourced = try Step(.impactPublished, ["kpi=smart_meters", "value=5"], at: "2020-02-01").event()
            sourced.source = "https://example.org/figures"
            _ = try store.base.append(sourced)
            let first = try store.accept(Step(.impactPublished, ["kpi=smart_meters", "value=6"], at: "2020-03-01"))
            try store.accept(Step(.impactPublished, ["kpi=smart_meters", "value=7"], at: "2020-04-01"))
            let retraction = try store.accept(Step(.eventRetracted, ["position=\(first.position)", "reason=no source"]))
            try store.accept(Step(.impactPublished, ["kpi=smart_meters", "value=8"], at: "2020-05-01"))

            var log: [LogEntry] = []
            try store.base.log(LogFilter()) { log.append($0) }
            for last in log.map(\.stored.position) {
                var expected: [EventType: Int] = [:]
                for entry in log where entry.stored.position <= last && entry.stored.event.source == nil {
                    let retractedInside = entry.stored.position == first.position && retraction.position <= last
                    if !retractedInside { expected[entry.stored.event.type, default: 0] += 1 }
                }
                let counts = try store.base.gaps(at: ViewCut(until: .position(last))).eventsWithoutSource
                #expect(counts == expected, "until \(last)")
            }
            let now = try store.base.gaps().eventsWithoutSource
            #expect(now[.impactPublished] == 2 && now[.eventRetracted] == 1 && now[.cityRegistered] == 2)
            // A valid-time cut reads the log itself; through the last date it counts as the index does.
            let asOf = ValidTimeCut(through: try #require(ValidTime(parsing: "2099-12-31")))
            #expect(try store.base.gaps(at: ViewCut(asOf: asOf)).eventsWithoutSource == now)
        }
    }

    @Test("a count row of index.counts that does not read stops the next append, naming the table; nothing is written")
    func damagedCountRow() throws {
        try withRuleStore(seededWith: GapsTests.world) { store throws in
            let before = try store.base.head()
            try store.base.environment.write { transaction in
                try transaction.put(
                    [0, 0, 0, 0, 0, 0, 0, 2],
                    forKey: Array("CityRegistered".utf8),
                    in: store.base.environment.table(named: "index.counts")
                )
            }
            let step = Step(.cityRegistered, ["city=third", "name=Third", "country=BE"], at: "2015-01-01")
            #expect {
                _ = try store.base.append(try step.event())
            } throws: { error in
                (error as? RowDamage)?.table == "index.counts"
            }
            #expect(try store.base.head() == before)
        }
    }
}
