import Glibc
import Synchronization

/// Deterministic faults at chosen points of a store's transactions, for the fault tests (real processes killed or
/// held at a known moment). Off unless the program arms it with ``configure(rules:guardText:)``.
///
/// The rules are text separated by `;`, each `POINT=ACTION`:
///
/// - points: `begin` (before the process's first transaction, read or write, begins; once per process), `put-N`
///   (right after the N-th put of a write transaction, while nothing of it is committed), `commit` (just before
///   a write transaction commits), `committed` (just after it committed, before the program prints anything),
///   `mark-NAME` (where the program calls ``reach(mark:)`` with NAME, a moment of its own between transactions);
/// - actions: `kill` (SIGKILL to the process itself, as `kill -9` would), `touch:PATH` (create the file PATH),
///   `wait:PATH` (wait until the file PATH exists; after 60 s the process kills itself, so a test that lost its
///   partner fails instead of hanging), `pause` (hold the process for 60 s, then go on: a test kills it there).
///
/// For example `put-1=touch:/tmp/x/inside;put-1=wait:/tmp/x/go;commit=kill`.
///
/// The guard: the rules are honoured only when the guard text is exactly ``guardValue``, a phrase only the tests
/// set, so that stray rules in a user's environment do nothing. The switch is compiled into every build on purpose:
/// the tests must exercise the very binary that ships (a `-D` flag would need a second full build). It cannot
/// damage a store: the worst it does is what `kill -9` does, which every write survives (each transaction commits
/// whole or not at all), or make a process wait.
public enum FaultInjection {
    /// The guard text that must be given for the rules to be honoured.
    public static let guardValue = "sckb-fault-tests-may-kill-this-process"

    /// A moment in a transaction where a rule may act.
    enum Point: Equatable {
        case begin
        case put(Int)
        case commit
        case committed
        case mark(String)
    }

    enum Action: Equatable {
        case kill
        case touch(String)
        case wait(String)
        case pause
    }

    struct Rule: Equatable {
        let point: Point
        let action: Action
    }

    /// The rules in force and whether the process has begun its first transaction.
    private struct State {
        var rules: [Rule] = []
        var hasBegun = false
    }

    private static let state = Mutex(State())
    /// Whether any rule is in force: read on every put, so kept apart from the lock.
    private static let armed = Atomic<Bool>(false)

    /// Arms the rules written in `rules` (the format above) when `guardText` is exactly ``guardValue``; otherwise,
    /// and when `rules` is nil, no rule is in force. Call it once, before the first store is opened.
    public static func configure(rules: String?, guardText: String?) {
        let parsed = guardText == guardValue ? rules.map(parse) ?? [] : []
        state.withLock { $0.rules = parsed }
        armed.store(!parsed.isEmpty, ordering: .releasing)
    }

    /// Whether any rule is in force.
    static var isActive: Bool { armed.load(ordering: .acquiring) }

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
            case let name where name.hasPrefix("mark-") && name.count > 5:
                point = .mark(String(name.dropFirst(5)))
            default: return nil
            }
            let action: Action
            if halves[1] == "kill" {
                action = .kill
            } else if halves[1] == "pause" {
                action = .pause
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

    /// Acts on every rule for the program's own point `mark-name`, in the order given.
    public static func reach(mark name: String) {
        reach(.mark(name))
    }

    /// Acts on every rule for `point`, in the order given.
    static func reach(_ point: Point) {
        guard isActive else { return }
        let rules = state.withLock { state -> [Rule] in
            if point == .begin {
                guard !state.hasBegun else { return [] }
                state.hasBegun = true
            }
            return state.rules.filter { $0.point == point }
        }
        for rule in rules {
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
            case .pause:
                for _ in 0..<600 { usleep(100_000) }
            }
        }
    }
}
