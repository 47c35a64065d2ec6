import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("sckb serve, isolated", .serialized)
struct WebIsolationTests {
    static let setpriv = "/usr/bin/setpriv"
    static let asNobody = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]

    @Test("served as nobody from a store it may read but not write: every view answers, the data file is unchanged")
    func readOnlyAsNobody() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.setpriv), "setpriv (util-linux) is needed")
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try WebFixtures.makeStore(store)
            // Root owns everything; nobody may read the data file but not write it. LMDB's readers record
            // themselves in the lock file, so that one alone is writable for all.
            #expect(chmod(folder, 0o755) == 0 && chmod(store, 0o755) == 0)
            #expect(chmod(store + "/data.mdb", 0o644) == 0 && chmod(store + "/lock.mdb", 0o666) == 0)
            let probe = try runProgram(
                Self.asNobody[0],
                Array(Self.asNobody.dropFirst()) + ["/bin/sh", "-c", "echo x >> '\(store)/data.mdb'"],
                timeout: 120
            )
            try #require(probe.status != 0, "nobody could write the data file; the test would prove nothing")
            // A command that opens the store as writers do (read-write map) is refused there.
            let writerOpen = try runProgram(
                Self.asNobody[0],
                Array(Self.asNobody.dropFirst()) + [try sckbBinaryPath(), "stats", "--store", store],
                timeout: 120
            )
            try #require(writerOpen.status == 3, "a read-write open as nobody: \(writerOpen.status)")
            let before = try Data(contentsOf: URL(fileURLWithPath: store + "/data.mdb"))

            let server = try ServeProcess(store: store, folder: folder, launcher: Self.asNobody)
            defer { server.stop() }
            let status = try String(contentsOfFile: "/proc/\(server.processIdentifier)/status", encoding: .utf8)
            #expect(status.contains("Uid:\t65534\t65534"), "the server does not run as nobody")
            let targets = [
                "/", "/graph?planned", "/graph?as-of=2019-12-31&until=360", "/spread?sort=area", "/kpis",
                "/city/leipzig", "/city/sabadell?until=355", "/project/triangulum", "/solution/urban-data-platform",
                "/cities", "/projects", "/ccg/members", "/ccg/meetings", "/ccg/travel",
                "/ccg/eligibility?city=leipzig&meeting=m", "/log", "/history/sabadell", "/api/graph?until=356",
                "/api/stats", "/api/verify", "/api/log?as-of=2018-01-01", "/api/kpis?as-of=2020-01-01",
            ]
            for target in targets {
                let answer = try server.request(target)
                #expect(answer.status == 200, "\(target) as nobody: \(answer.status) \(answer.text.prefix(300))")
            }
            let verify = try jsonObject(try server.request("/api/verify").text)
            #expect(verify["ok"] as? Bool == true)
            let after = try Data(contentsOf: URL(fileURLWithPath: store + "/data.mdb"))
            #expect(before == after, "the data file changed while only the server had it open")

            // A write by another process (root here) shows on the next request.
            try writeJSONLines(
                [#"{"type":"CityRegistered","data":{"city":"late-city","name":"Late City","country":"IT"}}"#],
                to: folder + "/late.jsonl"
            )
            let imported = try runSCKB(["import", folder + "/late.jsonl", "--store", store])
            #expect(imported.status == 0, "\(imported.standardError)")
            #expect(try server.request("/city/late-city").status == 200)
            #expect(server.stop() == 0, "\(server.standardError)")
        }
    }

    @Test("headless chromium renders the overview, the graph and a city page with their elements")
    func browser() throws {
        let chromium = "/usr/bin/chromium"
        try #require(FileManager.default.isExecutableFile(atPath: chromium), "chromium is needed (make test-deps)")
        let screenshots = WebFixtures.repository + "/.build/web-screenshots"
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try WebFixtures.makeStore(store)
            let server = try ServeProcess(store: store, folder: folder)
            defer { server.stop() }
            let pages: [(String, String, [String])] = [
                ("/", "overview", ["<nav aria-label=\"views\">", "id=\"cut\"", "Headline figures", "<table>"]),
                (
                    "/graph?planned", "graph",
                    ["<svg class=\"graph\"", "<path class=\"edge", "class=\"edge planned\"", "<circle", "<marker"]
                ),
                ("/city/sabadell", "city", ["<h1>City: Sabadell</h1>", "Replications in", "href=\"/city/barcelona\""]),
            ]
            for (target, name, expected) in pages {
                let options = [
                    "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                    "--run-all-compositor-stages-before-draw", "--virtual-time-budget=3000",
                    "--user-data-dir=\(folder)/chromium-\(name)", "--window-size=1200,1400",
                ]
                let url = "http://127.0.0.1:\(server.port)\(target)"
                let dom = try runProgram(chromium, options + ["--dump-dom", url], timeout: 120)
                #expect(dom.status == 0, "chromium --dump-dom \(target): \(dom.standardError.suffix(500))")
                for text in expected {
                    #expect(dom.standardOutput.contains(text), "the DOM of \(target) lacks \(text)")
                }
                #expect(!dom.standardOutput.contains("<script"))
                let png = screenshots + "/\(name).png"
                try? FileManager.default.removeItem(atPath: png)
                let shot = try runProgram(chromium, options + ["--screenshot=\(png)", url], timeout: 120)
                #expect(shot.status == 0, "chromium --screenshot \(target): \(shot.standardError.suffix(500))")
                let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
                #expect(bytes.count > 10_000 && bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(png)")
            }
        }
    }
}
