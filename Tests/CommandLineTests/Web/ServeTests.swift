import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `sckb serve` as a process: the built binary on a free port of 127.0.0.1, asked over TCP. The pages, the API,
/// the refusals and the cache are tested in process (WebViewTests); these tests keep what only a process shows.
@Suite("sckb serve", .serialized)
struct ServeTests {
    /// Runs `body` with a store of events/ plus the hostile events and a server on it.
    func withServer(_ body: (ServeProcess, String, String) throws -> Void) throws {
        try withTemporaryDirectory { folder in
            let store = folder + "/kb"
            try WebFixtures.makeStore(store)
            let server = try ServeProcess(store: store, folder: folder)
            defer { server.stop() }
            try body(server, store, folder)
        }
    }

    @Test("the server says where it listens, answers a page and the API over TCP, the API as the CLI prints it")
    func answersOverTCP() throws {
        try withServer { server, store, _ in
            #expect(server.startLine.contains("127.0.0.1:\(server.port)") && server.startLine.contains(store))
            let count = try auditEventCount(store: store)
            #expect(server.startLine.contains("\(count) events"), "start line: \(server.startLine)")
            let stats = try auditJSON(["stats", "--store", store])
            let head = try #require((stats["head"] as? [String: Any])?["hash"] as? String)
            let page = try server.request("/")
            #expect(page.status == 200 && page.text.contains(head), "/: \(page.status)")
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
            #expect(page.headers["x-content-type-options"] == "nosniff")
            let cases: [(String, [String])] = [
                ("/api/graph?planned", ["graph", "--planned"]),
                ("/api/city/evil-city", ["city", "evil-city"]),
                (
                    "/api/obstacles?open=true&category=procurement",
                    ["obstacles", "--open", "--category", "procurement"]
                ),
                (
                    "/api/log?type=SolutionReplicated&from=300&limit=2",
                    ["log", "--type", "SolutionReplicated", "--from", "300", "--limit", "2"]
                ),
                ("/api/stats?until=200", ["stats", "--until", "200"]),
            ]
            for (target, arguments) in cases {
                let answer = try server.request(target)
                let cli = try runSCKB(arguments + ["--store", store, "--format", "json"])
                #expect(answer.status == 200, "\(target): \(answer.status) \(answer.text)")
                #expect(answer.headers["content-type"] == "application/json", "\(target)")
                #expect(!cli.outputBytes.isEmpty, "sckb \(arguments) printed nothing: \(cli.standardError)")
                #expect(
                    answer.body == cli.outputBytes,
                    "\(target) differs from sckb \(arguments.joined(separator: " "))"
                )
            }
            let refused = try server.request("/api/graph", method: "DELETE")
            #expect(refused.status == 405 && refused.headers["allow"] == "GET, HEAD")
            let bodiless = try server.request("/api/graph", method: "HEAD")
            #expect(bodiless.status == 200 && bodiless.body.isEmpty)
        }
    }

    @Test("an import by another process shows on the next request; SIGINT and SIGTERM stop the server cleanly")
    func importVisibleAndStop() throws {
        try withServer { server, store, folder in
            let before = try server.request("/api/stats")
            let count = try auditEventCount(store: store)
            #expect(try jsonObject(before.text)["events"] as? Int == count)
            #expect(try server.request("/city/late-city").status == 404)
            try writeJSONLines(
                [#"{"type":"CityRegistered","data":{"city":"late-city","name":"Late City","country":"IT"}}"#],
                to: folder + "/late.jsonl"
            )
            let imported = try runSCKB(["import", folder + "/late.jsonl", "--store", store])
            #expect(imported.status == 0, "\(imported.standardError)")
            let after = try server.request("/api/stats")
            #expect(try jsonObject(after.text)["events"] as? Int == count + 1)
            let page = try server.request("/city/late-city")
            #expect(page.status == 200 && page.text.contains("Late City"))
            let cli = try runSCKB(["cities", "--store", store, "--format", "json"])
            #expect(try server.request("/api/cities").body == cli.outputBytes)
            #expect(server.stop(signal: SIGINT) == 0, "SIGINT: \(server.standardError)")
            let second = try ServeProcess(store: store, folder: folder)
            #expect(try second.request("/").status == 200)
            #expect(second.stop(signal: SIGTERM) == 0, "SIGTERM: \(second.standardError)")
        }
    }

    @Test("a missing store is exit 3 with one line; a port in use is one line and not 0")
    func startFailures() throws {
        try withTemporaryDirectory { folder in
            let missing = try runSCKB(["serve", "--port", "0", "--store", folder + "/none"])
            #expect(missing.status == 3)
            #expect(missing.errorLines.count == 1, "\(missing.standardError)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/none"))
            try WebFixtures.makeStore(folder + "/kb")
            let server = try ServeProcess(store: folder + "/kb", folder: folder)
            defer { server.stop() }
            let clash = try runSCKB(["serve", "--port", String(server.port), "--store", folder + "/kb"])
            #expect(clash.status != 0)
            #expect(clash.errorLines.count == 1, "\(clash.standardError)")
            let badPort = try runSCKB(["serve", "--port", "70000", "--store", folder + "/kb"])
            #expect(badPort.status == 2)
        }
    }
}
