import Foundation

/// A JSON value written exactly as given (a number such as `12.50`, or deliberately bad input such as `1e3`).
struct RawJSON {
    let text: String
    init(_ text: String) { self.text = text }
}

/// `text` as a JSON string literal: `"`, `\` and control characters escaped, everything else as is.
func jsonQuoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20:
            let hex = String(scalar.value, radix: 16)
            result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}

/// One JSON Lines event, members in the order given. Data values are strings (quoted), `Int`s or ``RawJSON``; a
/// field whose value is an optional that is nil is left out.
func eventLine(
    _ type: String,
    _ data: KeyValuePairs<String, Any>,
    id: String? = nil,
    at: String? = nil,
    actor: String? = nil,
    source: String? = nil
) -> String {
    func literal(_ value: Any) -> String {
        switch value {
        case let raw as RawJSON: raw.text
        case let number as Int: String(number)
        case let text as String: jsonQuoted(text)
        default: preconditionFailure("unsupported data value \(value)")
        }
    }
    var members: [String] = []
    if let id { members.append("\"id\":" + jsonQuoted(id)) }
    members.append("\"type\":" + jsonQuoted(type))
    if let at { members.append("\"at\":" + jsonQuoted(at)) }
    if let actor { members.append("\"actor\":" + jsonQuoted(actor)) }
    if let source { members.append("\"source\":" + jsonQuoted(source)) }
    let fields = data.compactMap { key, value -> String? in
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return jsonQuoted(key) + ":" + literal(wrapped)
        }
        return jsonQuoted(key) + ":" + literal(value)
    }
    members.append("\"data\":{" + fields.joined(separator: ",") + "}")
    return "{" + members.joined(separator: ",") + "}"
}

/// A CityRegistered line for a new city.
func cityLine(
    _ city: String,
    name: String? = nil,
    country: String = "DE",
    id: String? = nil,
    at: String? = nil
) -> String {
    eventLine("CityRegistered", ["city": city, "name": name ?? city.capitalized, "country": country], id: id, at: at)
}

/// A ProjectRegistered line for a new project.
func projectLine(_ project: String, name: String? = nil, id: String? = nil, at: String? = nil) -> String {
    eventLine("ProjectRegistered", ["project": project, "name": name ?? project.uppercased()], id: id, at: at)
}

/// A SolutionCatalogued line for a new solution.
func solutionLine(
    _ solution: String,
    name: String? = nil,
    area: String = "mobility-logistics",
    id: String? = nil,
    at: String? = nil
) -> String {
    eventLine("SolutionCatalogued", ["solution": solution, "name": name ?? solution, "area": area], id: id, at: at)
}
