import Projections
import Testing

/// The replication graph and the spread of SPEC §5, their answers and their JSON, in process.
@Suite struct GraphQueryTests {
    typealias W = World

    @Test("the graph's JSON has nodes {id,name,country,tier} and edges with every key of SPEC §5")
    func graphShape() throws {
        try withRuleStore(seededWith: W.fiveCities) { store throws in
            let graph = try store.base.graph(GraphFilter())
            let printed = try printedObject(graph)
            let nodes = try #require(printed["nodes"]?.arrayValue)
            let edges = try #require(printed["edges"]?.arrayValue)
            #expect(nodes.count == graph.nodes.count && edges.count == graph.edges.count)
            for node in nodes {
                #expect(keys(node).isSuperset(of: ["id", "name", "country", "tier"]), "\(node)")
            }
            for edge in edges {
                #expect(
                    keys(edge).isSuperset(of: [
                        "solution", "from", "to", "at", "position", "funding", "project", "status",
                    ]),
                    "\(edge)"
                )
                #expect(edge["status"]?.stringValue == "done")
            }
            let first = try #require(graph.edges.first)
            #expect(first.solution.rawValue == "e-bus")
            #expect(first.at == "2018-05-01")
            #expect(first.position.rawValue == 23)
            #expect(first.funding == .scaleGrant)
            #expect(first.project?.rawValue == "triangulum")
            #expect(edges.last?["funding"] == .null)
            let leipzig = try #require(graph.nodes.first { $0.id.rawValue == "leipzig" })
            #expect(leipzig.name == "Leipzig")
            #expect(leipzig.country == "DE")
        }
    }

    @Test("graph edges are in log order, not in order of `at`; nodes are the cities at either end")
    func graphLogOrder() throws {
        try withRuleStore(seededWith: W.fiveCities) { store throws in
            let graph = try store.base.graph(GraphFilter())
            #expect(positions(graph.edges) == [23, 24, 25, 26])
            #expect(
                pairs(graph.edges) == ["eindhoven>leipzig", "sabadell>leipzig", "sabadell>eindhoven", "leipzig>tartu"]
            )
            #expect(Set(graph.nodes.map(\.id.rawValue)) == ["eindhoven", "leipzig", "sabadell", "tartu"])
        }
    }

    @Test("the graph shows open plans as planned edges only when asked to")
    func graphPlanned() throws {
        try withRuleStore(seededWith: W.fiveCities) { store throws in
            #expect(!(try store.edges()).contains { $0.status == .planned })
            let all = try store.edges(planned: true)
            #expect(positions(all) == [23, 24, 25, 26, 27])
            let planned = try #require(all.last)
            #expect(planned.status == .planned)
            #expect(pairs([planned]) == ["stavanger>leipzig"])
            let nodes = try store.base.graph(GraphFilter(includesPlanned: true)).nodes
            #expect(nodes.contains { $0.id.rawValue == "stavanger" })
            #expect(try store.edges(GraphFilter(solution: slug("heat-pumps"))).isEmpty)
        }
    }

    @Test("a city's tier is lighthouse if lighthouse in any project, else fellow if fellow in any, else other")
    func graphTiers() throws {
        try withRuleStore(seededWith: W.fiveCities) { store throws in
            let nodes = try store.base.graph(GraphFilter(includesPlanned: true)).nodes
            let tiers = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id.rawValue, $0.tier) })
            #expect(
                tiers == [
                    "eindhoven": .lighthouse, "leipzig": .fellow, "sabadell": .lighthouse, "stavanger": .lighthouse,
                    "tartu": .other,
                ]
            )
            for (city, tier) in [("sabadell", Tier.lighthouse), ("stavanger", .lighthouse), ("tartu", .other)] {
                #expect(try store.base.cityProfile(slug(city)).tier == tier, "\(city)")
            }
        }
    }

    @Test("tiers are those of now (or of the cut), not those at the time of the replication")
    func tiersFollowLaterJoins() throws {
        let steps = [
            W.project("triangulum"),  // 1
            W.city("eindhoven", country: "NL"),  // 2
            W.city("leipzig"),  // 3
            W.solution("e-bus"),  // 4
            W.demonstration("d-eindhoven-e-bus", solution: "e-bus", city: "eindhoven"),  // 5
            W.replicated("e-bus", to: "leipzig", from: "eindhoven", at: "2017-01-01"),  // 6
            W.join("eindhoven", "triangulum", "lighthouse", at: "2018-02-01"),  // 7
            W.join("leipzig", "triangulum", "fellow", at: "2018-02-01"),  // 8
        ]
        try withRuleStore(seededWith: steps) { store throws in
            #expect(
                pairs(try store.edges(GraphFilter(fromTier: .lighthouse, toTier: .fellow))) == ["eindhoven>leipzig"]
            )
            #expect(try store.base.spread().solutions.first?.lighthouseToFellow == 1)
            #expect(try store.edges(GraphFilter(fromTier: .lighthouse), at: until("6")).isEmpty)
            #expect(
                pairs(try store.edges(GraphFilter(fromTier: .other), at: asOf("2017-12-31"))) == ["eindhoven>leipzig"]
            )
            #expect(try store.base.spread(at: until("6")).solutions.first?.lighthouseToFellow == 0)
        }
    }

    @Test("the graph's filters by tier at either end and by solution keep the edges they name")
    func graphFilters() throws {
        try withRuleStore(seededWith: W.fiveCities) { store throws in
            #expect(
                pairs(try store.edges(GraphFilter(fromTier: .lighthouse, toTier: .fellow)))
                    == ["eindhoven>leipzig", "sabadell>leipzig"]
            )
            #expect(
                pairs(try store.edges(GraphFilter(fromTier: .lighthouse, toTier: .fellow, includesPlanned: true)))
                    == ["eindhoven>leipzig", "sabadell>leipzig", "stavanger>leipzig"]
            )
            #expect(pairs(try store.edges(GraphFilter(toTier: .lighthouse))) == ["sabadell>eindhoven"])
            #expect(pairs(try store.edges(GraphFilter(fromTier: .fellow))) == ["leipzig>tartu"])
            #expect(pairs(try store.edges(GraphFilter(toTier: .other))) == ["leipzig>tartu"])
            #expect(try store.edges(GraphFilter(fromTier: .other)).isEmpty)
            let lampposts = GraphFilter(solution: try slug("smart-lamppost"))
            #expect(pairs(try store.edges(lampposts)) == ["sabadell>leipzig", "sabadell>eindhoven"])
            #expect(pairs(try store.edges(GraphFilter(solution: slug("e-bus"), toTier: .other))) == ["leipzig>tartu"])
            let nodes = try store.base.graph(lampposts).nodes
            #expect(Set(nodes.map(\.id.rawValue)) == ["sabadell", "leipzig", "eindhoven"])
        }
    }

    @Test("the spread has every key of SPEC §5 and sorts by reach descending, then id")
    func spread() throws {
        try withRuleStore(seededWith: W.fiveCities) { store throws in
            let report = try store.base.spread()
            let solutions = report.solutions
            #expect(solutions.map(\.solution.rawValue) == ["e-bus", "smart-lamppost", "citizen-app", "heat-pumps"])
            #expect(solutions.map(\.reach) == [3, 3, 2, 1])
            let printed = try #require(try printedObject(report)["solutions"]?.arrayValue)
            #expect(printed.count == 4)
            for solution in printed {
                #expect(
                    keys(solution).isSuperset(of: [
                        "solution", "name", "area", "demonstrated_in", "adopted_by", "planned_by",
                        "lighthouse_to_fellow", "reach",
                    ]),
                    "\(solution)"
                )
            }
            try #require(solutions.count == 4)
            let bus = solutions[0]
            #expect(bus.name == "Electric bus")
            #expect(bus.area == .mobilityLogistics)
            #expect(bus.demonstratedIn.map(\.rawValue) == ["eindhoven"])
            #expect(Set(bus.adoptedBy.map(\.rawValue)) == ["leipzig", "tartu"])
            #expect(bus.lighthouseToFellow == 1)
            let lamppost = solutions[1]
            #expect(Set(lamppost.adoptedBy.map(\.rawValue)) == ["leipzig", "eindhoven"])
            #expect(lamppost.lighthouseToFellow == 1)
            #expect(Set(solutions[2].demonstratedIn.map(\.rawValue)) == ["eindhoven", "sabadell"])
            #expect(solutions[2].lighthouseToFellow == 0)
            #expect(solutions[3].plannedBy.map(\.rawValue) == ["leipzig"])

            let buildings = try store.base.spread(area: .buildings).solutions
            #expect(buildings.map(\.solution.rawValue) == ["heat-pumps"])
        }
    }
}
