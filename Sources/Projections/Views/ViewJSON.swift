import EventStore

/// The JSON of the read views as `sckb VIEW --format json` prints it, for anyone else who serves them (the web view).
///
/// The views' own values (`ReplicationGraph.json`, `ImpactTotals.json`, the profiles) need no wrapping; these are
/// the shapes the commands build around lists and counts. ``line(_:)`` gives the exact bytes the command prints.
public enum ViewJSON {
    /// `{"solutions":[…]}`: the spread view.
    public static func spread(_ items: [SolutionSpread]) -> JSONValue {
        ["solutions": .array(items.map(\.json))]
    }

    /// `{"events":[…]}`: the log and history views.
    public static func events(_ entries: [LogEntry]) -> JSONValue {
        ["events": .array(entries.map(\.json))]
    }

    /// `{"events","head":{"position","hash"},"by_type","store_bytes"}`: the stats view.
    public static func statistics(_ statistics: LogStatistics) -> JSONValue {
        var byType = JSONObject()
        for (type, count) in statistics.byType.sorted(by: { $0.key < $1.key }) {
            byType[type.rawValue] = .number(JSONNumber(integer: Int64(count)))
        }
        let head: JSONValue =
            statistics.head.map {
                ["position": .number(JSONNumber(integer: Int64($0.position.rawValue))), "hash": .string($0.hash.hex)]
            } ?? ["position": 0, "hash": .null]
        return [
            "events": .number(JSONNumber(integer: Int64(statistics.events))), "head": head,
            "by_type": .object(byType), "store_bytes": .number(JSONNumber(integer: Int64(statistics.storeBytes))),
        ]
    }

    /// The bytes a command prints for `value` with `--format json`: the display form and one newline.
    public static func line(_ value: JSONValue) -> [UInt8] {
        var bytes = CanonicalJSON.displayBytes(of: value)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
