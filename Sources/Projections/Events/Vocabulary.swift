/// A closed set of values a field may take, spelled as the catalogue spells them.
public protocol Vocabulary: RawRepresentable<String>, CaseIterable, Hashable, Sendable {}

extension Vocabulary {
    /// The allowed values, joined for an error message: `lighthouse|fellow`.
    public static var allowedValues: String { allCases.map(\.rawValue).joined(separator: "|") }
}

/// The event types of the catalogue. A type's `code` is its place here: new types go at the end.
public enum EventType: String, Vocabulary, Comparable {
    case projectRegistered = "ProjectRegistered"
    case projectEnded = "ProjectEnded"
    case cityRegistered = "CityRegistered"
    case cityJoinedProject = "CityJoinedProject"
    case solutionCatalogued = "SolutionCatalogued"
    case demonstrationReported = "DemonstrationReported"
    case impactReported = "ImpactReported"
    case replicationPlanned = "ReplicationPlanned"
    case solutionReplicated = "SolutionReplicated"
    case cityJoinedCCG = "CityJoinedCCG"
    case cityLeftCCG = "CityLeftCCG"
    case meetingScheduled = "MeetingScheduled"
    case meetingAttended = "MeetingAttended"
    case travelContributionGranted = "TravelContributionGranted"
    case grantAwarded = "GrantAwarded"
    case eventRetracted = "EventRetracted"
    case obstacleReported = "ObstacleReported"
    case obstacleOvercome = "ObstacleOvercome"
    case impactPublished = "ImpactPublished"
    case contactRegistered = "ContactRegistered"
    case contactErased = "ContactErased"
    case cityLocated = "CityLocated"

    /// A one-byte code for indexes.
    public var code: UInt8 { UInt8(EventType.catalogue.firstIndex(of: self) ?? 0) }

    /// The type's name in UTF-8: the key of its row in the counts index.
    var nameBytes: [UInt8] { EventType.names[Int(code)] }

    private static let catalogue = allCases
    private static let names = allCases.map { Array($0.rawValue.utf8) }

    /// Orders by the type's name.
    public static func < (left: EventType, right: EventType) -> Bool { left.rawValue < right.rawValue }
}

/// A city's role in a project.
public enum Role: String, Vocabulary {
    case lighthouse, fellow
}

/// The five areas of demonstrations.
public enum Area: String, Vocabulary {
    case mobilityLogistics = "mobility-logistics"
    case buildings
    case urbanDataICT = "urban-data-ict"
    case citizenEngagement = "citizen-engagement"
    case urbanGovernance = "urban-governance"

    /// The area in words, as the web view names it: "Mobility and logistics".
    public var label: String {
        switch self {
        case .mobilityLogistics: "Mobility and logistics"
        case .buildings: "Buildings"
        case .urbanDataICT: "Urban data and ICT"
        case .citizenEngagement: "Citizen engagement"
        case .urbanGovernance: "Urban governance"
        }
    }
}

/// The impact indicators, and how each adds up.
public enum KPI: String, Vocabulary, Comparable {
    case energySavedPercent = "energy_saved_pct"
    case co2ReducedPercent = "co2_reduced_pct"
    case smartMeters = "smart_meters"
    case floorAreaSquareMetres = "floor_area_m2"
    case electricVehicles = "e_vehicles"
    case chargingStations = "charging_stations"
    case citizensEngaged = "citizens_engaged"

    /// Whether the indicator is a percentage (at most 100, aggregated by maximum) rather than a count (summed).
    public var isPercentage: Bool { self == .energySavedPercent || self == .co2ReducedPercent }

    /// Orders by the indicator's name as the catalogue spells it.
    public static func < (left: KPI, right: KPI) -> Bool { left.rawValue < right.rawValue }

    /// What the indicator measures, in words, without its unit: "Energy saved".
    public var label: String {
        switch self {
        case .energySavedPercent: "Energy saved"
        case .co2ReducedPercent: "CO\u{2082} emissions reduced"
        case .smartMeters: "Smart meters installed"
        case .floorAreaSquareMetres: "Floor area refurbished"
        case .electricVehicles: "Electric vehicles deployed"
        case .chargingStations: "Charging stations installed"
        case .citizensEngaged: "Citizens engaged"
        }
    }

    /// The unit of its values, when it is not a plain count: "%" or "m²".
    public var unit: String? {
        switch self {
        case .energySavedPercent, .co2ReducedPercent: "%"
        case .floorAreaSquareMetres: "m\u{00B2}"
        case .smartMeters, .electricVehicles, .chargingStations, .citizensEngaged: nil
        }
    }

    /// The label with its unit, as a column or row heading: "Energy saved (%)", "Floor area refurbished (m²)".
    public var title: String { unit.map { "\(label) (\($0))" } ?? label }
}

/// How a replication was paid for.
public enum Funding: String, Vocabulary {
    case actionGrant = "action-grant"
    case scaleGrant = "scale-grant"
    case project, own, other
}

/// What a CCG meeting is for.
public enum MeetingKind: String, Vocabulary {
    case networking
    case coCreation = "co-creation"
    case advocacy
}

/// Whether a CCG meeting is held in person.
public enum MeetingFormat: String, Vocabulary {
    case physical, virtual
}

/// The grant programmes.
public enum Programme: String, Vocabulary {
    case actionGrant = "action-grant"
    case scaleGrant = "scale-grant"
}

/// A city's tier in the replication graph.
public enum Tier: String, Vocabulary, Comparable {
    case lighthouse, fellow, other

    /// Orders lighthouse first, then fellow, then other.
    public static func < (left: Tier, right: Tier) -> Bool {
        allCases.firstIndex(of: left) ?? 0 < allCases.firstIndex(of: right) ?? 0
    }
}

/// ISO 3166-1 alpha-2 country codes (officially assigned).
enum CountryCodes {
    static let all: Set<String> = Set(
        """
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY \
        BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK \
        FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR \
        IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK \
        ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM \
        PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF \
        TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.split(separator: " ").map(String.init)
    )
}
