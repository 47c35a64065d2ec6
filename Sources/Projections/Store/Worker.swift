import Glibc

/// Batches worked through in order on a thread of their own while the caller makes the next ones, so that the two
/// run on two cores: the other way round from ``Prefetched``.
///
/// ``submit(_:)`` queues a batch, waiting while `batchesAhead` are queued; ``finish()`` waits until every batch is
/// done. The first error of the work stops it: the next ``submit(_:)`` or ``finish()`` throws it. The caller ends
/// the thread with ``finish()`` or ``stop()`` before it returns.
final class Worker<Batch>: @unchecked Sendable {
    // @unchecked: everything the two threads share is read and written under `monitor`.

    /// Batches queued at most.
    let batchesAhead: Int
    private let monitor = Monitor()
    private var thread = pthread_t()
    private var isRunning = false
    // Guarded by `monitor`.
    private var queued: [Batch] = []
    private var isWorking = false
    private var isClosed = false
    private var failure: (any Error)?

    /// Starts a thread that runs `work` on each batch submitted, in order. Throws ``ThreadFailure`` when no thread
    /// can start.
    init(batchesAhead: Int = 2, work: @escaping @Sendable (Batch) throws -> Void) throws {
        self.batchesAhead = batchesAhead
        let code = startThread(&thread) { [self] in workThrough(work) }
        guard code == 0 else { throw ThreadFailure(reason: String(cString: strerror(code))) }
        isRunning = true
    }

    /// Queues `batch`, waiting while `batchesAhead` are queued; throws the work's error once it has failed.
    func submit(_ batch: Batch) throws {
        monitor.lock()
        defer { monitor.unlock() }
        while queued.count >= batchesAhead && failure == nil { monitor.wait() }
        if let failure { throw failure }
        queued.append(batch)
        monitor.broadcast()
    }

    /// Waits until every queued batch is done and ends the thread; throws the work's error, if it failed.
    func finish() throws {
        monitor.lock()
        while (!queued.isEmpty || isWorking) && failure == nil { monitor.wait() }
        let failed = failure
        monitor.unlock()
        stop()
        if let failed { throw failed }
    }

    /// Ends the thread after the batch it is working on, dropping those still queued, and waits for it.
    func stop() {
        guard isRunning else { return }
        monitor.lock()
        isClosed = true
        queued.removeAll()
        monitor.broadcast()
        monitor.unlock()
        pthread_join(thread, nil)
        isRunning = false
    }

    /// The thread: each queued batch in order, until closed or the first error.
    private func workThrough(_ work: (Batch) throws -> Void) {
        while true {
            monitor.lock()
            while queued.isEmpty && !isClosed { monitor.wait() }
            guard !queued.isEmpty, failure == nil else {
                monitor.unlock()
                return
            }
            let batch = queued.removeFirst()
            isWorking = true
            monitor.broadcast()
            monitor.unlock()
            var failed: (any Error)?
            do { try work(batch) } catch { failed = error }
            monitor.lock()
            isWorking = false
            if let failed { failure = failed }
            monitor.broadcast()
            monitor.unlock()
        }
    }
}
