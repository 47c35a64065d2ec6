import ArgumentParser
import Foundation
import Projections
import WebView

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve a read-only web view of the store: pages, an SVG graph and the JSON API.",
        discussion: """
            Opens the store for reading only and never writes to it; an import by another
            process shows on the next request. Every page takes ?as-of=DATE&until=N|DATE;
            /api/VIEW answers what `sckb VIEW --format json` prints; /api/events?after=N
            is the feed mirrors follow, and with --key the server signs /api/checkpoint,
            /api/proof/POSITION and /api/consistency?old=M. Ctrl-C or SIGTERM stops it.

            Examples:
              sckb serve --store /tmp/kb
              sckb serve --port 9000 --host 127.0.0.1
              sckb serve --key ~/sckb.key
            """
    )

    @Option(help: ArgumentHelp("The TCP port (default: 8080; 0 picks a free one).", valueName: "N"))
    var port: Int = 8080

    @Option(help: ArgumentHelp("The address to listen on (default: 127.0.0.1).", valueName: "host"))
    var host = "127.0.0.1"

    @Option(
        help: ArgumentHelp(
            "A private key file (sckb key generate): adds /api/checkpoint, /api/proof and /api/consistency.",
            valueName: "file"
        )
    )
    var key: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port) is not a port (0 to 65535)") }
        guard !host.isEmpty else { throw ValidationError("--host needs an address") }
    }

    func run() throws {
        let signer = try key.map { try KeyFiles.signer(at: $0) }
        let base = try KnowledgeBase(path: store.path, creating: false, readingOnly: true)
        let site = Site(base: base, signer: signer)
        let events = try site.headPosition()
        let caching = ProcessInfo.processInfo.environment["SCKB_SERVE_CACHE"] != "off"
        let path = store.path
        do {
            try WebServer.run(site: site, host: host, port: port, caching: caching) { host, port in
                Terminal.standardError.write(
                    "sckb serve: http://\(host):\(port)/ store \(SafeText.escaped(path)), \(events) events, read-only\n"
                )
            }
        } catch {
            throw CommandFailure(status: .refused, description: "cannot serve on \(host):\(port): \(error)")
        }
    }
}
