import ArgumentParser
import Foundation
import Projections
import WebView

struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Write the whole web view as static files, with relative links, into a folder.",
        discussion: """
            Every page of `sckb serve` without parameters, every city, project and
            solution page, the graph and the map per solution and per project, the
            record at the end of each year, /api/... as .json and .csv files, an A-Z
            index instead of search, and events.jsonl (the export). It works from a
            file:// URL and under any base path. The folder is written beside DIR and
            renamed into place: DIR must not exist, or be an earlier publish (it is
            then replaced whole).

            Examples:
              sckb publish site --store /tmp/kb
              sckb publish /var/www/kb --base-url https://kb.example.org/
              sckb publish site --key ~/sckb.key --store /tmp/kb
            """
    )

    @Argument(help: ArgumentHelp("The folder to write (new, or an earlier publish).", valueName: "dir"))
    var directory: String

    @Option(
        help: ArgumentHelp(
            "Write `checkpoint`, signed with this key (from `sckb key generate`), beside events.jsonl.",
            valueName: "file"
        )
    )
    var key: String?

    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp("Where the folder will be served, for sitemap.txt (default: no sitemap).", valueName: "url")
    )
    var baseURL: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard !directory.isEmpty else { throw ValidationError("publish needs a folder") }
        if let baseURL {
            guard baseURL.hasPrefix("https://") || baseURL.hasPrefix("http://"), baseURL.count > 8,
                !baseURL.unicodeScalars.contains(where: { $0 == " " || SafeText.isControl($0) })
            else {
                throw ValidationError("--base-url '\(SafeText.escaped(baseURL))' is not an http or https address")
            }
        }
    }

    func run() throws {
        // The key is read before anything is written: a bad key file is bad input, and no folder is touched.
        let signer = try key.map(KeyFiles.signer(at:))
        let base = try KnowledgeBase(path: store.path, creating: false, readingOnly: true)
        if signer != nil, try base.head() == nil {
            throw InputError("--key: the log is empty, so there is no checkpoint to sign; publish without --key")
        }
        let summary = try Publisher(site: Site(base: base), baseURL: baseURL, signer: signer).publish(to: directory)
        var line = "published \(summary.pages) pages, \(summary.answers) API answers and \(summary.events) events"
        line += " (\(summary.bytes) bytes) to \(SafeText.escaped(directory))"
        if !summary.failures.isEmpty {
            line += "; \(summary.failures.count) linked pages answered an error, for example "
            line += SafeText.escaped(summary.failures[0])
        }
        Terminal.standardError.write(line + "\n")
    }
}
