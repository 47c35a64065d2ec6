import Glibc

/// The lines of a JSON Lines file, decoded into events on a thread of their own a few batches ahead of the caller,
/// so that reading and decoding run on a second core beside the rules and the fold.
///
/// ``next()`` gives, in file order, each non-blank line's event or the error that refuses it, located `name:line`;
/// nothing comes after the first error. The caller ends the thread with ``finish()`` before it returns, whether it
/// read everything or stopped early; the thread then stops at its next batch.
final class DecodedLines: @unchecked Sendable {
    // @unchecked: `reader` belongs to the decoding thread until `finish()` has joined it.

    /// One decoded line.
    struct Item {
        /// Its line number, from 1.
        var line: Int
        /// The bytes of the file read up to and including it.
        var bytesRead: Int
        /// Its event, or why it was refused.
        var event: Result<Event, any Error>
        /// The frame of its canonical bytes, when its event is known and has its `at`.
        var frame: Event.CanonicalFrame?
    }

    /// Lines per batch handed over at once.
    static let batchSize = 256

    private let reader: LineReader
    private let name: String
    private var items: Prefetched<Item>?

    /// Opens the file at `path` (errors name it `name`) and starts decoding it.
    init(path: String, named name: String) throws {
        reader = try LineReader(path: path, named: name)
        self.name = name
        do {
            items = try Prefetched { [self] handOver in decodeAll(handOver) }
        } catch let failure as ThreadFailure {
            throw InputError("cannot start reading: \(failure.reason)", at: name)
        }
    }

    /// The next decoded line, or nil at the end of the file (or after an error).
    func next() -> Item? {
        items?.next()
    }

    /// Stops the decoding thread and waits for it; then ``bytesRead`` may be read. Call it once the caller is done.
    func finish() {
        items?.finish()
        // The thread held the queue, and the queue this object: neither outlives the caller.
        items = nil
    }

    /// The bytes of the file the decoding thread read; only after ``finish()``.
    var bytesRead: Int { reader.bytesRead }

    /// The decoding thread: lines into batches, each handed over when full, until the end, an error or `finish()`.
    private func decodeAll(_ handOver: ([Item]) -> Bool) {
        var batch: [Item] = []
        batch.reserveCapacity(Self.batchSize)
        var isStopped = false
        while !isStopped {
            do {
                let more = try reader.nextLine { line in
                    guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
                    let event = decode(line, number: reader.lineNumber)
                    if case .failure = event { isStopped = true }
                    let frame = try? event.get().canonicalFrame()
                    batch.append(
                        Item(line: reader.lineNumber, bytesRead: reader.bytesRead, event: event, frame: frame ?? nil)
                    )
                }
                if !more { isStopped = true }
            } catch {
                batch.append(Item(line: reader.lineNumber, bytesRead: reader.bytesRead, event: .failure(error)))
                isStopped = true
            }
            if batch.count >= Self.batchSize || isStopped {
                if !handOver(batch) { break }
                batch.removeAll(keepingCapacity: true)
            }
        }
    }

    /// The event of one line, or its error located `name:number`.
    private func decode(_ line: UnsafeRawBufferPointer, number: Int) -> Result<Event, any Error> {
        do {
            return .success(try Event(json: JSONParser.parse(line)))
        } catch let error as JSONSyntaxError {
            return .failure(InputError("not valid JSON: \(error.description)", at: "\(name):\(number)"))
        } catch let error as InputError {
            return .failure(error.located(at: "\(name):\(number)"))
        } catch {
            return .failure(error)
        }
    }
}
