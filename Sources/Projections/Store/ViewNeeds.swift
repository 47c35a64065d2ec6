import EventStore

/// The event types a view at a cut has to fold: those whose fold writes a table the view reads, and, closed under
/// dependence, those whose fold writes a table that such a fold reads.
///
/// A view names the tables its query reads (``ReadModels/tables(_:)``); ``ReadModels/effects(of:)`` says, per
/// event type, which tables its fold writes and which tables those writes depend on. Tests fold logs with every
/// event type and check both against what the fold and the queries actually touch.
struct ViewNeeds: Sendable, Equatable {
    /// The event types to fold, in code order.
    let types: [EventType]

    /// Every event type: a fold of the whole log.
    static let everything = ViewNeeds(types: EventType.allCases.filter { $0 != .eventRetracted })

    /// The types whose folds build `tables`.
    init(reading tables: Set<Table>, in models: ReadModels) {
        var needed = tables
        var chosen = Set<EventType>()
        var grew = true
        while grew {
            grew = false
            for type in EventType.allCases {
                for effect in models.effects(of: type) where !effect.writes.isDisjoint(with: needed) {
                    if chosen.insert(type).inserted { grew = true }
                    let before = needed.count
                    needed.formUnion(effect.reads)
                    if needed.count != before { grew = true }
                }
            }
        }
        types = EventType.allCases.filter(chosen.contains)
    }

    private init(types: [EventType]) {
        self.types = types
    }
}

/// Part of what the fold of one event type does: it writes `writes`, from what it reads of `reads`.
struct FoldEffect: Sendable {
    /// The tables written.
    let writes: Set<Table>
    /// The tables whose contents decide what is written (empty when the event alone does).
    let reads: Set<Table>

    init(writes: [Table], reads: [Table] = []) {
        self.writes = Set(writes)
        self.reads = Set(reads)
    }
}

extension ReadModels {
    /// What ``apply(_:to:)`` does for events of `type`, table by table: declared beside the type's fold, in the file
    /// of its family (``ProjectedEvent/effects(_:)``).
    func effects(of type: EventType) -> [FoldEffect] {
        type.dataType.effects(self)
    }

    /// The tables named by `paths`, for a view to say what its query reads.
    func tables(_ paths: [KeyPath<ReadModels, Table>]) -> Set<Table> {
        Set(paths.map { self[keyPath: $0] })
    }

    /// The event types a view reading `paths` needs folded.
    func needs(_ paths: [KeyPath<ReadModels, Table>]) -> ViewNeeds {
        ViewNeeds(reading: tables(paths), in: self)
    }
}

/// The tables each view's query reads, as the query files read them.
enum ViewTables {
    typealias Tables = [KeyPath<ReadModels, Table>]

    /// A city's tier.
    static var tier: Tables { [\.cityRoles] }
    /// The names shown beside the ids of cities, projects and solutions.
    static var names: Tables { [\.cities, \.projects, \.solutions] }
    /// Obstacles, by entity or all, with the names of what they name.
    static var obstacles: Tables { [\.obstacles, \.obstaclesByEntity] + names }

    static func graph(_ filter: GraphFilter) -> Tables {
        [\.replications, \.roles] + names + tier + (filter.includesPlanned ? [\.plans, \.openPlans] : [])
    }

    static var spread: Tables { [\.adoptions, \.plans] + names + tier }

    static var cityProfile: Tables {
        [
            \.cities, \.demonstrationsByCity, \.demonstrations, \.replicationsByCity, \.replications, \.plansByCity,
            \.plans, \.membershipEvents, \.attendanceByCity, \.travel, \.grantsByCity, \.grants, \.contacts,
        ] + names + tier + obstacles + [\.locations]
    }

    /// Impact totals: of one city in one project, from its demonstrations' reports; else of a scope's sums.
    static func totals(project: Slug?, city: Slug?) -> Tables {
        if project != nil && city != nil { return [\.demonstrationsByCity, \.demonstrations, \.impacts, \.published] }
        return [\.kpiMaxima, \.kpiSums, \.demonstrationCounts, \.published]
    }

    static var projectProfile: Tables { projectProfileBesideTotals + totals(project: nil, city: nil) }

    /// A project's profile but for its impact totals, which a cut reads from their rows apart.
    static var projectProfileBesideTotals: Tables {
        [\.roles, \.demonstrationsByProject, \.demonstrations] + names + obstacles
    }

    static var solutionProfile: Tables {
        [\.solutions, \.demonstrationsBySolution, \.demonstrations, \.replicationsBySolution, \.replications]
            + spread + obstacles
    }

    static var next: Tables {
        [
            \.adoptions, \.holderCounts, \.countryHolders, \.roles, \.plansByCity, \.openPlans, \.plans, \.grants,
            \.grantsBySolution, \.members, \.replicationsBySolution, \.replications,
        ] + names + tier + obstacles
    }
    static var gaps: Tables {
        [\.replications, \.plans, \.roles, \.demonstrations, \.impacts, \.locations] + names + tier + obstacles
    }
    static var search: Tables { [\.demonstrations, \.obstacles] + names }
    static var projectList: Tables { [\.projects, \.roles] }
    static var cityList: Tables { names + tier + [\.locations] }
    static var ccgMembers: Tables { [\.members, \.cities, \.attendanceByCity] }
    static var ccgMeetings: Tables { [\.meetings, \.attendance, \.cities] }
    static var ccgTravel: Tables { [\.travel, \.travelYears, \.cities] }
    static var eligibility: Tables { [\.cities, \.members, \.projects, \.meetings, \.travel, \.travelYears] + tier }
}
