import EventStore

/// The rules of the catalogue (SPEC §4), checked against the state of all earlier events.
///
/// Each type's rules live with its data (``ProjectedEvent/check(_:_:in:)``, in the file of its family). They read
/// the read models through `tables` (the write transaction, so two writers can never both pass a check only one may)
/// and throw a ``RuleViolation`` naming the rule and the offending value.
extension ReadModels {
    func check(_ recorded: StoredEvent, in tables: borrowing some KeyValueReader & ~Copyable) throws {
        try recorded.event.payload.projected.check(RuleContext(recorded), self, in: tables)
    }
}

/// The event under check, and the helpers every rule uses.
struct RuleContext {
    let event: StoredEvent

    init(_ event: StoredEvent) {
        self.event = event
    }

    func violation(_ message: String) -> RuleViolation {
        RuleViolation(event.event.type, message)
    }

    /// Refuses an id that is already registered.
    func new(_ kind: String, _ id: Slug, _ existing: Row?) throws {
        if let existing {
            throw violation(
                "\(kind) '\(id)' is already registered"
                    + " (position \(existing.positionText))"
            )
        }
    }

    /// Requires a registered entity dated no later than the event, and returns its record.
    @discardableResult
    func known(_ kind: String, _ id: Slug, _ row: Row?, field: String? = nil) throws -> Row {
        guard let row else {
            throw violation("\(field.map { "\($0) " } ?? "")\(kind) '\(id)' is not registered")
        }
        try notBefore(RowStamp(row), "the registration of \(kind) '\(id)'")
        return row
    }

    /// Requires a registered entity dated no later than the event, given the position and `at` of its row.
    func known(_ kind: String, _ id: Slug, _ stamp: RowStamp?, field: String? = nil) throws {
        guard let stamp else {
            throw violation("\(field.map { "\($0) " } ?? "")\(kind) '\(id)' is not registered")
        }
        try notBefore(stamp, "the registration of \(kind) '\(id)'")
    }

    /// Refuses an event dated before the event behind `record` (the date-order rule).
    func notBefore(_ row: Row, _ what: @autoclosure () -> String) throws {
        try notBefore(RowStamp(row), what())
    }

    /// Refuses an event dated before the event behind a row of position and `at` `stamp` (the date-order rule).
    func notBefore(_ stamp: RowStamp, _ what: @autoclosure () -> String) throws {
        guard let time = stamp.time, event.at.isBefore(time) else { return }
        let position = stamp.position.map { ", position \($0)" } ?? ""
        throw violation("dated \(event.at) before \(what()) (\(time)\(position))")
    }
}
