import EventStore

/// The typed `data` of one event type.
public protocol EventData: Sendable, Equatable {
    /// The event type this data belongs to.
    static var type: EventType { get }
    /// Reads and checks the fields; the reader refuses unknown ones afterwards.
    init(reading fields: inout FieldReader) throws(InputError)
    /// Writes the fields in catalogue order.
    func write(to fields: inout FieldWriter)
    /// The entity ids the event names, for `history` and `log --entity`.
    var entities: [Slug] { get }
}

/// The typed data of an event of any type of the catalogue.
public enum Payload: Sendable, Equatable {
    case projectRegistered(ProjectRegistered)
    case projectEnded(ProjectEnded)
    case cityRegistered(CityRegistered)
    case cityJoinedProject(CityJoinedProject)
    case solutionCatalogued(SolutionCatalogued)
    case demonstrationReported(DemonstrationReported)
    case impactReported(ImpactReported)
    case replicationPlanned(ReplicationPlanned)
    case solutionReplicated(SolutionReplicated)
    case cityJoinedCCG(CityJoinedCCG)
    case cityLeftCCG(CityLeftCCG)
    case meetingScheduled(MeetingScheduled)
    case meetingAttended(MeetingAttended)
    case travelContributionGranted(TravelContributionGranted)
    case grantAwarded(GrantAwarded)
    case eventRetracted(EventRetracted)
    case obstacleReported(ObstacleReported)
    case obstacleOvercome(ObstacleOvercome)
    case impactPublished(ImpactPublished)
    case cityLocated(CityLocated)
    case contactRegistered(ContactRegistered)
    case contactErased(ContactErased)

    /// Reads the data of an event of `type`, refusing missing, malformed and unknown fields.
    public init(type: EventType, reading fields: inout FieldReader) throws(InputError) {
        self = try type.dataType.init(reading: &fields).payload
        try fields.finish()
    }

    /// The typed data, as the protocol every type's data conforms to.
    public var data: any EventData { projected }

    /// The typed data, with its rules, fold and withdrawal: the one place that hands an event's data over.
    var projected: any ProjectedEvent {
        switch self {
        case .projectRegistered(let data): data
        case .projectEnded(let data): data
        case .cityRegistered(let data): data
        case .cityJoinedProject(let data): data
        case .solutionCatalogued(let data): data
        case .demonstrationReported(let data): data
        case .impactReported(let data): data
        case .replicationPlanned(let data): data
        case .solutionReplicated(let data): data
        case .cityJoinedCCG(let data): data
        case .cityLeftCCG(let data): data
        case .meetingScheduled(let data): data
        case .meetingAttended(let data): data
        case .travelContributionGranted(let data): data
        case .grantAwarded(let data): data
        case .eventRetracted(let data): data
        case .obstacleReported(let data): data
        case .obstacleOvercome(let data): data
        case .impactPublished(let data): data
        case .cityLocated(let data): data
        case .contactRegistered(let data): data
        case .contactErased(let data): data
        }
    }

    /// The event type.
    public var type: EventType { Swift.type(of: data).type }

    /// The data as a JSON object, fields in catalogue order.
    var object: JSONObject { data.object }

    /// The data's fields, in catalogue order, each with what it names.
    public var fields: [DataField] {
        data.object.members.map { name, value in
            let text: String
            switch value {
            case .string(let string): text = string
            case .number(let number): text = number.canonicalText
            case .bool(let flag): text = flag ? "true" : "false"
            default: text = ""
            }
            return DataField(name: name, text: text, kind: DataField.Kind(field: name, type: type))
        }
    }

    /// The entity ids the event names.
    public var entities: [Slug] { data.entities }
}

extension EventType {
    /// The type of the data of an event of this type.
    var dataType: any ProjectedEvent.Type {
        switch self {
        case .projectRegistered: ProjectRegistered.self
        case .projectEnded: ProjectEnded.self
        case .cityRegistered: CityRegistered.self
        case .cityJoinedProject: CityJoinedProject.self
        case .solutionCatalogued: SolutionCatalogued.self
        case .demonstrationReported: DemonstrationReported.self
        case .impactReported: ImpactReported.self
        case .replicationPlanned: ReplicationPlanned.self
        case .solutionReplicated: SolutionReplicated.self
        case .cityJoinedCCG: CityJoinedCCG.self
        case .cityLeftCCG: CityLeftCCG.self
        case .meetingScheduled: MeetingScheduled.self
        case .meetingAttended: MeetingAttended.self
        case .travelContributionGranted: TravelContributionGranted.self
        case .grantAwarded: GrantAwarded.self
        case .eventRetracted: EventRetracted.self
        case .obstacleReported: ObstacleReported.self
        case .obstacleOvercome: ObstacleOvercome.self
        case .impactPublished: ImpactPublished.self
        case .cityLocated: CityLocated.self
        case .contactRegistered: ContactRegistered.self
        case .contactErased: ContactErased.self
        }
    }
}

/// One field of an event's data as a person reads it: its name, its value as text, and what the value names.
public struct DataField: Sendable, Equatable {
    /// What a field's value names.
    public enum Kind: Sendable, Equatable {
        /// A city, by id (`city`, `from`).
        case city
        /// A project, by id.
        case project
        /// A solution, by id.
        case solution
        /// Another entity of the record, by id (a demonstration, meeting, grant, obstacle or contact).
        case entity
        /// A position of the log (the target of a retraction).
        case position
        /// A value: a name, a date, a number, a choice or free text.
        case value

        init(field: String, type: EventType) {
            switch field {
            case "city", "from": self = .city
            case "project": self = .project
            case "solution": self = .solution
            case "demonstration", "meeting", "grant", "obstacle", "contact": self = .entity
            case "position" where type == .eventRetracted: self = .position
            default: self = .value
            }
        }
    }

    /// The field's name, as in the catalogue (`city`, `amount_eur`).
    public var name: String
    /// Its value as text.
    public var text: String
    /// What the value names.
    public var kind: Kind
}
