import EventStore

/// The bytes a command prints for a JSON value with `--format json`: the display form and one newline.
enum ViewJSON {
    static func line(_ value: JSONValue) -> [UInt8] {
        var bytes = CanonicalJSON.displayBytes(of: value)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}

/// Events as `log` and `history` list them: `{"events":[…]}`, each as `export` writes it plus `retracted_by`.
public struct EventListing: Sendable, Equatable, JSONValueView {
    /// The events, in log order.
    public var entries: [LogEntry]

    /// A listing of `entries`.
    public init(_ entries: [LogEntry]) {
        self.entries = entries
    }

    var json: JSONValue { ["events": .array(entries.map(\.json))] }
}

extension LogEntry: JSONView {
    /// One event as `log --format json` lists it, alone on a line.
    public var jsonLine: [UInt8] { ViewJSON.line(json) }
}

extension LogStatistics: JSONValueView {
    /// `{"events","head":{"position","hash"},"by_type","store_bytes","tree":{"size","root"}}`, and
    /// `"mirror":{"source","last_sync"}` for a mirror: the stats view.
    var json: JSONValue {
        var typeCounts = JSONObject()
        for (type, count) in byType.sorted(by: { $0.key < $1.key }) { typeCounts[type.rawValue] = .integer(count) }
        let headValue: JSONValue =
            head.map { ["position": .position($0.position), "hash": .string($0.hash.hex)] }
            ?? ["position": 0, "hash": .null]
        var object: JSONObject = [
            "events": .integer(events), "head": headValue, "by_type": .object(typeCounts),
            "store_bytes": .integer(storeBytes),
            "tree": ["size": .integer(Int(tree.size)), "root": .string(tree.root.hex)],
        ]
        if let mirror { object["mirror"] = mirror.json }
        return .object(object)
    }
}
