import Projections

/// The read views the web view serves, each from its query parameters, as the typed answer the CLI prints.
///
/// Parameters are the CLI's options without the leading dashes; they are checked as the CLI checks them, and a
/// malformed one is a 400 that names it. Pages accept empty values (from their forms) as absent; the API does not.
struct Views {
    let base: KnowledgeBase
    let parameters: QueryParameters
    let cut: RequestCut
    let isPage: Bool

    static let cutNames: Set<String> = ["as-of", "until"]

    func value(_ name: String) throws(WebError) -> String? {
        try parameters.value(name, ignoringEmpty: isPage)
    }

    func slug(_ name: String, _ kind: String) throws(WebError) -> Slug? {
        guard let text = try value(name) else { return nil }
        guard let slug = Slug(rawValue: text) else {
            throw WebError(400, "parameter '\(name)': '\(text)' is not a \(kind) id (a slug such as leipzig)")
        }
        return slug
    }

    func choice<Value: Vocabulary>(_ name: String, _: Value.Type) throws(WebError) -> Value? {
        guard let text = try value(name) else { return nil }
        guard let choice = Value(rawValue: text) else {
            throw WebError(400, "parameter '\(name)': '\(text)' is not one of \(Value.allowedValues)")
        }
        return choice
    }

    func integer(_ name: String) throws(WebError) -> Int? {
        guard let text = try value(name) else { return nil }
        guard let number = Int(text) else { throw WebError(400, "parameter '\(name)': '\(text)' is not an integer") }
        return number
    }

    static func pathSlug(_ text: Substring, _ kind: String) throws(WebError) -> Slug {
        guard let slug = Slug(rawValue: String(text)) else {
            throw WebError(400, "'\(text)' is not a \(kind) id (a slug such as leipzig)")
        }
        return slug
    }

    /// Refuses, with a 404 naming it, a filter `name` that names an id not among `choices` (the entities registered
    /// at the cut): a page never answers an empty result for a mistyped id. The API answers as the CLI does.
    func checkKnown(_ name: String, in choices: [EntityChoices.Choice]) throws {
        guard let id = try slug(name, name), !choices.contains(where: { $0.id == id }) else { return }
        throw WebError(404, "\(name) '\(id.rawValue)' is not registered at this cut; choose one from the list")
    }

    static func pathPosition(_ text: Substring) throws(WebError) -> Position {
        guard let number = UInt64(text), number >= 1 else {
            throw WebError(400, "'\(text)' is not a position of the log (a number, 1 or more)")
        }
        return Position(number)
    }

    // MARK: The views

    static let graphNames: Set<String> = ["solution", "from-tier", "to-tier", "project", "planned"]

    func graphFilter() throws(WebError) -> GraphFilter {
        try GraphFilter(
            solution: slug("solution", "solution"),
            fromTier: choice("from-tier", Tier.self),
            toTier: choice("to-tier", Tier.self),
            project: slug("project", "project"),
            includesPlanned: parameters.flag("planned")
        )
    }

    func graph() throws -> ReplicationGraph {
        try base.graph(graphFilter(), at: cut.view)
    }

    static let spreadNames: Set<String> = ["area"]

    func spread() throws -> SpreadReport {
        try base.spread(area: choice("area", Area.self), at: cut.view)
    }

    static let kpiNames: Set<String> = ["project", "city"]

    func kpis() throws -> ImpactTotals {
        try base.impactTotals(project: slug("project", "project"), city: slug("city", "city"), at: cut.view)
    }

    func profile(_ kind: String, _ id: Substring) throws -> any JSONView {
        let slug = try Views.pathSlug(id, kind)
        switch kind {
        case "city": return try base.cityProfile(slug, at: cut.view)
        case "project": return try base.projectProfile(slug, at: cut.view)
        default: return try base.solutionProfile(slug, at: cut.view)
        }
    }

    static let obstacleNames: Set<String> = ["solution", "city", "project", "category", "open"]

    func obstacles() throws -> ObstacleReport {
        let filter = try ObstacleFilter(
            solution: slug("solution", "solution"),
            city: slug("city", "city"),
            project: slug("project", "project"),
            category: choice("category", ObstacleCategory.self),
            openOnly: parameters.flag("open")
        )
        return try base.obstacles(filter, at: cut.view)
    }

    static let yearNames: Set<String> = ["year"]

    func ccg(_ view: Substring) throws -> any JSONView {
        switch view {
        case "members": return try base.ccgMembers(at: cut.view)
        case "meetings": return try base.ccgMeetings(year: integer("year"), at: cut.view)
        default: return try base.ccgTravel(year: integer("year"), at: cut.view)
        }
    }

    static let eligibilityNames: Set<String> = ["city", "meeting", "amount"]

    func eligibility() throws -> Eligibility? {
        let city = try value("city")
        let meeting = try value("meeting")
        let amountText = try value("amount")
        guard let city, let meeting else {
            if isPage && city == nil && meeting == nil && amountText == nil { return nil }
            throw WebError(400, "parameters 'city' and 'meeting' are both needed")
        }
        var amount: JSONNumber?
        if let amountText {
            guard let number = try? JSONNumber(literal: amountText) else {
                throw WebError(400, "parameter 'amount': '\(amountText)' is not a number such as 450 or 120.5")
            }
            amount = number
        }
        return try base.eligibility(city: city, meeting: meeting, amount: amount, at: cut.view)
    }

    static let searchNames: Set<String> = ["q"]

    /// The search answer for `?q=`; a missing or empty query is a 400 on the API, nil on the page (which then shows
    /// only its form).
    func search() throws -> SearchResults? {
        let text = try parameters.value("q", ignoringEmpty: false) ?? ""
        guard !SearchFolding.needle(text).isEmpty else {
            if isPage { return nil }
            throw WebError(400, "parameter 'q': the search text is empty; give a name, an id or words of an obstacle")
        }
        return try base.search(text, at: cut.view)
    }

    static let nextNames: Set<String> = ["limit", "offset", "holders", "all"]

    /// The page of `next` the parameters ask for, as `sckb next` reads `--limit`, `--offset`, `--holders`, `--all`.
    func nextPage() throws(WebError) -> NextPage {
        func count(_ name: String, least: Int) throws(WebError) -> Int? {
            guard let text = try value(name) else { return nil }
            guard let number = Int(text), number >= least else {
                throw WebError(400, "parameter '\(name)': '\(text)' is not a count (\(least) or more)")
            }
            return number
        }
        let offset = try count("offset", least: 0) ?? 0
        if try parameters.flag("all") { return NextPage(offset: offset, limit: nil, holders: nil) }
        return NextPage(
            offset: offset,
            limit: try count("limit", least: 0) ?? NextPage.defaultLimit,
            holders: try count("holders", least: 3) ?? NextPage.defaultHolders
        )
    }

    static let logNames: Set<String> = ["type", "entity", "from", "limit"]

    func logFilter(defaultLimit: Int?) throws(WebError) -> LogFilter {
        var filter = LogFilter()
        filter.type = try choice("type", EventType.self)
        filter.entity = try slug("entity", "entity")
        if let text = try value("from") {
            guard let from = UInt64(text), from >= 1 else {
                throw WebError(400, "parameter 'from': '\(text)' is not a position (1 or more)")
            }
            filter.start(at: from)
        }
        if let text = try value("limit") {
            guard let limit = Int(text), limit >= 0 else {
                throw WebError(400, "parameter 'limit': '\(text)' is not a count (0 or more)")
            }
            filter.limit = limit
        } else {
            filter.limit = defaultLimit
        }
        filter.until = cut.view.until
        filter.asOf = cut.view.asOf
        return filter
    }

    func log(defaultLimit: Int? = nil) throws -> [LogEntry] {
        var entries: [LogEntry] = []
        try base.log(logFilter(defaultLimit: defaultLimit)) { entries.append($0) }
        return entries
    }

    func history(_ id: Substring) throws -> [LogEntry] {
        try base.history(of: Views.pathSlug(id, "entity"), until: cut.view.until, asOf: cut.view.asOf)
    }

    func statistics() throws -> LogStatistics {
        try base.statistics(until: cut.view.until, asOf: cut.view.asOf)
    }

    static let verifyNames: Set<String> = ["expect"]

    func verify() throws -> VerificationReport {
        var expected: [ExpectedHash] = []
        if let text = try value("expect") {
            guard let hash = ExpectedHash(parsing: text) else {
                throw WebError(400, "parameter 'expect': '\(text)' is not N:HASH (a position and 64 hex digits)")
            }
            expected.append(hash)
        }
        return try base.verify(expecting: expected) { _ in }
    }
}
