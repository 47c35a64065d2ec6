import Projections

/// `/log`: the newest events first, many to a screen, with the total; or, from a position on, in log order.
extension Pages {
    /// Events per screen.
    static let logPageSize = 200

    func log() throws -> Page {
        var page = newPage("The log", keeping: ["type", "entity", "from", "limit"])
        let filter = try views.logFilter(defaultLimit: Pages.logPageSize)
        var kept: [(String, String)] = []
        if let type = filter.type { kept.append(("type", type.rawValue)) }
        if let entity = filter.entity { kept.append(("entity", entity.rawValue)) }
        let isFromPosition = try views.value("from") != nil
        page.append("<form class=\"options\" method=\"get\" action=\"/log\">")
        page.append(select("type", "type", EventType.allCases.map(\.rawValue), filter.type?.rawValue))
        page.append(textField("entity", "entity", filter.entity?.rawValue))
        page.append(textField("from", "from position", isFromPosition ? String(filter.from.rawValue) : nil))
        page.append(hiddenCut() + "<button type=\"submit\">Show</button></form>")
        let (total, positions) = try logTotal(filter)
        let entries: [LogEntry]
        var navigation: [String] = []
        if isFromPosition {
            entries = try views.log(defaultLimit: Pages.logPageSize)
            let limit = filter.limit ?? Pages.logPageSize
            page.append("<p>\(Format.count(total)) events; in log order from position \(filter.from.rawValue).</p>")
            if filter.from.rawValue > 1 {
                let previous = max(1, Int(filter.from.rawValue) - limit)
                navigation.append(
                    page.link("/log", "← earlier", kept + [("from", String(previous)), ("limit", String(limit))])
                )
            }
            if entries.count == limit, let last = entries.last {
                let next = String(last.stored.position.rawValue + 1)
                navigation.append(page.link("/log", "later →", kept + [("from", next), ("limit", String(limit))]))
            }
            navigation.append(page.link("/log", "the newest", kept))
        } else {
            let number = try TableView(views.parameters).page
            let pageCount = max(1, (total + Pages.logPageSize - 1) / Pages.logPageSize)
            guard number <= pageCount else {
                throw WebError(404, "page \(number): the log has \(pageCount) page\(pageCount == 1 ? "" : "s") here")
            }
            entries = try newestEntries(filter, positions: positions, total: total, page: number)
            page.append(
                "<p>\(Format.count(total)) events; the newest first, \(Pages.logPageSize) to a page (page \(number) of "
                    + "\(pageCount)). " + links.about("position", "What a position is") + ".</p>"
            )
            if number > 1 { navigation.append(page.link("/log", "← newer", kept + [("page", String(number - 1))])) }
            if number < pageCount {
                navigation.append(page.link("/log", "older →", kept + [("page", String(number + 1))]))
            }
            navigation.append(page.link("/log", "the first events", kept + [("from", "1")]))
        }
        page.append(eventTable(entries))
        page.append("<p class=\"pages\">" + navigation.joined(separator: " · ") + "</p>")
        page.append(apiLink(page, "/api/log"))
        return page
    }

    /// How many events `filter` selects (its start and limit aside), and their positions unless they are simply
    /// 1 through the total (no type, entity or valid-time filter: positions have no gaps).
    private func logTotal(_ filter: LogFilter) throws -> (Int, [UInt64]?) {
        if filter.type == nil && filter.entity == nil && filter.asOf == nil {
            let head = try views.base.head()?.position.rawValue ?? 0
            switch filter.until {
            case nil: return (Int(head), nil)
            case .position(let position)?: return (Int(min(position.rawValue, head)), nil)
            case .recorded?:
                return (Int(try views.base.statistics(until: filter.until).head?.position.rawValue ?? 0), nil)
            }
        }
        var all = filter
        all.from = .first
        all.limit = nil
        var positions: [UInt64] = []
        try views.base.log(all) { positions.append($0.stored.position.rawValue) }
        return (positions.count, positions)
    }

    /// Page `number` of the events `filter` selects, newest first.
    private func newestEntries(
        _ filter: LogFilter,
        positions: [UInt64]?,
        total: Int,
        page number: Int
    ) throws -> [LogEntry] {
        let skipped = (number - 1) * Pages.logPageSize
        guard skipped < total else { return [] }
        var entries: [LogEntry] = []
        guard let positions else {
            let upper = UInt64(total - skipped)
            let lower = upper > UInt64(Pages.logPageSize) ? upper - UInt64(Pages.logPageSize) + 1 : 1
            var window = filter
            window.start(at: lower)
            window.limit = Int(upper - lower + 1)
            try views.base.log(window) { entries.append($0) }
            return entries.reversed()
        }
        for position in positions.reversed().dropFirst(skipped).prefix(Pages.logPageSize) {
            var single = filter
            single.start(at: position)
            single.limit = 1
            try views.base.log(single) { entries.append($0) }
        }
        return entries
    }
}
