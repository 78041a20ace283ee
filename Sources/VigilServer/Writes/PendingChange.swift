import Synchronization
public import VigilCore

/// A change handed to the ``ChangeWriter``: queued, and answered once it is durably stored (or
/// has failed). Transports that acknowledge "received" before "stored" (MQTT's PUBACK) hold it
/// between the two.
public final class PendingChange: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Applied, any Error>?)
        case done(Result<Applied, any Error>)
    }

    private let state = Mutex<State>(.waiting(nil))

    init() {}

    /// Waits for the commit.
    /// - Throws: ``VigilCore/VigilError`` when the change failed or the store did; nothing of it was stored.
    public func outcome() async throws -> Applied {
        try await withCheckedThrowingContinuation { continuation in
            let result = state.withLock { state -> Result<Applied, any Error>? in
                switch state {
                case .done(let result): return result
                case .waiting:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }

    /// Answers the change (the writer, once).
    func complete(_ result: Result<Applied, any Error>) {
        let waiting = state.withLock { state -> CheckedContinuation<Applied, any Error>? in
            guard case .waiting(let continuation) = state else { return nil }
            state = .done(result)
            return continuation
        }
        waiting?.resume(with: result)
    }
}
