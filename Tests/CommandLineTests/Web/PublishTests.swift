import Foundation
import Testing

/// `sckb publish DIR` on events/ and the hostile events: a folder whose every link resolves (checked by
/// scripts/check_published.py with Python's html.parser), whose pages say what `sckb serve` says; a second publish
/// replaces the folder whole and, with --key, adds the signed checkpoint.
@Suite("publish", .serialized)
struct PublishTests {
    /// `html`'s `<main>` without its `href` attributes: the content of a page, whatever its links' form (a published
    /// table's headings, which sort only on a server, keep no link at all).
    static func content(_ html: String) -> String {
        guard let start = html.range(of: "<main>"), let end = html.range(of: "</main>") else { return "" }
        let main = String(html[start.lowerBound..<end.upperBound])
        let expression = try? NSRegularExpression(pattern: " href=\"[^\"]*\"")
        return expression?.stringByReplacingMatches(
            in: main,
            range: NSRange(main.startIndex..., in: main),
            withTemplate: ""
        ) ?? main
    }

    @Test("every link of the folder leads to a file, and its pages say what serve says")
    func publishesTheWholeView() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try WebFixtures.makeStore(store)
            let site = folder + "/site"
            let first = try runSCKB(["publish", site, "--store", store])
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.errorLines.count == 1 && first.standardError.contains("published "))
            // Every linked page answered: none was written as an error page.
            let files = FileManager.default.enumerator(atPath: site)?.compactMap { $0 as? String } ?? []
            let failed = try files.filter { $0.hasSuffix(".html") }.filter {
                try String(contentsOfFile: site + "/" + $0, encoding: .utf8).contains("<title>Not found · sckb")
            }
            #expect(failed.isEmpty, "\(failed.prefix(5))")
            #expect(!FileManager.default.fileExists(atPath: site + "/checkpoint"), "a checkpoint without --key")

            let cities = try jsonObject(try runSCKB(["cities", "--format", "json", "--store", store]).standardOutput)
            let ids = try #require(cities["cities"] as? [[String: Any]]).compactMap { $0["city"] as? String }
            #expect(ids.count >= 120)
            let required =
                [
                    "index.html", "a-z.html", "style.css", "events.jsonl", "graph.html", "graph/planned=true.html",
                    "graph/solution=smart-lamppost.html", "graph/project=triangulum.html", "map.html",
                    "map/planned=true.html", "map/solution=smart-lamppost.html", "map/project=triangulum.html",
                    "cut/as-of=2019-12-31/index.html", "cut/as-of=2019-12-31/cities.html", "api/graph.json",
                    "api/graph.csv", "api/cities.csv", "solution/smart-lamppost.html", "project/triangulum.html",
                ] + ids.map { "city/\($0).html" }
            let check = try runProgram(
                "/usr/bin/env",
                ["python3", WebFixtures.repository + "/scripts/check_published.py", site] + required
            )
            #expect(check.status == 0, "\(check.standardOutput)\(check.standardError)")
            #expect(
                try exportBytes(store: store)
                    == Array(try Data(contentsOf: URL(fileURLWithPath: site + "/events.jsonl")))
            )

            let server = try ServeProcess(store: store, folder: folder)
            defer { _ = server.stop() }
            for (target, file) in [
                ("/city/sabadell", "city/sabadell.html"), ("/project/triangulum", "project/triangulum.html"),
                ("/cities", "cities.html"), ("/cities?as-of=2019-12-31", "cut/as-of=2019-12-31/cities.html"),
            ] {
                let served = try server.request(target)
                let published = try String(contentsOfFile: site + "/" + file, encoding: .utf8)
                #expect(PublishTests.content(served.text) == PublishTests.content(published), "\(file)")
            }
        }
    }

    @Test("a second publish replaces the folder whole; with --key it holds the signed checkpoint of events.jsonl")
    func republishesWithACheckpoint() throws {
        try withTemporaryDirectory { folder in
            // A small generated log: what is checked here does not grow with the log.
            let store = folder + "/kb"
            try writeGeneratedLog(events: 60, seed: 3, to: folder + "/log.jsonl")
            let imported = try runSCKB(["import", folder + "/log.jsonl", "--store", store])
            try #require(imported.status == 0, "\(imported.standardError)")
            let site = folder + "/site"
            let first = try runSCKB(["publish", site, "--store", store])
            #expect(first.status == 0, "\(first.standardError)")
            #expect(!FileManager.default.fileExists(atPath: site + "/checkpoint"), "a checkpoint without --key")

            // What was added since is gone, nothing is left beside the folder.
            try Data("stray".utf8).write(to: URL(fileURLWithPath: site + "/stray.txt"))
            let made = try runSCKB(["key", "generate", "example.org/kb", "--out", folder + "/kb.key"])
            try #require(made.status == 0, "\(made.standardError)")
            let second = try runSCKB([
                "publish", site, "--base-url", "https://kb.example.org/kb", "--key", folder + "/kb.key", "--store", store,
            ])
            #expect(second.status == 0, "\(second.standardError)")
            #expect(!FileManager.default.fileExists(atPath: site + "/stray.txt"))
            #expect(FileManager.default.fileExists(atPath: site + "/index.html"))
            let sitemap = try String(contentsOfFile: site + "/sitemap.txt", encoding: .utf8)
            #expect(sitemap.contains("https://kb.example.org/kb/index.html\n"))
            let beside = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".site.") }
            #expect(beside.isEmpty, "left beside the folder: \(beside)")
            // The signed checkpoint of the events in events.jsonl, as `sckb checkpoint` signs it, and as the
            // verifier written apart from sckb accepts it.
            #expect(try exportBytes(store: store) == Array(try Data(contentsOf: URL(fileURLWithPath: site + "/events.jsonl"))))
            let checkpoint = try Data(contentsOf: URL(fileURLWithPath: site + "/checkpoint"))
            let signed = try runSCKB(["checkpoint", "--key", folder + "/kb.key", "--store", store])
            #expect(Array(checkpoint) == signed.outputBytes)
            #expect(String(decoding: checkpoint, as: UTF8.self).hasPrefix("example.org/kb\n60\n"))
            let verified = try runProgram(
                "/usr/bin/env",
                [
                    "python3", WebFixtures.repository + "/scripts/verify_proof.py", "checkpoint", site + "/checkpoint",
                    "--verifier", made.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines),
                ]
            )
            #expect(verified.status == 0, "\(verified.standardOutput)\(verified.standardError)")
        }
    }

    @Test("a folder that is not an earlier publish is refused untouched; so is an unreadable --key, a bad --base-url")
    func refusals() throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try WebFixtures.makeStore(store)
            let mine = folder + "/mine"
            try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: false)
            try Data("keep".utf8).write(to: URL(fileURLWithPath: mine + "/notes.txt"))
            let refused = try runSCKB(["publish", mine, "--store", store])
            #expect(refused.status == 1)
            #expect(refused.errorLines.count == 1 && refused.standardError.contains("not the output of an earlier"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: mine) == ["notes.txt"])
            let key = try runSCKB(["publish", folder + "/site", "--key", folder + "/key", "--store", store])
            #expect(key.status == 1 && key.errorLines.count == 1, "\(key.standardError)")
            let url = try runSCKB(["publish", folder + "/site", "--base-url", "ftp://x", "--store", store])
            #expect(url.status == 2 && url.errorLines.count == 1)
            #expect(!FileManager.default.fileExists(atPath: folder + "/site"))
            let missing = try runSCKB(["publish", folder + "/site", "--store", folder + "/none"])
            #expect(missing.status == 3)
        }
    }
}
