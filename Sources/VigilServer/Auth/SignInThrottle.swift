import Synchronization
public import VigilCore

/// Slows password guessing without giving anyone a way to lock an account's owner out: after 5
/// failed sign-ins for one username from one address, or 20 from one address whatever the
/// usernames, within 15 minutes, that pair or that address waits (429) until the window passes.
/// The owner, signing in from her own address, is not held back by someone else's guesses.
///
/// Memory is bounded: past ``maxEntries`` keys, those with no failure inside the window go first,
/// then those whose last failure is oldest.
public final class SignInThrottle: Sendable {
    public static let window: Int64 = 15 * 60_000
    public static let maxPerUsernameAndAddress = 5
    public static let maxPerAddress = 20

    private let table: Mutex<FailureTable>

    public init(maxEntries: Int = 100_000) {
        table = Mutex(FailureTable(maxEntries: maxEntries))
    }

    /// Seconds until `username` from `address` may try again, or nil when it may now.
    public func retryAfter(username: String, address: String?, now: Int64) -> Int? {
        table.withLock { table in
            let wait = Self.checks(username: username, address: address).map { table.wait(key: $0.key, limit: $0.limit, now: now) }.max() ?? 0
            return wait > 0 ? Int((wait + 999) / 1000) : nil
        }
    }

    public func recordFailure(username: String, address: String?, now: Int64) {
        table.withLock { table in
            for check in Self.checks(username: username, address: address) { table.record(key: check.key, keep: check.limit, now: now) }
        }
    }

    /// A success from an address forgives that username's failures from it, not the address's.
    public func recordSuccess(username: String, address: String?) {
        table.withLock { $0.remove(key: Self.checks(username: username, address: address)[0].key) }
    }

    /// The number of keys held.
    var count: Int { table.withLock { $0.count } }
}

extension SignInThrottle: CommitSubscriber {
    /// Counts the sign-ins of every commit, this node's and the others' (several nodes on one
    /// database): a name throttled on one node is throttled on all.
    public func committed(_ commit: Committed) async {
        for case .signIn(let attempt) in commit.notices {
            if attempt.succeeded {
                recordSuccess(username: attempt.username, address: attempt.address)
            } else {
                recordFailure(username: attempt.username, address: attempt.address, now: attempt.at)
            }
        }
    }

    private static func checks(username: String, address: String?) -> [(key: String, limit: Int)] {
        let address = address ?? "-"
        return [("u:\(username.utf8.count):\(username)@\(address)", maxPerUsernameAndAddress), ("a:" + address, maxPerAddress)]
    }
}

/// The recent failure times of each key (at most as many as its limit: only the oldest of the
/// last `limit` matters), bounded to `maxEntries` keys.
private struct FailureTable {
    let maxEntries: Int
    private var failures: [String: [Int64]] = [:]

    init(maxEntries: Int) { self.maxEntries = maxEntries }

    var count: Int { failures.count }

    /// Milliseconds `key` must wait, 0 when it may try now.
    mutating func wait(key: String, limit: Int, now: Int64) -> Int64 {
        guard let times = failures[key] else { return 0 }
        let recent = times.filter { $0 > now - SignInThrottle.window }
        failures[key] = recent.isEmpty ? nil : recent
        guard recent.count >= limit, let oldest = recent.first else { return 0 }
        return oldest + SignInThrottle.window - now
    }

    mutating func record(key: String, keep: Int, now: Int64) {
        failures[key, default: []].append(now)
        if let times = failures[key], times.count > keep { failures[key] = Array(times.suffix(keep)) }
        if failures.count > maxEntries { evict(now: now) }
    }

    mutating func remove(key: String) { failures[key] = nil }

    /// Drops the keys with no failure inside the window, then, while above nine tenths of the
    /// bound, those whose last failure is oldest.
    private mutating func evict(now: Int64) {
        failures = failures.filter { ($0.value.last ?? 0) > now - SignInThrottle.window }
        let target = maxEntries * 9 / 10
        guard failures.count > target else { return }
        for (key, _) in failures.sorted(by: { $0.value.last ?? 0 < $1.value.last ?? 0 }).prefix(failures.count - target) {
            failures[key] = nil
        }
    }
}
