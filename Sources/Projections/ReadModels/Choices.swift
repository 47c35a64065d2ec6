import EventStore

/// The cities, projects and solutions registered at a cut, by name: what a filter form offers to choose from, and
/// what a filter naming an unknown id is checked against.
public struct EntityChoices: Sendable, Equatable {
    /// One entity: its id and name.
    public struct Choice: Sendable, Equatable {
        /// The id.
        public var id: Slug
        /// The name.
        public var name: String

        /// `id`, shown as `name`.
        public init(id: Slug, name: String) {
            self.id = id
            self.name = name
        }
    }

    /// The cities, by name (folded for accents and case), then id.
    public var cities: [Choice]
    /// The projects, by name, then id.
    public var projects: [Choice]
    /// The solutions, by name, then id.
    public var solutions: [Choice]

    /// The name of `id` among `choices`, or nil when it is not registered.
    public static func name(of id: Slug, in choices: [Choice]) -> String? {
        choices.first { $0.id == id }?.name
    }
}

extension KnowledgeBase {
    /// The cities, projects and solutions registered inside the cut, each by name.
    public func choices(at cut: ViewCut = ViewCut()) throws -> EntityChoices {
        func query(_ models: ReadModels, _ tables: borrowing some KeyValueReader & ~Copyable) throws -> EntityChoices {
            func list(_ table: Table) throws -> [EntityChoices.Choice] {
                try tables.entries(of: table)
                    .map { EntityChoices.Choice(id: $0.0, name: $0.1.string("name") ?? $0.0.rawValue) }
                    .map { (SearchFolding.fold($0.name), $0) }
                    .sorted { ($0.0, $0.1.id) < ($1.0, $1.1.id) }
                    .map(\.1)
            }
            return EntityChoices(
                cities: try list(models.cities),
                projects: try list(models.projects),
                solutions: try list(models.solutions)
            )
        }
        return try view(at: cut, reading: ViewTables.names, live: query, memory: query)
    }
}
