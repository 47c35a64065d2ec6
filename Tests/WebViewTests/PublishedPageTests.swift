import Testing

@testable import WebView

/// How `sckb publish` names files and turns a served page into a published one, on small inputs.
@Suite("published pages")
struct PublishedPageTests {
    @Test(
        "each request has its own file, a plain relative URL",
        arguments: [
            ("/", "index.html"), ("/city/leipzig", "city/leipzig.html"), ("/graph?planned", "graph/planned.html"),
            ("/map?solution=smart-lamppost&planned=true", "map/planned=true,solution=smart-lamppost.html"),
            ("/city/leipzig?as-of=2019-12-31", "cut/as-of=2019-12-31/city/leipzig.html"),
            ("/api/graph?planned", "api/graph/planned.json"), ("/api/graph?format=csv", "api/graph.csv"),
            ("/log?from=12&limit=1", "log/from=12,limit=1.html"), ("/style.css", "style.css"),
            ("/history/a_b", "history/a_5Fb.html"), ("/search?q=K%C3%B6ln%20%2F..", "search/q=K_C3_B6ln_20_2F...html"),
        ]
    )
    func files(link: String, file: String) throws {
        let address = try #require(PublishedAddress(link: link))
        #expect(address.file == file)
    }

    @Test("links are relative to the page's own folder; outside addresses and fragments stay")
    func relativeLinks() {
        let page = PublishedPage(file: "cut/as-of=2019-12-31/city/leipzig.html", years: [2019])
        var found: [PublishedAddress] = []
        let html = """
            <a href="/cities?as-of=2019-12-31">x</a><a href="/city/halle?as-of=2019-12-31#p">y</a>\
            <a href="https://example.org/a?b=c&amp;d">z</a><a href="#top">t</a><link rel="stylesheet" href="/style.css">\
            <a href="/log?from=3&amp;limit=1&amp;as-of=2019-12-31">3</a>
            """
        let published = page.relink(html, found: &found)
        #expect(
            published == """
                <a href="../cities.html">x</a><a href="../../../city/halle.html#p">y</a>\
                <a href="https://example.org/a?b=c&amp;d">z</a><a href="#top">t</a><link rel="stylesheet" \
                href="../../../style.css"><a href="../../../log/from=3,limit=1.html">3</a>
                """
        )
        #expect(
            found.map(\.file) == [
                "cut/as-of=2019-12-31/cities.html", "city/halle.html", "style.css", "log/from=3,limit=1.html",
            ]
        )
    }

    @Test("a table heading that sorts on the server keeps no link; the eligibility form becomes a note")
    func serverOnlyParts() {
        let page = PublishedPage(file: "cities.html", years: [2019])
        var found: [PublishedAddress] = []
        let headings = page.relink(
            "<th><a href=\"/cities?sort=name&amp;order=desc\">name</a></th><a href=\"/cities?page=2\">next</a>",
            found: &found
        )
        #expect(headings == "<th><a>name</a></th><a href=\"cities/page=2.html\">next</a>")
        #expect(found.map(\.file) == ["cities/page=2.html"])
        let form = """
            <form class="options" method="get" action="/ccg/eligibility"><label>city <select name="city">\
            <option value="">any</option><option value="sabadell">Sabadell</option></select></label></form>
            """
        let note = page.replacingForms(form)
        #expect(note.contains("sckb serve") && !note.contains("city=sabadell"), "\(note)")
    }

    @Test("a filter form becomes a link per choice, the cut form year links, the search form the A–Z index")
    func formsBecomeLinks() {
        let page = PublishedPage(file: "graph.html", years: [2018, 2019])
        let form = """
            <form class="options" method="get" action="/graph"><label>solution <select name="solution">\
            <option value="">any</option><option value="smart-lamppost" selected>Smart lamppost</option>\
            <option value="e-bus">E-bus &amp; more</option></select></label><label><input type="checkbox" \
            name="planned" value="true"> planned edges</label><input name="q"><button>Show</button></form>\
            <form class="cut" method="get" action="/graph"><input type="hidden" name="planned" value="true">\
            <input name="as-of"></form><form class="search" action="/search"><input name="q"></form>
            """
        let html = page.replacingForms(form)
        #expect(!html.contains("<form") && !html.contains("<input"))
        #expect(
            html.contains(
                "<li>solution: <a href=\"/graph\">all</a> · <strong><a href=\"/graph?solution=smart-lamppost\">"
            )
        )
        #expect(html.contains("<a href=\"/graph?solution=e-bus\">E-bus &amp; more</a>"))
        #expect(
            html.contains(
                "<li>planned edges: <a href=\"/graph\">all</a> · <a href=\"/graph?planned=true\">planned edges</a>"
            )
        )
        #expect(html.contains("<a href=\"/graph?as-of=2018-12-31\">2018</a>"))
        #expect(html.contains("<a href=\"/graph?planned=true\">now</a>"))
        #expect(html.contains("<a href=\"/a-z\">Index A–Z"))
    }

    @Test("the A–Z index lists every city, project and solution by name, Köln under K")
    func index() async throws {
        try await withServedStore { served in
            let page = try await served.text("/a-z")
            #expect(page.contains("<h2 id=\"letter-K\">K</h2>"))
            #expect(page.contains("<a href=\"/city/cologne\">Köln</a>"))
            #expect(page.contains("<a href=\"/solution/smart-lamppost\">Smart lamppost</a>"))
            #expect(page.contains("<a href=\"/project/triangulum\">"))
            let cities = try served.base.cityList().cities.count
            #expect(page.components(separatedBy: "<span class=\"kind\">city</span>").count - 1 == cities)
        }
    }
}
