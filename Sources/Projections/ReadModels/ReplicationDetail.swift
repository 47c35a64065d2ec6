import EventStore

/// What the record says about one replication (SolutionReplicated) or plan (ReplicationPlanned), by its position:
/// the solution, the origin, the target, the project, the funding, the status, the plans it fulfilled or the
/// replication that closed it, the source, and the events it rests on.
public struct ReplicationDetail: Sendable, Equatable, JSONValueView {
    /// A replication done, or a plan.
    public enum Kind: String, Sendable {
        case replication, plan
    }

    /// Where the replication or plan stands at the cut.
    public enum Status: String, Sendable {
        /// A replication that counts.
        case done
        /// A plan not yet followed by a replication of the solution to the city.
        case open
        /// A plan followed by a replication from the planned origin.
        case fulfilled
        /// A plan followed by a replication from another origin.
        case closed
        /// Withdrawn by an EventRetracted inside the cut: it counts nowhere.
        case retracted
    }

    /// A plan a replication closed, with what became of it.
    public struct ClosedPlan: Sendable, Equatable {
        /// The plan's position.
        public var position: Position
        /// Fulfilled (the same origin) or closed (another).
        public var status: Status
    }

    /// A replication or a plan.
    public var kind: Kind
    /// The position of its event.
    public var position: Position
    /// The solution, by id and name.
    public var solution: Slug, solutionName: String
    /// The city that took it over, or plans to, by id and name.
    public var city: Slug, cityName: String
    /// The origin city, if one is named, by id and name; else the origin is the project's lighthouse cities.
    public var from: Slug?, fromName: String?
    /// The project, if any, by id and name.
    public var project: Slug?, projectName: String?
    /// When it happened or was planned (`at`).
    public var at: String
    /// How a replication was paid for, when given (never for a plan).
    public var funding: Funding?
    /// Where it stands at the cut.
    public var status: Status
    /// For a replication: the plans of the city for the solution it closed.
    public var closes: [ClosedPlan]
    /// For a plan: the replication that fulfilled or closed it.
    public var closedBy: Position?
    /// The retraction that withdrew it, inside the cut.
    public var retractedBy: Position?
    /// Where the fact comes from: the `source` of its event.
    public var source: String?
    /// The events it rests on: its own, the plans it closed or the replication that closed it, and retractions.
    public var events: [EventReference]

    /// `{"kind","position","solution","solution_name","city","city_name","from","from_name","project",
    /// "project_name","at","funding","status","closes":[{"position","status"}],"closed_by","retracted_by","source",
    /// "events":[…]}`.
    var json: JSONValue {
        [
            "kind": .string(kind.rawValue), "position": .position(position), "solution": .string(solution.rawValue),
            "solution_name": .string(solutionName), "city": .string(city.rawValue), "city_name": .string(cityName),
            "from": .slug(from), "from_name": .text(fromName), "project": .slug(project),
            "project_name": .text(projectName), "at": .string(at), "funding": .choice(funding),
            "status": .string(status.rawValue),
            "closes": .array(
                closes.map { ["position": .position($0.position), "status": .string($0.status.rawValue)] }
            ),
            "closed_by": .position(closedBy), "retracted_by": .position(retractedBy), "source": .text(source),
            "events": .events(events),
        ]
    }
}

extension KnowledgeBase {
    /// The replication or plan at `position`; throws ``NotFound`` when the position is outside the cut or holds
    /// another type of event.
    public func replication(at position: Position, at cut: ViewCut = ViewCut()) throws -> ReplicationDetail {
        let id = String(position.rawValue)
        let found = try environment.read { transaction -> (StoredEvent, Position?)? in
            guard let head = try transaction.head() else { return nil }
            let last = try cut.until?.lastPosition(in: transaction) ?? head.position
            guard position.rawValue >= 1, position <= last else { return nil }
            return (
                try storedEvent(at: position, in: transaction),
                try indexes.retraction(of: position, through: last, in: transaction)
            )
        }
        guard let (stored, retractedBy) = found else {
            throw NotFound(kind: "replication", id: id, reason: "is not a position of the log at this cut")
        }
        if let asOf = cut.asOf, !asOf.includes(stored.at) {
            throw NotFound(kind: "replication", id: id, reason: "happened on \(stored.at.text), after this cut")
        }
        var detail: ReplicationDetail
        switch stored.event.payload {
        case .solutionReplicated(let replication):
            detail = ReplicationDetail(stored, replication, kind: .replication, funding: replication.funding)
        case .replicationPlanned(let plan):
            detail = ReplicationDetail(stored, plan, kind: .plan, funding: nil)
        default:
            throw NotFound(
                kind: "replication",
                id: id,
                reason: "holds a \(stored.event.type.rawValue), not a replication or a plan"
            )
        }
        detail.retractedBy = retractedBy
        let read = detail
        func query(
            _ models: ReadModels,
            _ tables: borrowing some KeyValueReader & ~Copyable
        ) throws
            -> ReplicationDetail
        {
            try models.completed(read, in: tables)
        }
        detail = try view(at: cut, reading: ViewTables.replication, live: query, memory: query)
        let related = [position] + detail.closes.map(\.position) + (detail.closedBy.map { [$0] } ?? [])
        detail.events = try eventReferences(at: related, through: cut.until)
        return detail
    }
}

extension ReplicationDetail {
    init(_ stored: StoredEvent, _ event: some Replicating, kind: Kind, funding: Funding?) {
        self.init(
            kind: kind,
            position: stored.position,
            solution: event.solution,
            solutionName: event.solution.rawValue,
            city: event.city,
            cityName: event.city.rawValue,
            from: event.from,
            fromName: nil,
            project: event.project,
            projectName: nil,
            at: stored.at.text,
            funding: funding,
            status: kind == .replication ? .done : .open,
            closes: [],
            closedBy: nil,
            retractedBy: nil,
            source: stored.event.source,
            events: []
        )
    }

    /// The origin: the `from` city, else the project's lighthouse cities.
    var origin: Origin? { from.map(Origin.city) ?? project.map(Origin.project) }
}

extension ViewTables {
    /// A replication or plan: the plans a replication closed, the replication that closed a plan.
    static var replication: Tables { [\.plans, \.adoptions] + names }
}

extension ReadModels {
    /// `detail` with the names and, unless retracted, the status: the plans a replication closed (their rows name
    /// it as `closed_by`), or the replication that closed a plan (the city's first adoption of the solution by
    /// replication after the plan: it closes every plan then open, as the fold does).
    func completed(
        _ detail: ReplicationDetail,
        in tables: borrowing some KeyValueReader & ~Copyable
    ) throws -> ReplicationDetail {
        var detail = detail
        detail.solutionName = try solutionName(detail.solution, in: tables)
        detail.cityName = try cityName(detail.city, in: tables)
        detail.fromName = try cityName(ifGiven: detail.from, in: tables)
        detail.projectName = try projectName(ifGiven: detail.project, in: tables)
        if detail.retractedBy != nil {
            detail.status = .retracted
            return detail
        }
        let prefix = Key.of(detail.solution, detail.city) + [0]
        switch detail.kind {
        case .replication:
            try tables.scan(plans, prefix: prefix) { key, value in
                let plan = try Row(stored: value, in: plans, key: key)
                if plan.position(Column.closedBy) == detail.position,
                    let position = plan.position(Column.position)
                {
                    let status: ReplicationDetail.Status = plan.origin == detail.origin ? .fulfilled : .closed
                    detail.closes.append(.init(position: position, status: status))
                }
                return true
            }
            detail.closes.sort { $0.position < $1.position }
        case .plan:
            try tables.scan(adoptions, prefix: prefix) { key, value in
                guard let position = Key.position(key), position > detail.position else { return true }
                let adoption = try Row(stored: value, in: adoptions, key: key)
                guard adoption.string(Column.how) == Adoption.adopted.rawValue else { return true }
                detail.closedBy = position
                detail.status = adoption.origin == detail.origin ? .fulfilled : .closed
                return false
            }
        }
        return detail
    }
}
