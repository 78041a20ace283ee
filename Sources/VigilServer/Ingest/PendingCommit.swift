import Synchronization

/// A commit handed to the ``IngestWriter``: queued, and answered once it is durably stored (or
/// has failed). Transports that acknowledge "received" before "stored" (MQTT's PUBACK) hold it
/// between the two.
public final class PendingCommit: Sendable {
    private enum State {
        case waiting(CheckedContinuation<IngestWriter.Outcome, any Error>?)
        case done(Result<IngestWriter.Outcome, any Error>)
    }

    private let state = Mutex<State>(.waiting(nil))

    init() {}

    /// Waits for the commit.
    /// - Throws: ``VigilCore/VigilError`` when the store failed; the readings were not stored.
    public func outcome() async throws -> IngestWriter.Outcome {
        try await withCheckedThrowingContinuation { continuation in
            let result = state.withLock { state -> Result<IngestWriter.Outcome, any Error>? in
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

    /// Answers the commit (the writer, once).
    func complete(_ result: Result<IngestWriter.Outcome, any Error>) {
        let waiting = state.withLock { state -> CheckedContinuation<IngestWriter.Outcome, any Error>? in
            guard case .waiting(let continuation) = state else { return nil }
            state = .done(result)
            return continuation
        }
        waiting?.resume(with: result)
    }
}
