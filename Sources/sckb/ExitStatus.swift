import ArgumentParser
import EventStore
import Projections

/// The exit codes of SPEC §5, and the one place errors map to them.
enum ExitStatus: Int32 {
    case done = 0
    case refused = 1
    case usage = 2
    case storeUnavailable = 3

    /// The status for `error`; nil when the parser handles it itself (help, version).
    init?(for error: Error, parserCode: ArgumentParser.ExitCode) {
        switch error {
        case is InputError, is RuleViolation, is NotFound, is NoteFormatError, is CryptoFailure:
            self = .refused
        case is StoreError, is LMDBError, is LogDamage, is RowDamage, is ProofRejection, is ForkRefusal,
            is MirrorRefusal, is ChainLinkError:
            self = .storeUnavailable
        case let failure as CommandFailure:
            self = failure.status
        default:
            if parserCode == .success { return nil }
            self = parserCode == .validationFailure ? .usage : .refused
        }
    }

    /// The one-line message for an error of ours.
    static func message(for error: Error) -> String {
        switch error {
        case let error as StoreError where error.condition == .lacksTables:
            return "cannot \(error.operation) at \(error.path): \(error.reason); run one sckb command on it first"
                + " (for example sckb stats --store \(error.path)), which adds them"
        case let error as StoreError:
            return error.description
        case let error as LMDBError:
            // The store's own calls name their path (StoreError); this is left for an LMDB call outside them.
            return "store failure (LMDB): \(error.description)"
        case let error as LogDamage:
            return "the store is damaged (\(error.description)); restore it from an export"
        case let error as RowDamage:
            return "the store is damaged (\(error.description)); sckb replay rebuilds it from the log"
        default:
            return String(describing: error)
        }
    }
}

/// A failure the command itself reports, with its exit status.
struct CommandFailure: Error, CustomStringConvertible {
    let status: ExitStatus
    let description: String
}
