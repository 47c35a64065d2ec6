import ArgumentParser
import EventStore
import Foundation
import Projections

@main
struct SCKB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sckb",
        abstract: "The replication knowledge base of the Scalable Cities community.",
        discussion: """
            Every change is an event appended to a log in an LMDB store; every view is a
            projection of that log. Global options go after the command name.

            Examples:
              sckb import events/ --store /tmp/kb
              sckb append CityRegistered city=leipzig name=Leipzig country=DE
              sckb log --type CityRegistered --limit 5 --format json
              sckb stats
            """,
        version: "0.1.0",
        subcommands: [
            AppendCommand.self, ImportCommand.self, ExportCommand.self, LogCommand.self, HistoryCommand.self,
            GraphCommand.self, SpreadCommand.self, ObstaclesCommand.self, ProjectsCommand.self, CitiesCommand.self,
            CityCommand.self,
            ProjectCommand.self, SolutionCommand.self,
            KPIsCommand.self, CCGCommand.self, StatsCommand.self, VerifyCommand.self, ReplayCommand.self,
            GenerateCommand.self, ServeCommand.self, PublishCommand.self, SearchCommand.self, GapsCommand.self,
            NextCommand.self, KeyCommand.self, CheckpointCommand.self, ProveCommand.self, CheckProofCommand.self,
            DiffCommand.self, MirrorCommand.self,
        ]
    )

    // The root command owns main(): ArgumentParser alone would exit 64 on usage errors; SPEC wants 1, 2 and 3.
    static func main() {
        // A memory fault inside LMDB on a damaged store ends the process with one line and exit 3.
        DamageHandler.install()
        // The fault tests' switch: rules honoured only with the guard phrase (see EventStore's FaultInjection).
        let environment = ProcessInfo.processInfo.environment
        FaultInjection.configure(rules: environment["SCKB_FAULT"], guardText: environment["SCKB_FAULT_GUARD"])
        do {
            // The benchmark's switch: the store's write operations to a file, for the B-tree floor (`make bench`).
            try WriteTraceFile.install(path: environment["SCKB_TRACE_WRITES"])
            var command = try parseAsRoot(movingGlobalOptionsAfterCommand(Array(CommandLine.arguments.dropFirst())))
            defer { Terminal.standardOutput.flush() }
            try command.run()
        } catch {
            Terminal.standardOutput.flush()
            let status = ExitStatus(for: error, parserCode: exitCode(for: error))
            guard let status else { exit(withError: error) }
            let text = status == .usage ? oneLine(message(for: error)) : ExitStatus.message(for: error)
            if !text.isEmpty { Terminal.standardError.write("sckb: \(SafeText.escaped(oneLine(text)))\n") }
            Foundation.exit(status.rawValue)
        }
    }

    /// The global options that may also stand before the command name (`sckb --store kb graph`).
    static let globalOptions: Set<String> = ["--store", "--format", "--as-of", "--until"]

    /// Moves global options given before the command name to the end, where every command declares them.
    static func movingGlobalOptionsAfterCommand(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count, arguments[index].hasPrefix("--") {
            let option = arguments[index]
            let name = String(option.prefix { $0 != "=" })
            guard globalOptions.contains(name) else { break }
            leading.append(option)
            if !option.contains("="), index + 1 < arguments.count {
                leading.append(arguments[index + 1])
                index += 1
            }
            index += 1
        }
        guard !leading.isEmpty, index < arguments.count else { return arguments }
        return Array(arguments[index...]) + leading
    }

    /// Joins a parser message onto one line: `Error:` dropped, list items joined with commas.
    private static func oneLine(_ text: String) -> String {
        var result = text.hasPrefix("Error: ") ? String(text.dropFirst(7)) : text
        let lines = result.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard lines.count > 1 else { return result }
        result = lines[0]
        for (index, line) in lines.dropFirst().enumerated() {
            let item = line.hasPrefix("- ") ? String(line.dropFirst(2)) : line
            result += (index == 0 ? " " : ", ") + item
        }
        return result
    }
}
