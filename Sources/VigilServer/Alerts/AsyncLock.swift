import DequeModule
import Synchronization

/// A first-come-first-served lock for async code: one body at a time, across suspension points
/// (which an actor does not give: its methods interleave at every `await`).
final class AsyncLock: Sendable {
    private let state = Mutex<(locked: Bool, waiters: Deque<CheckedContinuation<Void, Never>>)>((false, []))

    func withLock<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await lock()
        defer { unlock() }
        return try await body()
    }

    private func lock() async {
        await withCheckedContinuation { continuation in
            let acquired = state.withLock { state in
                if state.locked {
                    state.waiters.append(continuation)
                    return false
                }
                state.locked = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    private func unlock() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let next = state.waiters.popFirst() { return next }
            state.locked = false
            return nil
        }
        next?.resume()
    }
}
