import EventStore
import Foundation
import Projections
import Testing

/// `search`: folding, the order of results, and cuts, through the Projections API.
@Suite struct SearchTests {
    /// Cities whose names need folding, a project, solutions, a demonstration and an obstacle.
    static let world: [Step] = [
        Step(.projectRegistered, ["project=triangulum", "name=Triangulum"], at: "2015-01-01"),  // 1
        Step(.cityRegistered, ["city=cologne", "name=Köln", "country=DE"], at: "2015-01-01"),  // 2
        Step(.cityRegistered, ["city=lodz", "name=Łódź", "country=PL"], at: "2015-01-01"),  // 3
        Step(.cityRegistered, ["city=malmo", "name=Malmö", "country=SE"], at: "2015-01-01"),  // 4
        Step(.cityRegistered, ["city=aero", "name=Ærøskøbing", "country=DK"], at: "2015-01-01"),  // 5
        Step(.cityRegistered, ["city=giessen", "name=Gießen", "country=DE"], at: "2015-01-01"),  // 6
        Step(.cityRegistered, ["city=isparta", "name=Isparta ıı", "country=TR"], at: "2015-01-01"),  // 7
        Step(.cityRegistered, ["city=dakovo", "name=Đakovo", "country=HR"], at: "2015-01-01"),  // 8
        Step(.cityRegistered, ["city=oeuvre", "name=Œuvre-sur-Mer", "country=FR"], at: "2015-01-01"),  // 9
        Step(.solutionCatalogued, ["solution=smart-lamppost", "name=Smart lamppost", "area=urban-data-ict"],
            at: "2015-01-01"),  // 10
        Step(.solutionCatalogued, ["solution=lamppost", "name=Lamppost", "area=urban-data-ict"], at: "2015-01-01"),  // 11
        Step(.solutionCatalogued, ["solution=lamppost-plus", "name=Lampposts for all", "area=urban-data-ict"],
            at: "2015-01-01"),  // 12
        Step(.solutionCatalogued, ["solution=a-fiction", "name=Fiction ﬁle", "area=buildings"], at: "2015-01-01"),  // 13
        Step(.solutionCatalogued, ["solution=a-street", "name=Streetlampposts", "area=buildings"], at: "2015-01-01"),
        World.join("cologne", "triangulum", "lighthouse"),
        Step(.demonstrationReported, ["demonstration=d-koln-lamp", "solution=smart-lamppost", "city=cologne"],
            at: "2016-01-01"),
        Step(.obstacleReported, ["obstacle=o-lock", "category=procurement", "text=Vendor lock-in in Köln",
            "city=cologne"], at: "2016-02-01"),  // 17
        Step(.cityRegistered, ["city=tartu", "name=Tartu", "country=EE"], at: "2020-01-01"),  // 18
    ]

    static func found(_ store: RuleStore, _ text: String, at cut: ViewCut = ViewCut()) throws -> [String] {
        try store.base.search(text, at: cut).results.map { "\($0.kind.rawValue):\($0.id.rawValue):\($0.field.rawValue)" }
    }

    @Test(
        "folding: case and accents ignored, compatibility forms decomposed, letters without decomposition mapped",
        arguments: [
            ("koln", "city:cologne:name"), ("KÖLN", "city:cologne:name"), ("lodz", "city:lodz:name"),
            ("malmo", "city:malmo:name"), ("aeroskobing", "city:aero:name"), ("giessen", "city:giessen:name"),
            ("Gießen", "city:giessen:name"), ("ii", "city:isparta:name"), ("dakovo", "city:dakovo:name"),
            ("œuvre-sur", "city:oeuvre:name"), ("file", "solution:a-fiction:name"),
        ]
    )
    func folding(query: String, expected: String) throws {
        try withRuleStore(seededWith: Self.world) { store throws in
            let found = try Self.found(store, query)
            #expect(found.contains(expected), "\(found)")
        }
    }

    @Test("SearchFolding folds as the specification says")
    func foldingFunction() {
        #expect(SearchFolding.fold("Łódź") == "lodz")
        #expect(SearchFolding.fold("Straße") == "strasse")
        #expect(SearchFolding.fold("ÆØŒ") == "aeooe")
        #expect(SearchFolding.fold("İstanbul") == "istanbul")
        #expect(SearchFolding.fold("ﬁ½") == "fi1⁄2")
        #expect(SearchFolding.needle("  Köln \n") == "koln")
        #expect(SearchFolding.needle(" \u{301} ").isEmpty)
    }

    @Test("results come by kind; within a kind exact, then at a word's start, then elsewhere, ties by id")
    func order() throws {
        try withRuleStore(seededWith: Self.world) { store throws in
            #expect(
                try Self.found(store, "lamppost") == [
                    "solution:lamppost:name", "solution:lamppost-plus:name", "solution:smart-lamppost:name",
                    "solution:a-street:name", "demonstration:d-koln-lamp:name",
                ]
            )
            // A city, a demonstration named after its city, then an obstacle whose text names it.
            #expect(
                try Self.found(store, "köln") == ["city:cologne:name", "demonstration:d-koln-lamp:name", "obstacle:o-lock:text"]
            )
            let result = try #require(try store.base.search("lock-in").results.first)
            #expect(result.name == "Vendor lock-in in Köln" && result.match == result.name)
            let demonstration = try #require(try store.base.search("d-koln").results.first)
            #expect(demonstration.name == "Smart lamppost in Köln" && demonstration.field == .id)
            #expect(demonstration.match == "d-koln-lamp")
        }
    }

    @Test("an entity registered after the cut is not found; nothing found is an empty list; empty text is refused")
    func cutsAndEdges() throws {
        try withRuleStore(seededWith: Self.world) { store throws in
            #expect(try Self.found(store, "tartu") == ["city:tartu:name"])
            #expect(try Self.found(store, "tartu", at: ViewCut(until: .position(Position(17)))).isEmpty)
            #expect(try Self.found(store, "atlantis").isEmpty)
            #expect(throws: EmptySearch.self) { try store.base.search("   ") }
        }
    }
}
