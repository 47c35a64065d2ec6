import Projections

/// The pages of demonstrations, obstacles and replications, and the events every page of a thing rests on.
extension Pages {
    // MARK: Provenance

    /// The events a page rests on: position, type, when it happened and was recorded, who recorded it, and its source
    /// as a link; `more` (HTML) follows when the list is cut short.
    func provenance(_ events: [EventReference], more: String? = nil) -> String {
        var table = HTMLTable("position", "event", "at", "recorded", "actor", "source", "retracted by")
        for event in events {
            table.append([
                .html(links.position(event.position.rawValue), number: event.position.rawValue),
                .text(event.type.rawValue), .date(event.at), .date(event.recorded), .text(event.actor?.rawValue),
                .html(links.source(event.source)), .html(links.position(event.retractedBy?.rawValue)),
            ])
        }
        return "<section id=\"provenance\"><h2>The events this rests on</h2><p>Each fact above comes from these events "
            + "of the log (" + links.about("position", "position") + ", "
            + links.about("valid-time", "when it happened")
            + ", " + links.about("recorded", "when it was recorded") + ").</p>" + table.render(empty: "No events.")
            + (more ?? "") + "</section>"
    }

    /// The provenance section of the page of `entity`: the first events naming it, and a link to all of them.
    func entityProvenance(_ page: Page, _ entity: Slug) throws -> String {
        let found = try views.base.provenance(of: entity, at: cut.view)
        let more =
            found.hasMore
            ? "<p>" + page.link("/history/" + entity.rawValue, "Every event naming \(entity.rawValue)") + "</p>" : nil
        return provenance(found.events, more: more)
    }

    // MARK: Demonstration

    func demonstration(_ id: Substring) throws -> Page {
        let detail = try views.base.demonstration(Views.pathSlug(id, "demonstration"), at: cut.view)
        var page = newPage("Demonstration: \(detail.name)")
        page.append(
            Links.facts([
                ("solution", links.solution(detail.solution, detail.solutionName)),
                ("city", links.city(detail.city, detail.cityName)),
                ("project", links.project(detail.project, detail.projectName)),
                ("reported", Format.timeElement(detail.at)),
                ("id", "<code>" + HTML.escape(detail.demonstration.rawValue) + "</code>"),
            ])
        )
        var impacts = HTMLTable("indicator", "value", "reported", "position", "counts")
        for impact in detail.impacts {
            impacts.append([
                .text(impact.kpi.title), .number(impact.value.canonicalText), .date(impact.at),
                .html(links.position(impact.position.rawValue), number: impact.position.rawValue),
                .text(impact.isCurrent ? "yes" : "no: a later report replaces it"),
            ])
        }
        page.append(section("Impact reported", impacts.render(empty: "No impact reported for it yet.")))
        page.append(provenance(detail.events))
        page.append(apiLink(page, "/api/demonstration/\(detail.demonstration.rawValue)"))
        return page
    }

    // MARK: Obstacle

    func obstacle(_ id: Substring) throws -> Page {
        let detail = try views.base.obstacle(Views.pathSlug(id, "obstacle"), at: cut.view)
        let entry = detail.entry
        var page = newPage("Obstacle: \(entry.category.rawValue)")
        page.append("<blockquote class=\"obstacle\">\(HTML.escape(entry.text))</blockquote>")
        page.append(
            Links.facts([
                ("category", HTML.escape(entry.category.rawValue) + " " + links.about("obstacle-categories", "(?)")),
                ("solution", links.solution(entry.solution, entry.solutionName)),
                ("city", links.city(entry.city, entry.cityName)),
                ("project", links.project(entry.project, entry.projectName)),
                ("reported", Format.timeElement(entry.at)),
                (
                    "overcome",
                    entry.overcome.map { "yes, " + Format.timeElement($0.at) }
                        ?? "not yet: it is open at this cut"
                ),
                ("id", "<code>" + HTML.escape(entry.obstacle.rawValue) + "</code>"),
            ])
        )
        if let overcome = entry.overcome {
            page.append(section("How it was overcome", "<blockquote>\(HTML.escape(overcome.how))</blockquote>"))
        }
        page.append(provenance(detail.events))
        page.append(apiLink(page, "/api/obstacle/\(entry.obstacle.rawValue)"))
        return page
    }

    // MARK: Replication

    func replication(_ text: Substring) throws -> Page {
        let detail = try views.base.replication(at: Views.pathPosition(text), at: cut.view)
        let title = detail.kind == .replication ? "Replication" : "Replication plan"
        var page = newPage("\(title): \(detail.solutionName) to \(detail.cityName)")
        let origin = links.origin(
            city: detail.from,
            cityName: detail.fromName,
            project: detail.from == nil ? detail.project : nil,
            projectName: detail.projectName
        )
        var facts: [(String, String)] = [
            ("solution", links.solution(detail.solution, detail.solutionName)),
            ("from", origin + (detail.from == nil ? " " + links.about("origin", "(?)") : "")),
            ("to", links.city(detail.city, detail.cityName)),
            ("project", links.project(detail.project, detail.projectName)),
            (detail.kind == .replication ? "replicated" : "planned", Format.timeElement(detail.at)),
        ]
        if detail.kind == .replication {
            facts.append(("funding", detail.funding.map { HTML.escape($0.rawValue) } ?? "not given"))
        }
        facts.append(("status", replicationStatus(detail)))
        if detail.kind == .replication {
            let plans = detail.closes.map {
                links.replication($0.position.rawValue, "plan at position \($0.position)") + " (\($0.status.rawValue))"
            }
            facts.append(("plans it closed", plans.isEmpty ? "none" : plans.joined(separator: ", ")))
        }
        facts.append(("source", links.source(detail.source)))
        facts.append(("position", links.position(detail.position.rawValue) + " " + links.about("position", "(?)")))
        page.append(Links.facts(facts))
        page.append(provenance(detail.events))
        page.append(apiLink(page, "/api/replication/\(detail.position.rawValue)"))
        return page
    }

    private func replicationStatus(_ detail: ReplicationDetail) -> String {
        switch detail.status {
        case ReplicationDetail.Status.done: return "done: the city has taken the solution over"
        case .open: return "open: planned, not yet replicated"
        case .fulfilled:
            return "fulfilled by "
                + links.replication(
                    detail.closedBy?.rawValue,
                    "the replication at position "
                        + (detail.closedBy.map { String($0.rawValue) } ?? "?")
                )
        case .closed:
            return "closed by " + links.replication(detail.closedBy?.rawValue, "a replication from another origin")
        case .retracted:
            return "retracted by the event at position " + links.position(detail.retractedBy?.rawValue)
                + ": it counts nowhere"
        }
    }
}

extension Pages {
    /// The page for a thing the record holds now but not at this cut: when it was registered (or recorded), after
    /// the cut, and a link to the record now; nil when the record does not know it now either.
    func notYet(_ missing: NotFound, _ segments: [Substring]) throws -> Page? {
        guard segments.count == 2 else { return nil }
        let first: EventReference
        var name = String(segments[1])
        if segments[0] == "replication" {
            guard let number = UInt64(segments[1]), number >= 1,
                let found = try? views.base.replication(at: Position(number)),
                let event = found.events.first(where: { $0.position == found.position })
            else { return nil }
            first = event
            name = "\(found.solutionName) to \(found.cityName)"
        } else {
            // The first event naming the id must be the one that makes it a thing of the page's kind.
            let kinds: [Substring: EventType] = [
                "city": .cityRegistered, "project": .projectRegistered, "solution": .solutionCatalogued,
                "demonstration": .demonstrationReported, "obstacle": .obstacleReported, "next": .cityRegistered,
            ]
            guard let id = Slug(rawValue: String(segments[1])),
                let event = try views.base.provenance(of: id, limit: 1).events.first,
                kinds[segments[0]].map({ $0 == event.type }) ?? true
            else { return nil }
            first = event
            let choices = try views.base.choices()
            let known = choices.cities + choices.projects + choices.solutions
            name = EntityChoices.name(of: id, in: known) ?? name
        }
        var page = newPage("\(name): not yet in the record at this cut")
        page.status = 404
        let afterValidTime = cut.view.asOf.map { cut in ValidTime(parsing: first.at).map { !cut.includes($0) } ?? false
        }
        let when: String
        if afterValidTime == true {
            let verbs: [EventType: String] = [
                .cityRegistered: "registered", .projectRegistered: "registered", .solutionCatalogued: "catalogued",
                .demonstrationReported: "reported", .obstacleReported: "reported",
                .solutionReplicated: "replicated", .replicationPlanned: "planned",
            ]
            when = "was \(verbs[first.type] ?? "first named") on " + Format.timeElement(first.at)
        } else {
            when =
                "was recorded on " + Format.timeElement(first.recorded) + " (position "
                + links.position(first.position.rawValue) + ")"
        }
        page.append("<p class=\"notice\" id=\"not-yet\">\(HTML.escape(name)) \(when), after this cut.</p>")
        page.append("<p>" + HTML.link(Page.href(path, cut: .now), "See it in the record now") + "</p>")
        return page
    }
}
