import ArgumentParser
import Projections

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a valid synthetic log of N events as JSON Lines; the same seed gives the same bytes.",
        discussion: """
            Hundreds of projects, thousands of cities and solutions, demonstrations,
            impacts, replications and plans, CCG activity and travel, grants and a
            few retractions; every event passes the rules when imported in order
            into an empty store.

            Examples:
              sckb generate --events 1000000 --seed 7 > big.jsonl
              sckb generate --events 5000 | sckb import - --store /tmp/kb
            """
    )

    @Option(help: ArgumentHelp("How many events.", valueName: "N")) var events: Int
    @Option(help: ArgumentHelp("The seed (default: 1).", valueName: "S")) var seed: UInt64 = 1

    func validate() throws {
        guard events >= 0 else { throw ValidationError("--events must be 0 or more") }
    }

    func run() throws {
        let newline = UInt8(ascii: "\n")
        SyntheticLog(count: events, seed: seed).write { line in
            Terminal.standardOutput.write(bytes: line)
            Terminal.standardOutput.write(bytes: CollectionOfOne(newline))
        }
        Terminal.standardOutput.flush()
    }
}
