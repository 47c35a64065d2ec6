import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A running `sckb serve --port 0` process and the address it printed.
final class ServeProcess {
    private let process = Process()
    private let errorPath: String
    private let errorHandle: FileHandle
    /// The port the server bound.
    private(set) var port: Int = 0
    /// The line the server printed on start.
    private(set) var startLine = ""

    /// Starts `sckb serve --port 0 --store store` (and `more` arguments), through `launcher` (e.g. setpriv) when given, and waits (at
    /// most 30 s) for its start line.
    init(
        store: String,
        folder: String,
        launcher: [String] = [],
        environment extra: [String: String] = [:],
        arguments more: [String] = []
    ) throws {
        errorPath = folder + "/serve-\(UUID().uuidString).stderr"
        guard FileManager.default.createFile(atPath: errorPath, contents: nil) else {
            throw HarnessError(description: "cannot create \(errorPath)")
        }
        errorHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        let binary = try sckbBinaryPath()
        let arguments = ["serve", "--port", "0", "--store", store] + more
        var environment = ProcessInfo.processInfo.environment
        environment["SCKB_STORE"] = nil
        environment.merge(extra) { _, given in given }
        if let first = launcher.first {
            process.executableURL = URL(fileURLWithPath: first)
            process.arguments = Array(launcher.dropFirst()) + [binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorHandle
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("http://") }),
                let scheme = line.range(of: "http://"),
                let authority = line[scheme.upperBound...].split(separator: "/").first,
                let port = authority.split(separator: ":").last.flatMap({ Int($0) })
            {
                self.port = port
                self.startLine = String(line)
                return
            }
            if !process.isRunning { break }
            usleep(50_000)
        }
        stop()
        throw HarnessError(description: "sckb serve did not start: \(standardError)")
    }

    /// The server's process id.
    var processIdentifier: Int32 { process.processIdentifier }

    /// What the server wrote on stderr so far.
    var standardError: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the process; returns its exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        try? errorHandle.close()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            _ = Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// One HTTP/1.1 request to the server.
    func request(_ target: String, method: String = "GET") throws -> HTTPAnswer {
        try HTTPAnswer.fetch(port: port, target: target, method: method)
    }
}

/// An HTTP answer read off a plain socket.
struct HTTPAnswer {
    /// The status code.
    var status: Int
    /// Header names lowercased, and values.
    var headers: [String: String]
    /// The body bytes.
    var body: [UInt8]
    /// The body as UTF-8 text.
    var text: String { String(decoding: body, as: UTF8.self) }

    /// Sends `method target` to 127.0.0.1:`port` with `Connection: close` and reads the whole answer.
    static func fetch(port: Int, target: String, method: String) throws -> HTTPAnswer {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw HarnessError(description: "socket failed") }
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw HarnessError(description: "cannot connect to port \(port)") }
        let request = Array("\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(socketDescriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw HarnessError(description: "send failed") }
            sent += count
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socketDescriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        guard let split = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else {
            throw HarnessError(description: "no HTTP head in the answer to \(method) \(target)")
        }
        let head = String(decoding: bytes[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw HarnessError(description: "bad status line \(head.first ?? "")")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces
            )
        }
        var body = Array(bytes[split.upperBound...])
        if let length = headers["content-length"].flatMap(Int.init), method != "HEAD", body.count > length {
            body = Array(body.prefix(length))
        }
        return HTTPAnswer(status: status, headers: headers, body: body)
    }
}

/// Stores for the web view's tests: the real events, plus entities whose names and sources are hostile
/// (`Tests/Fixtures/web-hostile.jsonl`, which the in-process web tests import too).
enum WebFixtures {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// Imports events/ and the hostile events into a new store at `store`.
    static func makeStore(_ store: String) throws {
        let real = try runSCKB(["import", repository + "/events", "--store", store])
        try #require(real.status == 0, "import events/ failed: \(real.standardError)")
        let hostile = try runSCKB(["import", repository + "/Tests/Fixtures/web-hostile.jsonl", "--store", store])
        try #require(hostile.status == 0, "import of the hostile events failed: \(hostile.standardError)")
    }
}
