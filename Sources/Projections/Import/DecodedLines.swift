import Glibc

/// The lines of a JSON Lines file, decoded into events on a thread of their own a few batches ahead of the caller,
/// so that reading and decoding run on a second core beside the rules and the fold.
///
/// ``next()`` gives, in file order, each non-blank line's event or the error that refuses it, located `name:line`;
/// nothing comes after the first error. The caller ends the thread with ``finish()`` before it returns, whether it
/// read everything or stopped early; the thread then stops at its next batch.
final class DecodedLines: @unchecked Sendable {
    // @unchecked: `reader` belongs to the decoding thread until `finish()` has joined it; everything else the two
    // threads share is read and written under `mutex`.

    /// One decoded line.
    struct Item {
        /// Its line number, from 1.
        var line: Int
        /// The bytes of the file read up to and including it.
        var bytesRead: Int
        /// Its event, or why it was refused.
        var event: Result<Event, any Error>
    }

    /// Lines per batch handed over at once, and batches decoded ahead at most.
    static let batchSize = 256
    static let batchesAhead = 8

    private let reader: LineReader
    private let name: String
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var thread = pthread_t()
    private var isRunning = false
    // Guarded by `mutex`.
    private var ready: [[Item]] = []
    private var isDecoded = false
    private var isFinished = false
    // The caller's side.
    private var current: [Item] = []
    private var index = 0

    /// Opens the file at `path` (errors name it `name`) and starts decoding it.
    init(path: String, named name: String) throws {
        reader = try LineReader(path: path, named: name)
        self.name = name
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        let code = pthread_create(&thread, nil, { context in
            let lines = Unmanaged<DecodedLines>.fromOpaque(context!).takeRetainedValue()
            lines.decodeAll()
            return nil
        }, context)
        guard code == 0 else {
            Unmanaged<DecodedLines>.fromOpaque(context).release()
            throw InputError("cannot start reading: \(String(cString: strerror(code)))", at: name)
        }
        isRunning = true
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    /// The next decoded line, or nil at the end of the file (or after an error).
    func next() -> Item? {
        if index == current.count {
            pthread_mutex_lock(mutex)
            while ready.isEmpty && !isDecoded { pthread_cond_wait(changed, mutex) }
            current = ready.isEmpty ? [] : ready.removeFirst()
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
            index = 0
            if current.isEmpty { return nil }
        }
        defer { index += 1 }
        return current[index]
    }

    /// Stops the decoding thread and waits for it; then ``bytesRead`` may be read. Call it once the caller is done.
    func finish() {
        guard isRunning else { return }
        pthread_mutex_lock(mutex)
        isFinished = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
        pthread_join(thread, nil)
        isRunning = false
    }

    /// The bytes of the file the decoding thread read; only after ``finish()``.
    var bytesRead: Int { reader.bytesRead }

    /// The decoding thread: lines into batches, each handed over when full, until the end, an error or `finish()`.
    private func decodeAll() {
        var batch: [Item] = []
        batch.reserveCapacity(Self.batchSize)
        var isStopped = false
        while !isStopped {
            do {
                let more = try reader.nextLine { line in
                    guard line.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { return }
                    let event = decode(line, number: reader.lineNumber)
                    if case .failure = event { isStopped = true }
                    batch.append(Item(line: reader.lineNumber, bytesRead: reader.bytesRead, event: event))
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
        pthread_mutex_lock(mutex)
        isDecoded = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(mutex)
    }

    /// Queues a batch for the caller, waiting while enough are queued; false once the caller has finished.
    private func handOver(_ batch: [Item]) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while ready.count >= Self.batchesAhead && !isFinished { pthread_cond_wait(changed, mutex) }
        guard !isFinished else { return false }
        if !batch.isEmpty { ready.append(batch) }
        pthread_cond_broadcast(changed)
        return true
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
