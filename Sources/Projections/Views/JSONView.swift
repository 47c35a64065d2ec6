import EventStore

/// An answer of the knowledge base as `--format json` and `/api/…` print it.
///
/// Every public query returns a value type of its own; its JSON is written here, once per view, so that the command
/// line and the web view print the same bytes:
///
/// ```swift
/// let profile = try base.cityProfile(city)
/// standardOutput.write(profile.jsonLine)   // {"city":"sabadell","name":"Sabadell",…}\n
/// ```
public protocol JSONView: Sendable {
    /// The bytes `--format json` prints: the canonical display form of the view and one newline.
    var jsonLine: [UInt8] { get }
}

/// A view whose JSON is built as a value inside Projections; ``jsonLine`` comes from it.
protocol JSONValueView: JSONView {
    /// The view as a JSON value (object keys are printed in canonical order).
    var json: JSONValue { get }
}

extension JSONValueView {
    /// The display form of ``json`` and one newline.
    public var jsonLine: [UInt8] { ViewJSON.line(json) }
}

extension JSONValue {
    /// `slug` as a string, or null.
    static func slug(_ slug: Slug?) -> JSONValue { slug.map { .string($0.rawValue) } ?? .null }
    /// `text` as a string, or null.
    static func text(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }
    /// A position as a number.
    static func position(_ position: Position) -> JSONValue { .number(JSONNumber(integer: Int64(position.rawValue))) }
    /// A position as a number, or null.
    static func position(_ position: Position?) -> JSONValue { position.map { JSONValue.position($0) } ?? .null }
    /// A count as a number.
    static func integer(_ value: Int) -> JSONValue { .number(JSONNumber(integer: Int64(value))) }
    /// A number, or null.
    static func number(_ number: JSONNumber?) -> JSONValue { number.map { .number($0) } ?? .null }
    /// A list of ids.
    static func slugs(_ slugs: [Slug]) -> JSONValue { .array(slugs.map { .string($0.rawValue) }) }
    /// A closed-set value by its spec string, or null.
    static func choice<Value: RawRepresentable<String>>(_ value: Value?) -> JSONValue {
        value.map { .string($0.rawValue) } ?? .null
    }
}
