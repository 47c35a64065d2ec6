import Projections

/// The A–Z index: every thing the record names, by name, each a link; what a published site offers instead of search.
extension Pages {
    func entityIndex() throws -> Page {
        var page = newPage("Index A–Z")
        let index = try views.base.entityIndex(at: cut.view)
        let kinds: [SearchResults.Kind: String] = [
            .city: "city", .project: "project", .solution: "solution", .demonstration: "demonstration",
            .obstacle: "obstacle",
        ]
        var groups: [(letter: String, entries: [EntityIndex.Entry])] = []
        for entry in index.entries {
            let first = SearchFolding.fold(entry.name).first.map(String.init)?.uppercased() ?? "?"
            let letter = first >= "A" && first <= "Z" ? first : "#"
            if groups.last?.letter == letter {
                groups[groups.count - 1].entries.append(entry)
            } else {
                groups.append((letter, [entry]))
            }
        }
        page.append("<p>Every city, project, solution, demonstration and obstacle of the record, by name")
        page.append(" (\(index.entries.count) in all). Obstacles are listed by their text.</p>")
        page.append(
            "<p class=\"letters\">"
                + groups.map { "<a href=\"#letter-\($0.letter)\">\(HTML.escape($0.letter))</a>" }
                .joined(separator: " ") + "</p>"
        )
        for group in groups {
            page.append("<section><h2 id=\"letter-\(group.letter)\">\(HTML.escape(group.letter))</h2><ul>")
            for entry in group.entries {
                let link: String
                switch entry.kind {
                case .city: link = links.city(entry.id, entry.name)
                case .project: link = links.project(entry.id, entry.name)
                case .solution: link = links.solution(entry.id, entry.name)
                case .demonstration, .obstacle:
                    link = HTML.link(Page.href("/history/" + entry.id.rawValue, cut: cut), entry.name)
                }
                page.append("<li>" + link + " <span class=\"kind\">\(kinds[entry.kind] ?? "")</span></li>")
            }
            page.append("</ul></section>")
        }
        return page
    }
}
