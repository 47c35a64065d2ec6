import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `mirror` of an HTTP source that misbehaves, as a hostile or broken server would: each refusal is exit 1 with one
/// line that says what went wrong and where, and the mirror is left without a store.
@Suite("mirror of a hostile HTTP source", .serialized, .timeLimit(.minutes(2)))
struct HostileFeedTests {
    /// A server in Python's standard library, written apart from sckb: it answers every request with `answer` (the
    /// raw bytes of a response, headers included) and then closes the connection. It writes its port and process id to
    /// `portFile`, and ends by itself after 30 seconds without a connection.
    static let server = """
        import os, socket, sys
        answer = open(sys.argv[1], 'rb').read()
        listener = socket.socket()
        listener.bind(('127.0.0.1', 0))
        listener.listen(8)
        listener.settimeout(30)
        open(sys.argv[2] + '.tmp', 'w').write('%d %d' % (listener.getsockname()[1], os.getpid()))
        os.rename(sys.argv[2] + '.tmp', sys.argv[2])
        while True:
            connection, _ = listener.accept()
            request = b''
            while b'\\r\\n\\r\\n' not in request:
                chunk = connection.recv(65536)
                if not chunk: break
                request += chunk
            connection.sendall(answer)
            connection.close()
        """

    /// Runs `sckb mirror` against a server that answers `answer`, and returns what the mirror run produced.
    static func mirror(answering answer: [UInt8], in folder: String) throws -> (RunResult, mirror: String) {
        try Data(server.utf8).write(to: URL(fileURLWithPath: folder + "/server.py"))
        try Data(answer).write(to: URL(fileURLWithPath: folder + "/answer"))
        let portFile = folder + "/port"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", folder + "/server.py", folder + "/answer", portFile]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try #require(waitForFile(portFile, madeBy: process, seconds: 10), "the test server did not start")
        let started = try String(contentsOfFile: portFile, encoding: .utf8).split(separator: " ").compactMap { Int($0) }
        try #require(started.count == 2, "the test server wrote no port")
        let port = started[0]
        // python3 may be a launcher script whose child is the server: the server itself is killed, by its own id.
        defer { kill(pid_t(started[1]), SIGKILL) }
        let mirror = folder + "/mirror-\(port)"
        return (try runSCKB(["mirror", "http://127.0.0.1:\(port)", "--store", mirror]), mirror)
    }

    /// An HTTP/1.1 answer with `status`, a `Content-Length` header that may lie, and `body`.
    static func response(status: String, contentLength: Int, body: [UInt8]) -> [UInt8] {
        let head =
            "HTTP/1.1 \(status)\r\nContent-Type: application/x-ndjson\r\n"
            + "Content-Length: \(contentLength)\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// The first `count` lines of the export of a generated log, each ending in a newline.
    static func exportedLines(_ count: Int, in folder: String) throws -> [UInt8] {
        try writeGeneratedLog(events: count, seed: 5, to: folder + "/log.jsonl")
        try #require(try runSCKB(["import", folder + "/log.jsonl", "--store", folder + "/source"]).status == 0)
        return try exportBytes(store: folder + "/source")
    }

    @Test(
        "a 500, an answer cut short, a line that is not an event, an over-long line: exit 1, one line, no store",
        arguments: ["status", "cut", "garbage", "long"]
    )
    func refusedAnswer(_ kind: String) throws {
        try withTemporaryDirectory { folder in
            let lines = try Self.exportedLines(3, in: folder)
            let answer: [UInt8]
            let expected: String
            switch kind {
            case "status":
                answer = Self.response(status: "500 Internal Server Error", contentLength: 0, body: [])
                expected = "the server answers 500"
            case "cut":
                answer = Self.response(status: "200 OK", contentLength: lines.count + 1000, body: lines)
                expected = "the connection closed before the answer was complete"
            case "garbage":
                let body = Array("this is not an event\n".utf8)
                answer = Self.response(status: "200 OK", contentLength: body.count, body: body)
                expected = "/api/events:1: not valid JSON"
            default:
                let body = Array(repeating: UInt8(ascii: "a"), count: (1 << 20) + 10) + [UInt8(ascii: "\n")]
                answer = Self.response(status: "200 OK", contentLength: body.count, body: body)
                expected = "/api/events:1: line 1 is longer than"
            }
            let (result, mirror) = try Self.mirror(answering: answer, in: folder)
            #expect(result.status == 1, "\(result.standardError)")
            #expect(result.errorLines.count == 1, "\(result.standardError)")
            #expect(result.standardError.contains(expected), "\(result.standardError)")
            #expect(result.standardError.contains("http://127.0.0.1:"), "\(result.standardError)")
            #expect(!FileManager.default.fileExists(atPath: mirror + "/data.mdb"), "\(kind) left a store behind")
        }
    }

    @Test("a port with no server, and an https:// source: exit 1 with one line that says why, no store")
    func unreachableAndHTTPS() throws {
        try withTemporaryDirectory { folder in
            // A port that was free a moment ago: bound, read and closed.
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let port = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw -> UInt16 in
                    _ = bind(listener, raw, length)
                    _ = getsockname(listener, raw, &length)
                    return UInt16(bigEndian: pointer.pointee.sin_port)
                }
            }
            close(listener)
            let unreachable = try runSCKB(["mirror", "http://127.0.0.1:\(port)", "--store", folder + "/a"])
            #expect(unreachable.status == 1 && unreachable.errorLines.count == 1, "\(unreachable.standardError)")
            #expect(unreachable.standardError.contains("cannot be reached"), "\(unreachable.standardError)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/a/data.mdb"))

            let secure = try runSCKB(["mirror", "https://127.0.0.1:\(port)", "--store", folder + "/b"])
            #expect(secure.status == 1 && secure.errorLines.count == 1, "\(secure.standardError)")
            #expect(secure.standardError.contains("https is not supported"), "\(secure.standardError)")
            #expect(!FileManager.default.fileExists(atPath: folder + "/b/data.mdb"))
        }
    }
}
