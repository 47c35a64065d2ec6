import Glibc

/// Deterministic faults at chosen points of a store's transactions, for the fault tests (real processes killed or
/// held at a known moment). Off unless two environment variables say otherwise.
///
/// `SCKB_FAULT` lists rules separated by `;`, each `POINT=ACTION`:
///
/// - points: `begin` (before the process's first transaction, read or write, begins; once per process), `put-N`
///   (right after the N-th put of a write transaction, while nothing of it is committed), `commit` (just before
///   a write transaction commits), `committed` (just after it committed, before the command prints anything);
/// - actions: `kill` (SIGKILL to the process itself, as `kill -9` would), `touch:PATH` (create the file PATH),
///   `wait:PATH` (wait until the file PATH exists; after 60 s the process kills itself, so a test that lost its
///   partner fails instead of hanging).
///
/// For example `put-1=touch:/tmp/x/inside;put-1=wait:/tmp/x/go;commit=kill`.
///
/// The guard: the rules are honoured only when `SCKB_FAULT_GUARD` is exactly ``guardValue``, a phrase only the
/// tests set, so a stray `SCKB_FAULT` in a user's environment does nothing. The switch is compiled into every build
/// on purpose: the tests must exercise the very binary that ships (`make test` builds the release binary once and
/// runs the tests against it; a `-D` flag would need a second full build). It cannot damage a store: the worst it
/// does is what `kill -9` does, which every write survives (each transaction commits whole or not at all), or
/// make a process wait.
enum FaultInjection {
    /// The value `SCKB_FAULT_GUARD` must have for `SCKB_FAULT` to be honoured.
    static let guardValue = "sckb-fault-tests-may-kill-this-process"

    /// A moment in a transaction where a rule may act.
    enum Point: Equatable {
        case begin
        case put(Int)
        case commit
        case committed
    }

    enum Action: Equatable {
        case kill
        case touch(String)
        case wait(String)
    }

    struct Rule: Equatable {
        let point: Point
        let action: Action
    }

    /// The rules in force, read once from the environment.
    static let rules: [Rule] = {
        guard let guardText = getenv("SCKB_FAULT_GUARD"), String(cString: guardText) == guardValue,
            let text = getenv("SCKB_FAULT")
        else { return [] }
        return parse(String(cString: text))
    }()

    /// Whether any rule is in force.
    static let isActive = !rules.isEmpty

    nonisolated(unsafe) private static var hasBegun = false

    /// Reads `point=action;…`; rules it cannot read are ignored.
    static func parse(_ text: String) -> [Rule] {
        text.split(separator: ";").compactMap { item -> Rule? in
            let halves = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard halves.count == 2 else { return nil }
            let point: Point
            switch halves[0] {
            case "begin": point = .begin
            case "commit": point = .commit
            case "committed": point = .committed
            case let name where name.hasPrefix("put-"):
                guard let count = Int(name.dropFirst(4)), count >= 1 else { return nil }
                point = .put(count)
            default: return nil
            }
            let action: Action
            if halves[1] == "kill" {
                action = .kill
            } else if halves[1].hasPrefix("touch:") {
                action = .touch(String(halves[1].dropFirst(6)))
            } else if halves[1].hasPrefix("wait:") {
                action = .wait(String(halves[1].dropFirst(5)))
            } else {
                return nil
            }
            return Rule(point: point, action: action)
        }
    }

    /// Acts on every rule for `point`, in the order given.
    static func reach(_ point: Point) {
        guard isActive else { return }
        if point == .begin {
            guard !hasBegun else { return }
            hasBegun = true
        }
        for rule in rules where rule.point == point {
            switch rule.action {
            case .kill:
                raise(SIGKILL)
            case .touch(let path):
                let descriptor = open(path, O_WRONLY | O_CREAT, 0o600)
                if descriptor >= 0 { close(descriptor) }
            case .wait(let path):
                var waited = 0
                while access(path, F_OK) != 0 {
                    guard waited < 60_000 else {
                        raise(SIGKILL)
                        return
                    }
                    usleep(1000)
                    waited += 1
                }
            }
        }
    }
}
