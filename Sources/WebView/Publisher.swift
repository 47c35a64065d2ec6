import Foundation
import Glibc
import Projections

/// A publish that cannot be done: where, what and why, in one line.
public struct PublishError: Error, Sendable, CustomStringConvertible {
    /// The folder or file concerned.
    public var path: String
    /// What went wrong there.
    public var reason: String

    /// A refusal about `path`.
    public init(_ path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `cannot publish to PATH: REASON`.
    public var description: String { "cannot publish to \(SafeText.escaped(path)): \(reason)" }
}

/// What a publish wrote.
public struct PublishSummary: Sendable {
    /// HTML pages written.
    public var pages = 0
    /// `/api/` answers written (`.json` and `.csv`).
    public var answers = 0
    /// Bytes written, `events.jsonl` included.
    public var bytes = 0
    /// Events in `events.jsonl`.
    public var events = 0
    /// Linked addresses that answered other than 200 (their answer is written all the same, as `serve` gives it).
    public var failures: [String] = []
}

/// `sckb publish`: the whole web view of a site as static files with relative links, written into a new folder
/// that is then renamed into place.
///
/// It starts from the overview, the A–Z index, every city, project and solution page, the graph and the map, and
/// the overview at the end of each year the log has events in, and follows every link of every page (a page's forms
/// first become links: see ``PublishedPage``), so that every link of the folder leads to a file. Each page is what
/// ``Site/respond(method:path:query:)`` answers for it, with its links made relative. Each `/api/` answer gets its
/// CSV beside it where the route has one. `events.jsonl` is the export.
public struct Publisher {
    /// The site whose pages are written.
    public let site: Site
    /// Where the folder will be served from, for `sitemap.txt`; nil writes no sitemap.
    public let baseURL: String?
    /// The key that signs the `checkpoint` written beside `events.jsonl` (SPEC §10); nil writes none.
    public let signer: NoteSigner?

    /// The file that marks a folder as the output of a publish, so that a later publish may replace it.
    public static let marker = ".sckb-publish"
    /// The most files a publish writes before it stops with an error (a guard against a link loop).
    public static let fileLimit = 500_000

    /// A publisher of `site`; `baseURL` must be an http or https address when given; with `signer`, the folder gets
    /// the signed checkpoint of the events its `events.jsonl` holds.
    public init(site: Site, baseURL: String? = nil, signer: NoteSigner? = nil) {
        self.site = site
        self.signer = signer
        self.baseURL = baseURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" }
    }

    /// Writes the site into `directory`, which must not exist or be the output of an earlier publish (then it is
    /// replaced whole): everything is written into a new folder beside it, which is then renamed into place.
    public func publish(to directory: String) throws -> PublishSummary {
        let manager = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        var isFolder: ObjCBool = false
        let exists = manager.fileExists(atPath: target.path, isDirectory: &isFolder)
        if exists {
            guard isFolder.boolValue,
                manager.fileExists(atPath: target.appendingPathComponent(Publisher.marker).path)
            else {
                throw PublishError(
                    directory,
                    "it exists and is not the output of an earlier sckb publish (no \(Publisher.marker)); give a new"
                        + " folder or remove it"
                )
            }
        }
        let parent = target.deletingLastPathComponent()
        guard manager.fileExists(atPath: parent.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw PublishError(directory, "its parent folder \(parent.path) does not exist")
        }
        let name = target.lastPathComponent
        let staging = parent.appendingPathComponent(".\(name).publishing-\(UUID().uuidString)")
        do {
            try manager.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw PublishError(directory, "cannot create \(staging.path): \(error.localizedDescription)")
        }
        let summary: PublishSummary
        do {
            summary = try write(into: staging.path)
        } catch {
            try? manager.removeItem(at: staging)
            throw error
        }
        do {
            if exists {
                let old = parent.appendingPathComponent(".\(name).replaced-\(UUID().uuidString)")
                try manager.moveItem(at: target, to: old)
                try manager.moveItem(at: staging, to: target)
                try? manager.removeItem(at: old)
            } else {
                try manager.moveItem(at: staging, to: target)
            }
        } catch {
            try? manager.removeItem(at: staging)
            throw PublishError(directory, "cannot rename the new folder into place: \(error.localizedDescription)")
        }
        return summary
    }

    // MARK: Writing

    private func write(into folder: String) throws -> PublishSummary {
        var summary = PublishSummary()
        var writer = FolderWriter(root: folder)
        let base = site.base
        var years: Set<Int> = []
        try base.log(LogFilter()) { entry in
            if let year = Int(entry.stored.at.text.prefix(4)) { years.insert(year) }
        }
        let sortedYears = years.sorted()

        var queue: [(address: PublishedAddress, isLinked: Bool)] = []
        var queued: Set<String> = []
        func enqueue(_ address: PublishedAddress, isLinked: Bool = true) {
            guard queued.insert(address.file).inserted else { return }
            queue.append((address, isLinked))
        }
        for path in ["/", "/a-z", "/style.css", "/graph", "/map"] { enqueue(PublishedAddress(path: path)) }
        for city in try base.cityList().cities { enqueue(PublishedAddress(path: "/city/" + city.city.rawValue)) }
        for project in try base.projectList().projects {
            enqueue(PublishedAddress(path: "/project/" + project.project.rawValue))
        }
        for solution in try base.spread().solutions {
            enqueue(PublishedAddress(path: "/solution/" + solution.solution.rawValue))
        }
        for year in sortedYears {
            enqueue(PublishedAddress(path: "/", parameters: [.init(name: "as-of", value: "\(year)-12-31")]))
        }

        var next = 0
        while next < queue.count {
            let (address, isLinked) = queue[next]
            next += 1
            guard queue.count + summary.pages < Publisher.fileLimit else {
                throw PublishError(folder, "the site has more than \(Publisher.fileLimit) files; a link loop?")
            }
            let answer = site.respond(method: "GET", path: address.path, query: address.query)
            guard answer.status == 200 || isLinked else { continue }
            if answer.status != 200 {
                summary.failures.append(address.link)
            }
            var body = answer.body
            if answer.contentType == WebResponse.htmlType {
                var found: [PublishedAddress] = []
                let page = PublishedPage(file: address.file, years: sortedYears)
                body = Array(page.rewrite(String(decoding: answer.body, as: UTF8.self), found: &found).utf8)
                for link in found { enqueue(link) }
                summary.pages += 1
            } else if address.isAPI {
                summary.answers += 1
                if answer.status == 200, !address.parameters.contains(where: { $0.name == "format" }) {
                    enqueue(address.setting("format", to: "csv"), isLinked: false)
                }
            }
            try writer.write(body, to: address.file)
        }

        var events: [UInt8] = []
        try base.export { line in
            events += line
            events.append(0x0A)
            summary.events += 1
        }
        try writer.write(events, to: "events.jsonl")
        if let signer, summary.events > 0 {
            try writer.write(try base.signedCheckpoint(size: UInt64(summary.events), signer: signer), to: "checkpoint")
        }
        if let baseURL {
            let pages = queue.map(\.address.file).filter { $0.hasSuffix(".html") }.sorted()
            try writer.write(Array(pages.map { baseURL + $0 + "\n" }.joined().utf8), to: "sitemap.txt")
        }
        let head = try base.head()
        let mark =
            "written by sckb publish at position \(head?.position.rawValue ?? 0), head \(head?.hash.hex ?? "none")\n"
        try writer.write(Array(mark.utf8), to: Publisher.marker)
        summary.bytes = writer.bytes
        return summary
    }
}

/// Writes files under a root folder, making the folders they need.
private struct FolderWriter {
    let root: String
    var folders: Set<String> = []
    var bytes = 0

    mutating func write(_ body: [UInt8], to file: String) throws {
        let path = root + "/" + file
        let folder = (path as NSString).deletingLastPathComponent
        if !folders.contains(folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw PublishError(folder, "cannot create the folder: \(error.localizedDescription)")
            }
            folders.insert(folder)
        }
        // Plain open and write: FileManager's createFile writes each file atomically through a temporary file, which
        // took four fifths of a publish's time on a disk; the folder as a whole is what is renamed into place.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw PublishError(path, "cannot create the file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var written = 0
        while written < body.count {
            let count = body.withUnsafeBytes { buffer in
                Glibc.write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
            }
            guard count > 0 else {
                throw PublishError(path, "cannot write the file: \(String(cString: strerror(errno)))")
            }
            written += count
        }
        bytes += body.count
    }
}
