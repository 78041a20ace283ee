import Synchronization

/// Slows password guessing: after 5 failed sign-ins for one username, or 20 from one address,
/// within 15 minutes, further attempts are refused with 429 until the window passes.
public final class SignInThrottle: Sendable {
    public static let window: Int64 = 15 * 60_000
    public static let maxPerUsername = 5
    public static let maxPerAddress = 20
    /// Entries kept at most, oldest dropped first, so memory stays bounded.
    static let maxEntries = 100_000

    private let failures = Mutex<[String: [Int64]]>([:])

    public init() {}

    /// Seconds until `username` from `address` may try again, or nil when it may now.
    public func retryAfter(username: String, address: String?, now: Int64) -> Int? {
        failures.withLock { table in
            let checks = [("u:" + username, Self.maxPerUsername)] + (address.map { [("a:" + $0, Self.maxPerAddress)] } ?? [])
            var wait: Int64 = 0
            for (key, limit) in checks {
                let recent = (table[key] ?? []).filter { $0 > now - Self.window }
                table[key] = recent
                if recent.count >= limit, let oldest = recent.first { wait = max(wait, oldest + Self.window - now) }
            }
            return wait > 0 ? Int((wait + 999) / 1000) : nil
        }
    }

    public func recordFailure(username: String, address: String?, now: Int64) {
        failures.withLock { table in
            if table.count > Self.maxEntries { table.removeAll(keepingCapacity: true) }
            table["u:" + username, default: []].append(now)
            if let address { table["a:" + address, default: []].append(now) }
        }
    }

    public func recordSuccess(username: String) {
        _ = failures.withLock { $0.removeValue(forKey: "u:" + username) }
    }
}
