import Foundation
import Glibc
import Projections
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Reads an `sckb serve` feed (`/api/events?after=N&limit=K`) into a local JSON Lines file, a page at a time.
///
/// Foundation's URLSession (FoundationNetworking, which ships with the toolchain) does the HTTP: no package is added
/// to the build for it.
enum MirrorFeed {
    /// Events asked for per request: the most the feed serves.
    static let pageSize = 10_000

    /// Writes the feed of the server at `base` (without a final `/`), its events after position `after`, to the file
    /// at `path`, in order; bad input (exit 1) when the server cannot be reached or answers anything but 200.
    static func download(from base: String, after: UInt64, to path: String) throws {
        guard let output = FileHandle(forWritingAtPath: path) else {
            throw InputError("cannot write the feed's copy", at: path)
        }
        defer { try? output.close() }
        var last = after
        while true {
            let target = "\(base)/api/events?after=\(last)&limit=\(pageSize)"
            let page = try fetch(target)
            try output.write(contentsOf: page)
            let lines = page.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            guard lines.count == pageSize, let final = lines.last else { return }
            let number = try JSONParser.parse(Array(final))["position"]?.numberValue?.integerValue
            guard let number, number > 0, UInt64(number) > last else {
                throw InputError("the feed's page ends without a later position", at: target)
            }
            last = UInt64(number)
        }
    }

    /// The body of a GET of `target`.
    static func fetch(_ target: String) throws -> Data {
        guard let url = URL(string: target) else { throw InputError("not a URL", at: target) }
        let answer = Mutex<Result<Data, InputError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: url) { data, response, error in
            let result: Result<Data, InputError>
            if let error {
                result = .failure(InputError("cannot be read: \(error.localizedDescription)", at: target))
            } else if let status = (response as? HTTPURLResponse)?.statusCode, status != 200 {
                result = .failure(InputError("the server answers \(status)", at: target))
            } else {
                result = .success(data ?? Data())
            }
            answer.withLock { $0 = result }
            done.signal()
        }
        task.resume()
        done.wait()
        guard let result = answer.withLock({ $0 }) else { throw InputError("no answer", at: target) }
        return try result.get()
    }
}
