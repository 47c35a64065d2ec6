import EventStore
import Glibc

/// Turns a memory fault (SIGBUS, SIGSEGV) raised while a store is open into one line on stderr and exit 3.
///
/// LMDB reads the store through a memory map and trusts the page numbers it finds there: a damaged page can send
/// it past the end of the file (SIGBUS) or outside the map (SIGSEGV). A store opened with `MDB_WRITEMAP` (the
/// default; not with `SCKB_WRITEMAP=0`) has its file sized to the whole map, sparse: there a page the file system
/// cannot allocate, when the device is full, raises SIGBUS in the writer instead of an error code, while reads past the data find
/// zeros, not the end of the file. Such a process cannot go on, but it can say why; the transaction it was writing is
/// lost whole, as LMDB writes a transaction's pages only where the last commit does not reach. The handler is async-signal-safe: the message is formatted when EventStore reports that a durable store is
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
        Environment.observeOpenings { opening in storeOpened(opening) }
    }

    /// Formats the messages for the store `opening` names, unless one is formatted already (the first store a
    /// command opens is the one it works on).
    private static func storeOpened(_ opening: Environment.Opening) {
        guard busMessage == nil else { return }
        let path = shown(opening.path)
        segmentationMessage = buffer(damage(path: path, signal: "SIGSEGV"))
        busMessage = buffer(opening.isWriteMapped ? deviceFull(path: path) : damage(path: path, signal: "SIGBUS"))
    }

    // The signal handler reads these, and it may take no lock: they are plain globals, written before the first store
    // is mapped (so before any fault the handler reports) and never again.
    nonisolated(unsafe) static var busMessage: UnsafeMutableBufferPointer<UInt8>?
    nonisolated(unsafe) static var segmentationMessage: UnsafeMutableBufferPointer<UInt8>?
    nonisolated(unsafe) static var previousBus = sigaction()
    nonisolated(unsafe) static var previousSegmentation = sigaction()

    /// The path with control characters shown as '?', as they would otherwise reach the terminal raw.
    private static func shown(_ path: String) -> String {
        String(decoding: path.utf8.map { $0 < 0x20 || $0 == 0x7F ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
    }

    private static func damage(path: String, signal: String) -> String {
        StoreError.damaged(
            path: path,
            cause: "\(signal) while reading its memory-mapped file: a damaged page or a truncated file"
        ).description
    }

    /// SIGBUS in a write-mapped store: a page of the map that the file system could not allocate. A device that
    /// still has room but fails its reads or writes raises it too; the message says both.
    private static func deviceFull(path: String) -> String {
        StoreError(code: ENOSPC, operation: "write the store", path: path).description
            + "; SIGBUS on a page of its memory-mapped file: the device is full, or failing if it has room"
    }

    private static func buffer(_ line: String) -> UnsafeMutableBufferPointer<UInt8> {
        let bytes = Array("sckb: \(line)\n".utf8)
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
