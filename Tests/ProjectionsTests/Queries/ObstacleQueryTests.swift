import Projections
import Testing

/// Obstacles and their pathways, and published figures: the rules of their events and the views that show them.
@Suite struct ObstacleQueryTests {
    typealias W = World

    // MARK: - Obstacles

    static func obstacle(_ fields: [String], at: String? = nil) -> Step {
        Step(.obstacleReported, fields, at: at)
    }

    @Test("ObstacleReported: accepted with one or more entities; each rule refused")
    func obstacleRules() throws {
        try withRuleStore(seededWith: W.twoLighthouses) { store throws in
            try store.accept(
                Self.obstacle(
                    ["obstacle=o-1", "category=legislative", "text=A state law forbade it.", "city=leipzig"],
                    at: "2017-01-01"
                )
            )
            try store.accept(
                Self.obstacle(
                    [
                        "obstacle=o-2", "category=data-privacy", "text=Data could not be shared.", "solution=e-bus",
                        "city=leipzig", "project=triangulum",
                    ],
                    at: "2017-01-01"
                )
            )
            try store.refuse(
                Self.obstacle(["obstacle=o-1", "category=social", "text=Again.", "city=leipzig"]),
                naming: ["o-1", "position 11"]
            )
            try store.refuse(
                Self.obstacle(["obstacle=o-3", "category=weather", "text=Rain.", "city=leipzig"]),
                naming: ["category", "weather"],
                as: .input
            )
            try store.refuse(
                Self.obstacle(["obstacle=o-3", "category=social", "text=Nowhere."]),
                naming: ["city"],
                as: .input
            )
            try store.refuse(
                Self.obstacle(["obstacle=o-3", "category=social", "text=", "city=leipzig"]),
                naming: ["text"],
                as: .input
            )
            try store.refuse(
                Self.obstacle(
                    ["obstacle=o-3", "category=social", "text=" + String(repeating: "x", count: 501), "city=leipzig"]
                ),
                naming: ["text", "501"],
                as: .input
            )
            try store.refuse(
                Self.obstacle(["obstacle=o-3", "category=social", "text=Unknown.", "solution=tram"]),
                naming: ["tram"]
            )
            try store.refuse(
                Self.obstacle(
                    ["obstacle=o-3", "category=social", "text=Not a member.", "city=sabadell", "project=triangulum"]
                ),
                naming: ["sabadell", "triangulum"]
            )
            try store.refuse(
                Self.obstacle(
                    ["obstacle=o-3", "category=social", "text=Too early.", "city=leipzig"],
                    at: "2014-01-01"
                ),
                naming: ["2014-01-01", "leipzig"]
            )
        }
    }

    @Test("ObstacleOvercome: accepted once for a reported obstacle; refused otherwise")
    func overcomeRules() throws {
        try withRuleStore(seededWith: W.twoLighthouses + [W.obstacle("o-1")]) { store throws in
            try store.refuse(.obstacleOvercome, ["obstacle=o-9", "how=Somehow."], naming: ["o-9"])
            try store.refuse(.obstacleOvercome, ["obstacle=o-1", "how="], naming: ["how"], as: .input)
            try store.refuse(
                W.overcome("o-1", how: "Before it arose.", at: "2016-01-01"),
                naming: ["2016-01-01", "o-1"]
            )
            try store.accept(W.overcome("o-1", how: "A joint tender.", at: "2018-01-01"))
            try store.refuse(
                W.overcome("o-1", how: "Again.", at: "2018-02-01"),
                naming: ["o-1", "already overcome", "position 12"]
            )
        }
    }

    @Test("obstacles are listed each with its pathway, in log order, with counts by category")
    func obstaclesShape() throws {
        let steps =
            W.twoLighthouses + [
                W.obstacle("o-b", "financial", ["city": "sabadell"]),  // 11
                W.obstacle("o-a"),  // 12
                W.overcome("o-a", how: "A joint tender.", at: "2018-01-01"),  // 13
            ]
        try withRuleStore(seededWith: steps) { store throws in
            let report = try printedObject(try store.base.obstacles())
            #expect(Set(report.keys) == ["obstacles", "by_category"])
            let obstacles = try #require(report["obstacles"]?.arrayValue)
            #expect(obstacles.map { $0["obstacle"]?.stringValue } == ["o-b", "o-a"])
            try #require(obstacles.count == 2)
            #expect(
                keys(obstacles[0]) == [
                    "obstacle", "category", "text", "solution", "city", "project", "at", "position", "overcome",
                    "solution_name", "city_name", "project_name",
                ]
            )
            #expect(obstacles[0]["overcome"] == .null)
            #expect(obstacles[0]["solution"] == .null)
            let overcome = try #require(obstacles[1]["overcome"])
            #expect(overcome["how"]?.stringValue == "A joint tender.")
            #expect(overcome["at"]?.stringValue == "2018-01-01")
            #expect(integer(overcome["position"]) == 13)
            let counts = try #require(report["by_category"]?.objectValue)
            #expect(counts.count == 7)
            func count(_ category: String) -> [String: Int?] {
                Dictionary(
                    uniqueKeysWithValues: (counts[category]?.objectValue?.members ?? []).map {
                        ($0.key, integer($0.value))
                    }
                )
            }
            #expect(count("procurement") == ["reported": 1, "overcome": 1])
            #expect(count("financial") == ["reported": 1, "overcome": 0])
            #expect(count("social") == ["reported": 0, "overcome": 0])

            func listed(_ filter: ObstacleFilter) throws -> [String] {
                try store.base.obstacles(filter).obstacles.map(\.obstacle.rawValue)
            }
            #expect(try listed(ObstacleFilter(openOnly: true)) == ["o-b"])
            #expect(try listed(ObstacleFilter(category: .procurement)).count == 1)
            #expect(try listed(ObstacleFilter(solution: slug("e-bus"))).count == 1)
            #expect(try listed(ObstacleFilter(city: slug("sabadell"))).count == 1)

            #expect(try store.base.cityProfile(slug("leipzig")).obstacles.map(\.obstacle.rawValue) == ["o-a"])
            #expect(try store.base.projectProfile(slug("triangulum")).obstacles.map(\.obstacle.rawValue) == ["o-a"])
            #expect(try store.base.solutionProfile(slug("e-bus")).obstacles.map(\.obstacle.rawValue) == ["o-a"])
            #expect(try store.base.cityProfile(slug("sabadell")).obstacles.map(\.obstacle.rawValue) == ["o-b"])
        }
    }

    @Test("retracting an overcome obstacle's report is refused; retracting the overcoming reopens it")
    func obstacleRetraction() throws {
        let steps =
            W.twoLighthouses + [
                W.obstacle("o-a"),  // 11
                W.overcome("o-a", how: "A joint tender.", at: "2018-01-01"),  // 12
            ]
        try withRuleStore(seededWith: steps) { store throws in
            try store.refuse(W.retraction(of: 11, reason: "wrong"), naming: ["11", "12"])
            try store.accept(W.retraction(of: 12, reason: "not yet"))
            #expect(try store.base.obstacles(ObstacleFilter(openOnly: true)).obstacles.count == 1)
            let withdrawn = try store.base.verify()
            #expect(withdrawn.isOK, "the withdrawal in place equals a rebuild: \(withdrawn.problems)")
            try store.accept(W.overcome("o-a", how: "A second try.", at: "2019-01-01"))
            try store.accept(W.retraction(of: 14, reason: "wrong"))
            try store.accept(W.retraction(of: 11, reason: "wrong"))
            #expect(try store.base.obstacles().obstacles.isEmpty)
            let report = try store.base.verify()
            #expect(report.isOK, "\(report.problems)")
        }
    }

    @Test("the obstacles and the published figures honour the valid-time and the transaction-time cuts")
    func cutsOnNewViews() throws {
        let steps =
            W.twoLighthouses + [
                W.obstacle("o-a", at: "2017-01-01"),  // 11
                W.overcome("o-a", how: "A joint tender.", at: "2019-01-01"),  // 12
                W.published("e_vehicles", "10", at: "2018-01-01"),  // 13
                W.published("e_vehicles", "25", at: "2020-01-01"),  // 14
            ]
        try withRuleStore(seededWith: steps) { store throws in
            func overcome(_ cut: ViewCut) throws -> Bool {
                try store.base.obstacles(at: cut).obstacles.first.map { $0.overcome != nil } ?? false
            }
            #expect(try overcome(ViewCut()))
            #expect(try !overcome(asOf("2018-06-30")))
            #expect(try !overcome(until("11")))
            #expect(try store.base.obstacles(at: until("10")).obstacles.isEmpty)
            #expect(try store.published() == ["e_vehicles": 25])
            #expect(try store.published(at: asOf("2019-06-30")) == ["e_vehicles": 10])
            #expect(try store.published(at: until("13")) == ["e_vehicles": 10])
            #expect(try store.published(at: until("12")).isEmpty)
        }
    }
}
