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
    case contactRegistered(ContactRegistered)
    case contactErased(ContactErased)

    /// Reads the data of an event of `type`, refusing missing, malformed and unknown fields.
    public init(type: EventType, reading fields: inout FieldReader) throws(InputError) {
        switch type {
        case .projectRegistered: self = .projectRegistered(try ProjectRegistered(reading: &fields))
        case .projectEnded: self = .projectEnded(try ProjectEnded(reading: &fields))
        case .cityRegistered: self = .cityRegistered(try CityRegistered(reading: &fields))
        case .cityJoinedProject: self = .cityJoinedProject(try CityJoinedProject(reading: &fields))
        case .solutionCatalogued: self = .solutionCatalogued(try SolutionCatalogued(reading: &fields))
        case .demonstrationReported: self = .demonstrationReported(try DemonstrationReported(reading: &fields))
        case .impactReported: self = .impactReported(try ImpactReported(reading: &fields))
        case .replicationPlanned: self = .replicationPlanned(try ReplicationPlanned(reading: &fields))
        case .solutionReplicated: self = .solutionReplicated(try SolutionReplicated(reading: &fields))
        case .cityJoinedCCG: self = .cityJoinedCCG(try CityJoinedCCG(reading: &fields))
        case .cityLeftCCG: self = .cityLeftCCG(try CityLeftCCG(reading: &fields))
        case .meetingScheduled: self = .meetingScheduled(try MeetingScheduled(reading: &fields))
        case .meetingAttended: self = .meetingAttended(try MeetingAttended(reading: &fields))
        case .travelContributionGranted:
            self = .travelContributionGranted(try TravelContributionGranted(reading: &fields))
        case .grantAwarded: self = .grantAwarded(try GrantAwarded(reading: &fields))
        case .eventRetracted: self = .eventRetracted(try EventRetracted(reading: &fields))
        case .obstacleReported: self = .obstacleReported(try ObstacleReported(reading: &fields))
        case .obstacleOvercome: self = .obstacleOvercome(try ObstacleOvercome(reading: &fields))
        case .impactPublished: self = .impactPublished(try ImpactPublished(reading: &fields))
        case .contactRegistered: self = .contactRegistered(try ContactRegistered(reading: &fields))
        case .contactErased: self = .contactErased(try ContactErased(reading: &fields))
        }
        try fields.finish()
    }

    /// The typed data, as the protocol every type's data conforms to.
    public var data: any EventData {
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
        case .contactRegistered(let data): data
        case .contactErased(let data): data
        }
    }

    /// The event type.
    public var type: EventType { Swift.type(of: data).type }

    /// The data as a JSON object, fields in catalogue order.
    public var object: JSONObject {
        var writer = FieldWriter()
        data.write(to: &writer)
        return writer.object
    }

    /// The entity ids the event names.
    public var entities: [Slug] { data.entities }
}
