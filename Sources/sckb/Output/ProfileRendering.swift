import EventStore
import Foundation
import Projections

/// A profile (a JSON object) as text: scalar fields as `key: value` lines, lists of objects as tables.
enum ProfileRendering {
    static func print(_ value: JSONValue) {
        guard case .object(let object) = value else { return }
        var text = ""
        var sections: [(String, [JSONValue])] = []
        for (key, member) in object.members {
            switch member {
            case .array(let items) where items.contains(where: { $0.objectValue != nil }):
                sections.append((key, items))
            case .object(let nested):
                for (nestedKey, nestedValue) in nested.members {
                    if case .array(let items) = nestedValue, items.contains(where: { $0.objectValue != nil }) {
                        sections.append(("\(key).\(nestedKey)", items))
                    } else {
                        text += "\(key).\(nestedKey): \(scalar(nestedValue))\n"
                    }
                }
            default:
                text += "\(key): \(scalar(member))\n"
            }
        }
        Terminal.standardOutput.write(text)
        for (title, items) in sections {
            Terminal.standardOutput.write("\n\(title) (\(items.count))\n")
            if title == "obstacles" {
                Terminal.standardOutput.write(ObstacleRendering.blocks(items.compactMap(obstacle)))
                continue
            }
            var columns: [String] = []
            for item in items {
                for key in item.objectValue?.keys ?? [] where !columns.contains(key) { columns.append(key) }
            }
            let table = TextTable(
                headers: columns.map { $0.uppercased().replacingOccurrences(of: "_", with: " ") },
                rows: items.map { item in columns.map { scalar(item[$0] ?? .null) } }
            )
            table.print()
        }
        Terminal.standardOutput.flush()
    }

    /// An obstacle of a profile, read back from its JSON.
    private static func obstacle(_ value: JSONValue) -> ObstacleEntry? {
        guard let id = value["obstacle"]?.stringValue.flatMap(Slug.init(rawValue:)),
            let category = value["category"]?.stringValue.flatMap(ObstacleCategory.init(rawValue:)),
            let text = value["text"]?.stringValue, let position = value["position"]?.numberValue?.integerValue
        else { return nil }
        func slug(_ key: String) -> Slug? { value[key]?.stringValue.flatMap(Slug.init(rawValue:)) }
        var entry = ObstacleEntry(
            obstacle: id,
            category: category,
            text: text,
            solution: slug("solution"),
            city: slug("city"),
            project: slug("project"),
            at: value["at"]?.stringValue ?? "",
            position: Position(UInt64(position))
        )
        if let overcome = value["overcome"], let how = overcome["how"]?.stringValue,
            let at = overcome["at"]?.stringValue, let overcomePosition = overcome["position"]?.numberValue?.integerValue
        {
            entry.overcome = (how, at, Position(UInt64(overcomePosition)))
        }
        return entry
    }

    static func scalar(_ value: JSONValue) -> String {
        switch value {
        case .null: return "-"
        case .bool(let flag): return flag ? "yes" : "no"
        case .number(let number): return number.canonicalText
        case .string(let text): return SafeText.escaped(text)
        case .array(let items): return items.isEmpty ? "-" : items.map(scalar).joined(separator: " ")
        case .object: return "{…}"
        }
    }
}
