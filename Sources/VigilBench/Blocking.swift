import Foundation

/// Runs blocking work (waiting for a child process to end) on a thread of its own. On one of the
/// few threads of Swift's cooperative pool (as many as cores: two here) it would stall every other
/// test of the process meanwhile, long enough for their idle HTTP connections to be closed.
public enum Blocking {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}
