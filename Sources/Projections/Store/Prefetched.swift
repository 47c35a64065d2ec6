import Glibc

/// Items made on a thread of their own a few batches ahead of the caller, so that making them (reading and decoding)
/// runs on a second core beside the rules and the fold.
///
/// ``next()`` gives the items in the order the thread made them, then nil. The caller ends the thread with
/// ``finish()`` before it returns, whether it took everything or stopped early; the thread then stops at its next
/// batch.
final class Prefetched<Item>: @unchecked Sendable {
    // @unchecked: everything the two threads share is read and written under `monitor`; `current` and `index` are
    // the caller's alone.

    /// Batches made ahead at most.
    let batchesAhead: Int
    private let monitor = Monitor()
    private var thread = pthread_t()
    private var isRunning = false
    // Guarded by `monitor`.
    private var ready: [[Item]] = []
    private var isMade = false
    private var isFinished = false
    // The caller's side.
    private var current: [Item] = []
    private var index = 0

    /// Starts `make` on a new thread. It hands each batch over with the function it is given, which waits while
    /// `batchesAhead` batches are queued and returns false once the caller has finished (`make` then returns).
    /// Throws the `pthread_create` error code when no thread can start.
    init(batchesAhead: Int = 8, make: @escaping @Sendable (_ handOver: ([Item]) -> Bool) -> Void) throws {
        self.batchesAhead = batchesAhead
        let code = startThread(&thread) { [self] in
            make { handOver($0) }
            markMade()
        }
        guard code == 0 else { throw ThreadFailure(reason: String(cString: strerror(code))) }
        isRunning = true
    }

    /// The next item, or nil once the thread has made all it makes.
    func next() -> Item? {
        if index == current.count {
            monitor.lock()
            while ready.isEmpty && !isMade { monitor.wait() }
            current = ready.isEmpty ? [] : ready.removeFirst()
            monitor.broadcast()
            monitor.unlock()
            index = 0
            if current.isEmpty { return nil }
        }
        defer { index += 1 }
        return current[index]
    }

    /// Stops the thread and waits for it. Call it once the caller is done.
    func finish() {
        guard isRunning else { return }
        monitor.lock()
        isFinished = true
        monitor.broadcast()
        monitor.unlock()
        pthread_join(thread, nil)
        isRunning = false
    }

    /// Queues a batch for the caller, waiting while enough are queued; false once the caller has finished.
    private func handOver(_ batch: [Item]) -> Bool {
        monitor.lock()
        defer { monitor.unlock() }
        while ready.count >= batchesAhead && !isFinished { monitor.wait() }
        guard !isFinished else { return false }
        if !batch.isEmpty { ready.append(batch) }
        monitor.broadcast()
        return true
    }

    private func markMade() {
        monitor.lock()
        isMade = true
        monitor.broadcast()
        monitor.unlock()
    }
}

/// Starts a thread that runs `body`; returns `pthread_create`'s code.
func startThread(_ thread: inout pthread_t, _ body: @escaping @Sendable () -> Void) -> Int32 {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    let code = pthread_create(
        &thread,
        nil,
        { context in
            guard let context else { return nil }
            Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue().run()
            return nil
        },
        context
    )
    if code != 0 { Unmanaged<ThreadBody>.fromOpaque(context).release() }
    return code
}

/// What a thread started by ``startThread(_:_:)`` runs.
private final class ThreadBody {
    let run: @Sendable () -> Void

    init(_ run: @escaping @Sendable () -> Void) {
        self.run = run
    }
}

/// A mutex and a condition that its holders wait on until another says it changed (`pthread_mutex_t`,
/// `pthread_cond_t`).
final class Monitor: @unchecked Sendable {
    // @unchecked: the pthread calls themselves make the two safe to share between threads.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(mutex)
        changed.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }
    /// Releases the lock until another thread broadcasts, then holds it again.
    func wait() { pthread_cond_wait(changed, mutex) }
    /// Wakes every waiting thread.
    func broadcast() { pthread_cond_broadcast(changed) }
}

/// A thread could not be started.
struct ThreadFailure: Error, Sendable {
    /// Why, as `strerror` says it.
    let reason: String
}
