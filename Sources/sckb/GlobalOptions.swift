import ArgumentParser
import Foundation
import Projections

/// How a command prints its result.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv, dot, mermaid
}

/// Options every command takes.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The store's folder (default: $SCKB_STORE, else ./.sckb).",
            valueName: "path"
        )
    )
    var store: String?

    /// The store path in effect.
    var path: String {
        if let store { return store }
        if let environment = ProcessInfo.processInfo.environment["SCKB_STORE"], !environment.isEmpty {
            return environment
        }
        return "./.sckb"
    }

    /// Opens the knowledge base for writing, creating it when missing, and runs `body`; a store created for a write
    /// that was refused is removed again (``KnowledgeBase/writing(toStoreAt:options:_:)``).
    func write<Result>(_ body: (KnowledgeBase) throws -> Result) throws -> Result {
        try KnowledgeBase.writing(toStoreAt: path, options: options, body)
    }

    /// Opens the knowledge base, creating it for a write.
    func open(creating: Bool) throws -> KnowledgeBase {
        try KnowledgeBase(path: path, creating: creating, options: options)
    }

    /// How stores are opened: `$SCKB_INITIAL_MAP_SIZE` (bytes, for a store created now) and `$SCKB_WRITEMAP=0`
    /// (without `MDB_WRITEMAP`, which is the default), with notices on standard error.
    private var options: KnowledgeBase.Options {
        let environment = ProcessInfo.processInfo.environment
        return KnowledgeBase.Options(
            initialMapSize: environment["SCKB_INITIAL_MAP_SIZE"].flatMap(Int.init),
            isWriteMapped: environment["SCKB_WRITEMAP"] != "0"
        ) { line in
            Terminal.standardError.write("sckb: \(SafeText.escaped(line))\n")
        }
    }
}

/// The output format option.
struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table or json (default: table).")
    var format: OutputFormat = .table

    func validate() throws {
        guard format == .table || format == .json else {
            throw ValidationError(
                "--format \(format.rawValue) does not apply to this command; use table or json"
                    + (format == .csv ? " (csv is for tables: graph, spread, cities, projects, obstacles, kpis, ccg"
                        + " members|meetings|travel, log, history, search)" : "")
            )
        }
    }
}

/// The output format option of table views: table, json or csv.
struct TableFormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json or csv (default: table).")
    var format: OutputFormat = .table

    func validate() throws {
        guard format == .table || format == .json || format == .csv else {
            throw ValidationError("--format \(format.rawValue) applies to graphs only; use table, json or csv")
        }
    }
}

/// The output format option of graph commands.
struct GraphFormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table, json, csv (the edges), dot or mermaid (default: table).")
    var format: OutputFormat = .table
}

/// The cuts in time of read commands: valid time (--as-of) and transaction time (--until), combinable.
struct TimeOptions: ParsableArguments {
    @Option(
        name: .customLong("as-of"),
        help: ArgumentHelp(
            "What was true in the world then: events dated through DATE (a bare date: its whole day, UTC).",
            valueName: "date"
        )
    )
    var asOf: String?

    @OptionGroup var transaction: CutOptions

    func validate() throws {
        if let asOf, ValidTime(parsing: asOf) == nil {
            throw ValidationError("--as-of '\(asOf)' is not a date (YYYY-MM-DD) or an RFC 3339 date-time")
        }
    }

    var validTime: ValidTimeCut? { asOf.flatMap(ValidTime.init(parsing:)).map(ValidTimeCut.init(through:)) }
    var view: ViewCut { ViewCut(until: transaction.cut, asOf: validTime) }
}

/// The transaction-time cut of read commands.
struct CutOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "What the knowledge base said then: positions up to N, or events recorded through a date (default: now).",
            valueName: "N|date"
        )
    )
    var until: String?

    func validate() throws {
        if let until, TransactionCut(parsing: until) == nil {
            throw ValidationError("--until '\(until)' is not a position or a date (YYYY-MM-DD or RFC 3339)")
        }
    }

    var cut: TransactionCut? { until.flatMap(TransactionCut.init(parsing:)) }
}

/// The options of every read view: the store, the output format and the cuts in time.
struct ViewOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: FormatOptions
    @OptionGroup var time: TimeOptions

    /// Opens the store, asks `query` for the view at the cuts, and prints it: JSON, or text by `rendering`.
    func show<View: JSONView>(
        rendering: (View) -> Void,
        _ query: (KnowledgeBase, ViewCut) throws -> View
    ) throws {
        let view = try query(store.open(creating: false), time.view)
        if output.format == .json { JSONOutput.print(view) } else { rendering(view) }
    }
}

/// The options of a read view that is a table: the store, table, json or csv, and the cuts in time.
struct TableViewOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: TableFormatOptions
    @OptionGroup var time: TimeOptions

    /// Opens the store, asks `query` for the view at the cuts, and prints it: JSON, CSV, or text by `rendering`.
    func show<View: CSVView>(
        rendering: (View) -> Void,
        _ query: (KnowledgeBase, ViewCut) throws -> View
    ) throws {
        let view = try query(store.open(creating: false), time.view)
        switch output.format {
        case .json: JSONOutput.print(view)
        case .csv: CSVOutput.print(view)
        default: rendering(view)
        }
    }
}
