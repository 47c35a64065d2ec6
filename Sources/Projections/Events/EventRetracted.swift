import EventStore

/// An earlier event is withdrawn from every view; it stays in the log, marked.
public struct EventRetracted: EventData {
    /// The event type, `EventRetracted`.
    public static let type = EventType.eventRetracted
    /// The position of the event withdrawn: not itself a retraction, and not retracted yet.
    public var position: Position
    /// Why the event is withdrawn: non-empty, at most 1000 Unicode scalars.
    public var reason: String

    /// Reads the data, refusing what the catalogue does not allow.
    public init(reading fields: inout FieldReader) throws(InputError) {
        position = try fields.position("position")
        reason = try fields.name("reason", maximumLength: 1000)
    }

    /// Writes the data in catalogue order.
    public func write(to fields: inout FieldWriter) {
        fields.position("position", position)
        fields.text("reason", reason)
    }

    /// None: a retraction names a position, not an entity.
    public var entities: [Slug] { [] }
}
