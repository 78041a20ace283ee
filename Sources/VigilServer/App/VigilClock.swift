import Foundation

/// The time, injected so that tests can set it.
public protocol VigilClock: Sendable {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    func now() -> Int64
}

/// The system's wall clock.
public struct SystemClock: VigilClock {
    public init() {}

    public func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }
}
