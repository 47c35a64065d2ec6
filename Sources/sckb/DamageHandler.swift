import EventStore
import Glibc

/// Turns a memory fault (SIGBUS, SIGSEGV) raised while a store is open into one line on stderr and exit 3.
///
/// LMDB reads the store through a memory map and trusts the page numbers it finds there: a damaged page can send
/// it past the end of the file (SIGBUS) or outside the map (SIGSEGV). Such a process cannot go on, but it can say
/// why. The handler is async-signal-safe: the message is formatted when EventStore reports that a durable store is
/// being opened (``Environment/observeOpenings(_:)``), and the handler only calls write(2), _exit(2) and
/// sigaction(2). Before any durable store is open, a fault goes on to the handler that was there before (the
/// runtime's crash report), as it is then no store's fault.
enum DamageHandler {
    /// Installs the handler for SIGBUS and SIGSEGV, with its own signal stack, and asks EventStore for the path of
    /// each durable store opened. Call it once, early in `main`, before any store is opened.
    static func install() {
        // Touch the globals the handler reads, so that no lazy initialization is left for the handler to run.
        busMessage = nil
        segmentationMessage = nil
        let stackSize = 1 << 16
        if let stack = malloc(stackSize) {
            var alternate = stack_t()
            alternate.ss_sp = stack
            alternate.ss_size = stackSize
            alternate.ss_flags = 0
            sigaltstack(&alternate, nil)
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = handleFault
        action.sa_flags = Int32(SA_ONSTACK)
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, &previousBus)
        sigaction(SIGSEGV, &action, &previousSegmentation)
        Environment.observeOpenings { path in storeOpened(path: path) }
    }

    /// Formats the messages for the store at `path`, unless one is formatted already (the first store a command
    /// opens is the one it works on).
    private static func storeOpened(path: String) {
        guard busMessage == nil else { return }
        segmentationMessage = format(path: path, signal: "SIGSEGV")
        busMessage = format(path: path, signal: "SIGBUS")
    }

    // The signal handler reads these, and it may take no lock: they are plain globals, written before the first store
    // is mapped (so before any fault the handler reports) and never again.
    nonisolated(unsafe) static var busMessage: UnsafeMutableBufferPointer<UInt8>?
    nonisolated(unsafe) static var segmentationMessage: UnsafeMutableBufferPointer<UInt8>?
    nonisolated(unsafe) static var previousBus = sigaction()
    nonisolated(unsafe) static var previousSegmentation = sigaction()

    private static func format(path: String, signal: String) -> UnsafeMutableBufferPointer<UInt8> {
        // Control characters in the path would reach the terminal raw; show them as '?'.
        let shownBytes = path.utf8.map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "?") : $0 }
        let shownPath = String(decoding: shownBytes, as: UTF8.self)
        let damage = StoreError.damaged(
            path: shownPath,
            cause: "\(signal) while reading its memory-mapped file: a damaged page or a truncated file"
        )
        let bytes = Array("sckb: \(damage.description)\n".utf8)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = buffer.initialize(from: bytes)
        return buffer
    }
}

/// The handler itself: only async-signal-safe calls (write, _exit, sigaction) on preformatted buffers.
private func handleFault(_ signal: Int32) {
    let message = signal == SIGBUS ? DamageHandler.busMessage : DamageHandler.segmentationMessage
    if let message, let base = message.baseAddress {
        _ = write(2, base, message.count)
        _exit(ExitStatus.storeUnavailable.rawValue)
    }
    // No store is open: hand the fault to the handler that was there before and let it recur.
    if signal == SIGBUS {
        sigaction(SIGBUS, &DamageHandler.previousBus, nil)
    } else {
        sigaction(SIGSEGV, &DamageHandler.previousSegmentation, nil)
    }
}
