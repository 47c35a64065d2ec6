import Dispatch

/// Runs blocking work (LMDB reads, folds at a cut, rendering) on Dispatch's pool, off the server's event loops.
enum DispatchQueueBridge {
    private static let queue = DispatchQueue(label: "sckb.web.work", qos: .userInitiated, attributes: .concurrent)

    static func run(_ work: @escaping @Sendable () -> Void) {
        queue.async(execute: work)
    }
}
