import Synchronization

/// Remembers each accepted client assertion (client and `jti`) until it expires, so that an
/// assertion is used once: a copy replayed within its lifetime is refused. Bounded: when
/// ``capacity`` assertions are live, new ones are refused until some expire (assertions live five
/// minutes at most).
final class AssertionReplayGuard: Sendable {
    let capacity: Int
    private let seen: Mutex<[String: Int64]>

    init(capacity: Int = 100_000) {
        self.capacity = capacity
        seen = Mutex([:])
    }

    /// Records the assertion; false when it was seen before, or the guard is full.
    func admit(client: String, jti: String, expires: Int64, now: Int64) -> Bool {
        seen.withLock { seen in
            if seen.count >= capacity { seen = seen.filter { $0.value > now } }
            let key = client + "\u{0}" + jti
            guard seen[key] == nil, seen.count < capacity else { return false }
            seen[key] = expires
            return true
        }
    }
}
