import Projections

/// The web view's routes: HTML pages and `/api/…`, answered from a store opened for reading only.
///
/// `respond` is synchronous and knows nothing of HTTP servers; ``WebServer`` adapts it to Hummingbird. Every query
/// reads the store anew, so a write by another process shows on the next request.
public final class Site: Sendable {
    /// The knowledge base, opened for reading only.
    public let base: KnowledgeBase
    /// The report of `verify` for the head, made once per head.
    let verification = VerificationCache()
    /// The key that signs checkpoints and proofs (`serve --key`); without one their routes are 404.
    let signer: NoteSigner?

    /// Serves `base`, signing checkpoints and proofs with `signer` when given.
    public init(base: KnowledgeBase, signer: NoteSigner? = nil) {
        self.base = base
        self.signer = signer
    }

    /// The log's head position now (0 for an empty log): the key under which answers are kept.
    public func headPosition() throws -> UInt64 {
        try base.head()?.position.rawValue ?? 0
    }

    /// The version of the log that decides the answer to a request with `query`, given the log's `head` (larger is
    /// newer): for `until=N`, min(N, head) (positions up to N never change: the log is append-only); else the head,
    /// and whether the head's verification is done, so that the overview, which shows it, is made again once it is.
    public func effectiveHead(query: String?, head: UInt64) -> UInt64 {
        guard let parameters = try? QueryParameters(query: query), let until = parameters["until"],
            let position = UInt64(until)
        else { return head << 1 | (verification.isVerified(head: head) ? 1 : 0) }
        return min(position, head) << 1
    }

    /// The answer to `method` on `path` with the raw `query` (the part after `?`).
    public func respond(method: String, path: String, query: String?) -> WebResponse {
        let isAPI = path == "/api" || path.hasPrefix("/api/")
        guard method == "GET" || method == "HEAD" else {
            return failure(
                WebError(405, "method \(method) is not allowed; this view is read-only (GET and HEAD)"),
                isAPI
            )
        }
        do {
            let parameters = try QueryParameters(query: query)
            if path == "/style.css" {
                try parameters.check(allowed: [])
                return WebResponse(
                    status: 200,
                    contentType: "text/css; charset=utf-8",
                    body: Array(Stylesheet.text.utf8)
                )
            }
            let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            guard path.hasPrefix("/"), !segments.contains(where: \.isEmpty) || path == "/" else {
                throw WebError(404, "there is no page at \(path)")
            }
            if isAPI, let answer = try trustAPI(Array(segments.dropFirst()), parameters, path: path) { return answer }
            if isAPI { return try api(Array(segments.dropFirst()), parameters, path: path) }
            return try page(path == "/" ? [] : Array(segments), parameters, path: path)
        } catch {
            return failure(error, isAPI)
        }
    }

    // MARK: The API

    private func api(_ segments: [Substring], _ parameters: QueryParameters, path: String) throws -> WebResponse {
        let cut = try RequestCut(parameters, ignoringEmpty: false)
        let views = Views(base: base, parameters: parameters, cut: cut, isPage: false)
        func allow(_ names: Set<String>, cut allowsCut: Bool = true) throws(WebError) {
            try parameters.check(allowed: names.union(allowsCut ? Views.cutNames : []).union(["format"]))
        }
        let format = try parameters.value("format", ignoringEmpty: false) ?? "json"
        guard format == "json" || format == "csv" else {
            throw WebError(400, "parameter 'format': '\(format)' is not json or csv")
        }
        let value: any JSONView
        var isCacheable = true
        switch (segments.first, segments.count) {
        case ("graph", 1):
            try allow(Views.graphNames)
            value = try views.graph()
        case ("spread", 1):
            try allow(Views.spreadNames)
            value = try views.spread()
        case ("kpis", 1):
            try allow(Views.kpiNames)
            value = try views.kpis()
        case ("obstacles", 1):
            try allow(Views.obstacleNames)
            value = try views.obstacles()
        case ("city", 2), ("project", 2), ("solution", 2):
            try allow([])
            value = try views.profile(String(segments[0]), segments[1])
        case ("demonstration", 2):
            try allow([])
            value = try base.demonstration(Views.pathSlug(segments[1], "demonstration"), at: cut.view)
        case ("obstacle", 2):
            try allow([])
            value = try base.obstacle(Views.pathSlug(segments[1], "obstacle"), at: cut.view)
        case ("replication", 2):
            try allow([])
            value = try base.replication(at: Views.pathPosition(segments[1]), at: cut.view)
        case ("projects", 1):
            try allow([])
            value = try base.projectList(at: cut.view)
        case ("cities", 1):
            try allow([])
            value = try base.cityList(at: cut.view)
        case ("ccg", 2) where segments[1] == "members":
            try allow([])
            value = try views.ccg(segments[1])
        case ("ccg", 2) where segments[1] == "meetings" || segments[1] == "travel":
            try allow(Views.yearNames)
            value = try views.ccg(segments[1])
        case ("ccg", 2) where segments[1] == "eligibility":
            try allow(Views.eligibilityNames)
            guard let answer = try views.eligibility() else {
                throw WebError(400, "parameters 'city' and 'meeting' are both needed")
            }
            value = answer
        case ("gaps", 1):
            try allow([])
            value = try base.gaps(at: cut.view)
        case ("next", 2):
            try allow(Views.nextNames)
            value = try base.nextSteps(for: Views.pathSlug(segments[1], "city"), at: cut.view, page: views.nextPage())
        case ("search", 1):
            try allow(Views.searchNames)
            guard let found = try views.search() else {
                throw WebError(400, "parameter 'q': the search text is empty")
            }
            value = found
        case ("log", 1):
            try allow(Views.logNames)
            value = try EventListing(views.log())
        case ("history", 2):
            try allow([])
            value = try EventListing(views.history(segments[1]))
        case ("stats", 1):
            try allow([])
            value = try views.statistics()
            isCacheable = false
        case ("verify", 1):
            try allow(Views.verifyNames, cut: false)
            value = try views.verify()
            isCacheable = false
        default:
            throw WebError(404, "there is no API route at \(path)")
        }
        if format == "csv" {
            guard let table = value as? any CSVView else {
                throw WebError(
                    400,
                    "parameter 'format': csv is for tables (graph, spread, cities, projects, obstacles, kpis, ccg"
                        + " members|meetings|travel, log, history, search)"
                )
            }
            return WebResponse(status: 200, contentType: WebResponse.csvType, body: table.csv, isCacheable: isCacheable)
        }
        return WebResponse(
            status: 200,
            contentType: WebResponse.jsonType,
            body: value.jsonLine,
            isCacheable: isCacheable
        )
    }

    // MARK: Pages

    private func page(_ segments: [Substring], _ parameters: QueryParameters, path: String) throws -> WebResponse {
        let cut = try RequestCut(parameters, ignoringEmpty: true)
        let views = Views(base: base, parameters: parameters, cut: cut, isPage: true)
        let pages = Pages(views: views, path: path, verification: verification)
        var page: Page
        do {
            page = try route(segments, parameters, path: path, pages: pages)
        } catch let missing as NotFound where !cut.view.isNow {
            guard let notYet = try pages.notYet(missing, segments) else { throw missing }
            page = notYet
        }
        return WebResponse(
            status: page.status,
            contentType: WebResponse.htmlType,
            body: Array(page.render().utf8)
        )
    }

    private func route(
        _ segments: [Substring],
        _ parameters: QueryParameters,
        path: String,
        pages: Pages
    ) throws -> Page {
        func allow(_ names: Set<String>) throws(WebError) {
            try parameters.check(allowed: names.union(Views.cutNames))
        }
        let page: Page
        switch (segments.first, segments.count) {
        case (nil, 0):
            try allow([])
            page = try pages.overview()
        case ("graph", 1):
            try allow(Views.graphNames.union(TableView.names))
            page = try pages.graph()
        case ("map", 1):
            try allow(Views.graphNames)
            page = try pages.map()
        case ("a-z", 1):
            try allow([])
            page = try pages.entityIndex()
        case ("spread", 1):
            try allow(Views.spreadNames.union(TableView.names))
            page = try pages.spread()
        case ("kpis", 1):
            try allow(Views.kpiNames)
            page = try pages.kpis()
        case ("obstacles", 1):
            try allow(Views.obstacleNames.union(TableView.names))
            page = try pages.obstacles()
        case ("city", 2), ("project", 2), ("solution", 2):
            try allow([])
            page = try pages.profile(String(segments[0]), segments[1])
        case ("cities", 1), ("projects", 1):
            try allow(TableView.names)
            page = try pages.list(String(segments[0]))
        case ("demonstration", 2):
            try allow([])
            page = try pages.demonstration(segments[1])
        case ("obstacle", 2):
            try allow([])
            page = try pages.obstacle(segments[1])
        case ("replication", 2):
            try allow([])
            page = try pages.replication(segments[1])
        case ("ccg", 2) where ["members", "meetings", "travel"].contains(segments[1]):
            try allow((segments[1] == "members" ? [] : Views.yearNames).union(TableView.names))
            page = try pages.ccg(segments[1])
        case ("ccg", 2) where segments[1] == "eligibility":
            try allow(Views.eligibilityNames)
            page = try pages.eligibility()
        case ("search", 1):
            try allow(Views.searchNames)
            page = try pages.search()
        case ("gaps", 1):
            try allow([])
            page = try pages.gaps()
        case ("next", 2):
            try allow(Views.nextNames)
            page = try pages.next(segments[1])
        case ("log", 1):
            try allow(Views.logNames.union(["page"]))
            page = try pages.log()
        case ("about", 1):
            try allow([])
            page = pages.about()
        case ("verify", 1):
            try allow(Views.verifyNames)
            page = try pages.verify()
        case ("history", 2):
            try allow([])
            page = try pages.history(segments[1])
        default:
            throw WebError(404, "there is no page at \(path)")
        }
        return page
    }

    // MARK: Failures

    private func failure(_ error: Error, _ isAPI: Bool) -> WebResponse {
        let status: Int
        let message: String
        var isCacheable = true
        switch error {
        case let error as WebError:
            status = error.status
            message = error.description
        case let error as NotFound:
            status = 404
            message = error.description
        case let error as InputError:
            status = 400
            message = error.description
        default:
            status = 500
            message = "the store could not be read: \(error)"
            isCacheable = false
        }
        if isAPI {
            return WebResponse(
                status: status,
                contentType: WebResponse.jsonType,
                body: ErrorReport(status: status, message: message).jsonLine,
                isCacheable: isCacheable
            )
        }
        let titles = [400: "Bad request", 404: "Not found", 405: "Method not allowed"]
        var page = Page(path: "/", title: titles[status] ?? "Server error", cut: .now)
        page.append(
            "<p class=\"error\">\(HTML.escape(message))</p><p>" + HTML.link("/", "Back to the overview") + "</p>"
        )
        return WebResponse(
            status: status,
            contentType: WebResponse.htmlType,
            body: Array(page.render().utf8),
            isCacheable: isCacheable
        )
    }
}
