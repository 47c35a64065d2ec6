import Projections

/// The pages of cities, projects and solutions, the lists of cities and projects, and the CCG views: each built from
/// its typed answer, names shown and ids linked.
extension Pages {
    // MARK: Obstacles

    /// Obstacles as one table: what stood in the way, where, and the pathway that got it through.
    func obstacleTable(_ obstacles: [ObstacleEntry]) -> String {
        obstacleRows(obstacles).render(empty: "No obstacles recorded.")
    }

    /// One row per obstacle: its text linking to its page, category, what it names, when, and whether overcome.
    func obstacleRows(_ obstacles: [ObstacleEntry]) -> HTMLTable {
        var table = HTMLTable("obstacle", "category", "solution", "city", "project", "reported", "overcome")
        for entry in obstacles {
            table.append([
                .html(links.obstacle(entry.obstacle, entry.text)), .text(entry.category.rawValue),
                .html(links.solution(entry.solution, entry.solutionName)), .html(links.city(entry.city, entry.cityName)),
                .html(links.project(entry.project, entry.projectName)), .date(entry.at),
                entry.overcome.map { .date($0.at) } ?? .text("open"),
            ])
        }
        return table
    }

    func section(_ title: String, _ html: String) -> String {
        "<section><h2>\(HTML.escape(title))</h2>" + html + "</section>"
    }

    private func footer(_ page: inout Page, kind: String, id: Slug) throws {
        page.append(try entityProvenance(page, id))
        page.append("<p>" + page.link("/history/" + id.rawValue, "History of \(id.rawValue)") + "</p>")
        page.append(apiLink(page, "/api/\(kind)/\(id.rawValue)"))
    }

    // MARK: Profiles

    func profile(_ kind: String, _ id: Substring) throws -> Page {
        let slug = try Views.pathSlug(id, kind)
        switch kind {
        case "city": return try city(views.base.cityProfile(slug, at: cut.view))
        case "project": return try project(views.base.projectProfile(slug, at: cut.view))
        default: return try solution(views.base.solutionProfile(slug, at: cut.view))
        }
    }

    func city(_ profile: CityProfile) throws -> Page {
        var page = newPage("City: \(profile.name)")
        page.append(
            Links.facts([
                ("id", HTML.escape(profile.city.rawValue)), ("country", HTML.escape(profile.country)),
                ("tier", HTML.escape(profile.tier.rawValue) + " " + links.about("tier", "(?)")),
                ("registered", Format.timeElement(profile.registered)),
                ("position", links.position(profile.position?.rawValue)),
                (
                    "CCG member",
                    profile.ccg.isMember ? "yes, since " + (profile.ccg.since.map(Format.timeElement) ?? "?") : "no"
                ),
                ("contact held", profile.contact.isHeld ? "yes" : "no"),
            ])
        )
        var projects = HTMLTable("project", "role")
        for membership in profile.projects {
            projects.append([.html(links.project(membership.project, membership.projectName)), .text(membership.role.rawValue)])
        }
        page.append(section("Projects", projects.render()))
        var demonstrations = HTMLTable("demonstration", "solution", "project", "at")
        for item in profile.demonstrations {
            demonstrations.append([
                .html(links.demonstration(item.demonstration, "\(item.solutionName) in \(profile.name)")),
                .html(links.solution(item.solution, item.solutionName)),
                .html(links.project(item.project, item.projectName)), .date(item.at),
            ])
        }
        page.append(section("Demonstrations", demonstrations.render()))
        func replications(_ items: [CityProfile.Replication], _ other: String) -> String {
            var table = HTMLTable("solution", other, "at", "position", "funding", "project")
            for item in items {
                table.append([
                    .html(links.solution(item.solution, item.solutionName)),
                    .html(
                        links.origin(city: item.city, cityName: item.cityName, project: item.project, projectName: item.projectName)
                    ),
                    .date(item.at), .html(links.replication(item.position.rawValue), number: item.position.rawValue),
                    .text(item.funding?.rawValue),
                    .html(links.project(item.project, item.projectName)),
                ])
            }
            return table.render()
        }
        page.append(section("Replications in", replications(profile.replicationsIn, "from")))
        page.append(section("Replications out", replications(profile.replicationsOut, "to")))
        var plans = HTMLTable("solution", "city", "from", "project", "at", "position")
        for plan in profile.openPlans {
            plans.append([
                .html(links.solution(plan.solution, plan.solutionName)), .html(links.city(plan.city, plan.cityName)),
                .html(links.origin(city: plan.from, cityName: plan.fromName, project: plan.project, projectName: plan.projectName)),
                .html(links.project(plan.project, plan.projectName)), .date(plan.at),
                .html(links.replication(plan.position.rawValue), number: plan.position.rawValue),
            ])
        }
        page.append(section("Open plans", plans.render()))
        var travel = HTMLTable("meeting", "amount (EUR)", "year", "position")
        for contribution in profile.ccg.travel {
            travel.append([
                .html(links.history(contribution.meeting)), .number(contribution.amountEUR.canonicalText),
                .year(contribution.year), .html(links.position(contribution.position?.rawValue)),
            ])
        }
        let meetings = profile.ccg.meetingsAttended.map { links.history($0) }.joined(separator: ", ")
        page.append(
            section(
                "City Coordinators Group",
                "<p>Meetings attended: " + (meetings.isEmpty ? "none" : meetings) + "</p>" + travel.render(empty: "No travel contributions.")
            )
        )
        var grants = HTMLTable("grant", "programme", "solution", "amount (EUR)")
        for grant in profile.grants {
            grants.append([
                .html(links.history(grant.grant)), .text(grant.programme?.rawValue),
                .html(links.solution(grant.solution, grant.solutionName)), .number(grant.amountEUR?.canonicalText),
            ])
        }
        page.append(section("Grants", grants.render()))
        page.append(section("Obstacles", obstacleTable(profile.obstacles)))
        page.append("<p>" + page.link("/next/" + profile.city.rawValue, "What \(profile.name) could take up next") + "</p>")
        try footer(&page, kind: "city", id: profile.city)
        return page
    }

    func project(_ profile: ProjectProfile) throws -> Page {
        var page = newPage("Project: \(profile.name)")
        page.append(
            Links.facts([
                ("id", HTML.escape(profile.project.rawValue)), ("call", profile.call.map(HTML.escape) ?? Links.none),
                ("start", profile.start.map(Format.timeElement) ?? Links.none),
                ("end", profile.end.map(Format.timeElement) ?? Links.none),
                ("ended", profile.isEnded ? "yes, " + (profile.endedAt.map(Format.timeElement) ?? "") : "no"),
                ("registered", Format.timeElement(profile.registered)),
                ("position", links.position(profile.position?.rawValue)),
                ("lighthouse cities", String(profile.lighthouseCities)), ("fellow cities", String(profile.fellowCities)),
            ])
        )
        var cities = HTMLTable("city", "country", "role")
        for member in profile.cities {
            cities.append([.html(links.city(member.city, member.name)), .text(member.country), .text(member.role.rawValue)])
        }
        page.append(section("Cities", cities.render()))
        var demonstrations = HTMLTable("demonstration", "solution", "city", "at")
        for item in profile.demonstrations {
            demonstrations.append([
                .html(links.demonstration(item.demonstration, "\(item.solutionName) in \(item.cityName)")),
                .html(links.solution(item.solution, item.solutionName)),
                .html(links.city(item.city, item.cityName)), .date(item.at),
            ])
        }
        page.append(section("Demonstrations", demonstrations.render()))
        page.append(section("Impact", kpiTable(profile.impact)))
        page.append(section("Obstacles", obstacleTable(profile.obstacles)))
        try footer(&page, kind: "project", id: profile.project)
        return page
    }

    func solution(_ profile: SolutionProfile) throws -> Page {
        var page = newPage("Solution: \(profile.name)")
        page.append(
            Links.facts([
                ("id", HTML.escape(profile.solution.rawValue)), ("area", HTML.escape(profile.area?.label ?? "")),
                ("registered", Format.timeElement(profile.registered)),
                ("position", links.position(profile.position?.rawValue)),
                ("reach", Format.count(profile.reach) + " " + links.about("reach", "(?)")),
                (
                    "lighthouse \u{2192} fellow",
                    Format.count(profile.lighthouseToFellow) + " " + links.about("lighthouse-to-fellow", "(?)")
                ),
            ])
        )
        var demonstrations = HTMLTable("demonstration", "city", "project", "at")
        for item in profile.demonstrations {
            demonstrations.append([
                .html(links.demonstration(item.demonstration, "\(profile.name) in \(item.cityName)")),
                .html(links.city(item.city, item.cityName)),
                .html(links.project(item.project, item.projectName)), .date(item.at),
            ])
        }
        page.append(section("Demonstrations", demonstrations.render()))
        var replications = HTMLTable("city", "from", "project", "at", "position", "funding")
        for item in profile.replications {
            replications.append([
                .html(links.city(item.city, item.cityName)),
                .html(links.origin(city: item.from, cityName: item.fromName, project: item.project, projectName: item.projectName)),
                .html(links.project(item.project, item.projectName)), .date(item.at),
                .html(links.replication(item.position.rawValue), number: item.position.rawValue),
                .text(item.funding?.rawValue),
            ])
        }
        page.append(section("Replications", replications.render()))
        var plans = HTMLTable("city", "from", "project", "at", "position", "status", "closed by")
        for item in profile.plans {
            plans.append([
                .html(links.city(item.city, item.cityName)),
                .html(links.origin(city: item.from, cityName: item.fromName, project: item.project, projectName: item.projectName)),
                .html(links.project(item.project, item.projectName)), .date(item.at),
                .html(links.replication(item.position.rawValue), number: item.position.rawValue),
                .text(item.status?.rawValue), .html(links.replication(item.closedBy?.rawValue)),
            ])
        }
        page.append(section("Plans", plans.render()))
        page.append(section("Obstacles", obstacleTable(profile.obstacles)))
        try footer(&page, kind: "solution", id: profile.solution)
        return page
    }

    // MARK: Lists

    func list(_ kind: String) throws -> Page {
        var page = newPage(kind == "cities" ? "Cities" : "Projects", keeping: ["sort", "order"])
        let view = try TableView(views.parameters)
        if kind == "cities" {
            page.append("<p>Every city with its " + links.about("tier", "tier") + " and its part in each project.</p>")
            var table = HTMLTable("city", "country", "tier", "projects")
            for entry in try views.base.cityList(at: cut.view).cities {
                let projects = entry.projects.map { links.project($0.project, $0.projectName) + " (\($0.role.rawValue))" }
                table.append([
                    .html(links.city(entry.city, entry.name)), .text(entry.country), .text(entry.tier.rawValue),
                    .html(projects.isEmpty ? Links.none : projects.joined(separator: ", ")),
                ])
            }
            page.append(try table.render(view, on: page, empty: "No cities at this cut."))
        } else {
            var table = HTMLTable("project", "start", "end", "ended", "lighthouse cities", "fellow cities")
            for entry in try views.base.projectList(at: cut.view).projects {
                table.append([
                    .html(links.project(entry.project, entry.name)), .date(entry.start), .date(entry.end),
                    .text(entry.isEnded ? "yes" : "no"), .count(entry.lighthouseCities), .count(entry.fellowCities),
                ])
            }
            page.append(try table.render(view, on: page, empty: "No projects at this cut."))
        }
        page.append(apiLink(page, "/api/\(kind)"))
        return page
    }

    // MARK: Next

    func next(_ id: Substring) throws -> Page {
        let asked = try views.nextPage()
        let next = try views.base.nextSteps(for: Views.pathSlug(id, "city"), at: cut.view, page: asked)
        var page = newPage("What \(next.name) could take up next", keeping: ["limit", "offset", "holders", "all"])
        page.append("<p>Solutions other cities hold and \(HTML.escape(next.name)) does not, best first: more reasons")
        page.append(" first, then more adoptions by replication, then more reach. Each reason cites its events.</p>")
        var navigation: [String] = []
        if next.candidates.count < next.total, let first = next.candidates.first {
            let last = first.rank + next.candidates.count - 1
            page.append("<p>Candidates \(first.rank) to \(last) of \(next.total).</p>")
        }
        let kept = page.kept.filter { $0.0 != "offset" }
        if let limit = asked.limit, asked.offset > 0 {
            let previous = String(max(0, asked.offset - limit))
            navigation.append(page.link(page.path, "← better ranked", kept + [("offset", previous)]))
        }
        if let limit = asked.limit, asked.offset + limit < next.total {
            let following = String(asked.offset + limit)
            navigation.append(page.link(page.path, "next ranked →", kept + [("offset", following)]))
        }
        let reasonText: [NextSteps.ReasonKind: String] = [
            .ownProject: "a lighthouse city of its project has it", .openPlan: "it plans it",
            .adoptedElsewhere: "it travelled: cities took it over", .sameCountry: "cities of its country have it",
        ]
        for candidate in next.candidates {
            let names = Dictionary(candidate.holders.map { ($0.city, $0.name) }, uniquingKeysWith: { first, _ in first })
            page.append("<section><h2>\(candidate.rank). " + links.solution(candidate.solution, candidate.name) + "</h2>")
            page.append("<p>\(candidate.adoptions) adoption(s) by replication, reach \(candidate.reach).</p><ul>")
            for reason in candidate.reasons {
                let more = reason.citiesTotal - reason.cities.count
                let cities = reason.cities.map { links.city($0, names[$0] ?? next.name) }.joined(separator: ", ")
                    + (more > 0 ? " and \(more) more" : "")
                // Replications and plans have pages of their own; other holding events are shown in the log.
                let isEdge = reason.reason == .adoptedElsewhere || reason.reason == .openPlan
                let positions = reason.positions.map {
                    isEdge ? links.replication($0.rawValue) : links.position($0.rawValue)
                }.joined(separator: ", ")
                page.append("<li>\(HTML.escape(reasonText[reason.reason] ?? reason.reason.rawValue)): \(cities)")
                page.append(" (events \(positions))</li>")
            }
            page.append("</ul>")
            if !candidate.ask.isEmpty {
                page.append("<p>Ask first: " + candidate.ask.map { links.city($0, names[$0]) }.joined(separator: ", ") + "</p>")
            }
            if !candidate.obstacles.isEmpty {
                page.append("<p>Obstacles met elsewhere: ")
                page.append(
                    candidate.obstacles.map {
                        links.obstacle($0.obstacle, nil) + " (" + HTML.escape($0.category.rawValue) + ", "
                            + ($0.how == nil ? "open" : "overcome") + ")"
                    }.joined(separator: "; ") + "</p>"
                )
            }
            page.append("</section>")
        }
        if next.total == 0 { page.append("<p>No solution held elsewhere at this cut.</p>") }
        if !navigation.isEmpty { page.append("<p class=\"pages\">" + navigation.joined(separator: " · ") + "</p>") }
        page.append(apiLink(page, "/api/next/\(next.city.rawValue)"))
        return page
    }

    // MARK: Gaps

    func gaps() throws -> Page {
        var page = newPage("What the record does not know yet")
        let gaps = try views.base.gaps(at: cut.view)
        page.append("<p>A to-do list for data set cleaning, as of \(HTML.escape(gaps.date.description)).</p>")
        func list(_ title: String, _ items: [String]) {
            page.append("<section><h2>\(HTML.escape(title)) (\(items.count))</h2>")
            page.append(items.isEmpty ? "<p>None.</p>" : "<p>" + items.joined(separator: ", ") + "</p>")
            page.append("</section>")
        }
        let choices = try views.base.choices(at: cut.view)
        func city(_ id: Slug) -> String { links.city(id, EntityChoices.name(of: id, in: choices.cities)) }
        func project(_ id: Slug) -> String { links.project(id, EntityChoices.name(of: id, in: choices.projects)) }
        list("Projects without replications or plans", gaps.projectsWithoutReplications.map(project))
        list("Fellow cities without plans or replications", gaps.fellowCitiesWithoutPlans.map(city))
        list(
            "Demonstrations without impact reports",
            gaps.demonstrationsWithoutImpacts.map { links.demonstration($0, nil) }
        )
        list("Open obstacles", gaps.openObstacles.map { links.obstacle($0, nil) })
        list("Cities without a location", gaps.citiesWithoutLocation.map(city))
        list("Projects past their end date, not ended", gaps.projectsPastEndNotEnded.map(project))
        var sources = HTMLTable("type", "events without a source")
        for (type, count) in gaps.eventsWithoutSource.sorted(by: { $0.key < $1.key }) {
            sources.append([.text(type.rawValue), .count(count)])
        }
        page.append("<section><h2>Events without a source</h2>" + sources.render(empty: "Every event names its source.") + "</section>")
        page.append(apiLink(page, "/api/gaps"))
        return page
    }

    // MARK: Search

    func search() throws -> Page {
        var page = newPage("Search", keeping: ["q"])
        let text = views.parameters["q"] ?? ""
        page.append("<form class=\"options\" method=\"get\" action=\"/search\" role=\"search\">")
        page.append("<label>Find <input type=\"search\" name=\"q\" value=\"\(HTML.escape(text))\" size=\"30\"")
        page.append(" placeholder=\"a city, project, solution or obstacle\"></label>")
        page.append(hiddenCut() + "<button type=\"submit\">Search</button></form>")
        page.append("<p>Matching ignores case and accents: koln finds Köln, lamppost finds Smart lamppost.</p>")
        guard let found = try views.search() else { return page }
        guard !found.results.isEmpty else {
            page.append("<p id=\"results\">Nothing matches \u{201C}\(HTML.escape(text))\u{201D} at this cut.</p>")
            return page
        }
        let titles: [SearchResults.Kind: String] = [
            .city: "Cities", .project: "Projects", .solution: "Solutions", .demonstration: "Demonstrations",
            .obstacle: "Obstacles",
        ]
        page.append("<p id=\"results\">\(found.results.count) found for \u{201C}\(HTML.escape(text))\u{201D}.</p>")
        for kind in SearchResults.Kind.allCases {
            let results = found.results.filter { $0.kind == kind }
            guard !results.isEmpty else { continue }
            page.append("<section><h2>\(titles[kind] ?? kind.rawValue) (\(results.count))</h2><ul class=\"results\">")
            for result in results {
                let link: String
                switch kind {
                case .city: link = links.city(result.id, result.name)
                case .project: link = links.project(result.id, result.name)
                case .solution: link = links.solution(result.id, result.name)
                case .demonstration: link = links.demonstration(result.id, result.name)
                case .obstacle: link = links.obstacle(result.id, result.name)
                }
                let matched = result.field == .name || result.field == .text ? "" : " (id " + HTML.escape(result.id.rawValue) + ")"
                page.append("<li>" + link + matched + "</li>")
            }
            page.append("</ul></section>")
        }
        page.append(apiLink(page, "/api/search"))
        return page
    }

    // MARK: CCG

    func ccg(_ view: Substring) throws -> Page {
        let titles: [Substring: String] = [
            "members": "CCG members", "meetings": "CCG meetings", "travel": "CCG travel contributions",
        ]
        var page = newPage(titles[view] ?? "CCG", keeping: ["year", "sort", "order"])
        let tableView = try TableView(views.parameters)
        if view != "members" {
            page.append("<form class=\"options\" method=\"get\" action=\"/ccg/\(view)\">")
            page.append(textField("year", "year", try views.integer("year").map(String.init)))
            page.append(hiddenCut() + "<button type=\"submit\">Show</button></form>")
        }
        switch view {
        case "members":
            var table = HTMLTable("city", "country", "since", "position", "meetings attended")
            for member in try views.base.ccgMembers(at: cut.view).members {
                table.append([
                    .html(links.city(member.city, member.name)), .text(member.country), .date(member.since),
                    .html(links.position(member.position?.rawValue), number: member.position?.rawValue),
                    .count(member.meetingsAttended),
                ])
            }
            page.append(try table.render(tableView, on: page, empty: "No members at this cut."))
        case "meetings":
            var table = HTMLTable("meeting", "kind", "format", "on", "place", "attendees")
            for meeting in try views.base.ccgMeetings(year: views.integer("year"), at: cut.view).meetings {
                let attendees = meeting.attendees.map { links.city($0.city, $0.name) }
                table.append([
                    .html(links.history(meeting.meeting)), .text(meeting.kind?.rawValue), .text(meeting.format?.rawValue),
                    .date(meeting.on), .text(meeting.place),
                    .html(attendees.isEmpty ? Links.none : attendees.joined(separator: ", ")),
                ])
            }
            page.append(try table.render(tableView, on: page, empty: "No meetings at this cut."))
        default:
            let travel = try views.base.ccgTravel(year: views.integer("year"), at: cut.view)
            var contributions = HTMLTable("city", "meeting", "amount (EUR)", "year", "at", "position")
            for item in travel.contributions {
                contributions.append([
                    .html(links.city(item.city, item.cityName)), .html(links.history(item.meeting)),
                    .number(item.amountEUR?.canonicalText), .year(item.year), .date(item.at),
                    .html(links.position(item.position?.rawValue), number: item.position?.rawValue),
                ])
            }
            page.append(
                section(
                    "Contributions",
                    try contributions.render(tableView, on: page, empty: "No contributions at this cut.")
                )
            )
            var totals = HTMLTable("city", "year", "trips", "total (EUR)")
            for item in travel.totals {
                totals.append([
                    .html(links.city(item.city, item.cityName)), .year(item.year),
                    .number(item.trips?.canonicalText), .number(item.totalEUR?.canonicalText),
                ])
            }
            page.append(section("Totals per city and year", totals.render()))
        }
        page.append("<p>Contacts (personal data) are not shown here.</p>")
        page.append(apiLink(page, "/api/ccg/\(view)"))
        return page
    }
}
