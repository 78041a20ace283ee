public import Logging
public import ServiceLifecycle
import Synchronization
public import VigilCore

/// The group-commit writer: requests hand it their readings, quarantine entries and audit events;
/// it writes what is queued in one transaction and answers each request after the commit.
///
/// Bounded: when the queue is full, ``submit(_:)`` fails with 503 at once. On graceful shutdown
/// it stops accepting, writes what it accepted, answers, and returns.
public final class IngestWriter: Service {
    /// What a submitted commit became.
    public struct Outcome: Sendable {
        /// For each reading of the commit: stored (true) or a duplicate (false).
        public var inserted: [Bool]
    }

    private struct Pending {
        var commit: IngestCommit
        var answer: PendingCommit
    }

    private let store: any VigilStore
    private let sealer: any AuditSealer
    private let anchor: AuditAnchor?
    private let maxCommitRows: Int
    private let analysis: AnalysisService?
    private let metrics: VigilMetrics
    private let logger: Logger
    private let state: Mutex<IngestQueueState<Pending>>
    private let writerWakeup = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let failing = Mutex<String?>(nil)

    /// - Parameter analysis: the rules, handed every committed batch (nil when they are off).
    public init(
        store: any VigilStore, sealer: any AuditSealer, anchor: AuditAnchor?, capacity: Int, maxCommitRows: Int, analysis: AnalysisService? = nil,
        metrics: VigilMetrics, logger: Logger
    ) {
        self.store = store
        self.sealer = sealer
        self.anchor = anchor
        self.maxCommitRows = maxCommitRows
        self.analysis = analysis
        self.metrics = metrics
        self.logger = logger
        self.state = Mutex(IngestQueueState(capacity: capacity))
    }

    /// Readings and events waiting to be written.
    public var depth: Int { state.withLock { $0.weight } }
    public var capacity: Int { state.withLock { $0.capacity } }
    public var isAccepting: Bool { state.withLock { !$0.isClosed } }
    /// Why the last group commit failed (a full disk), until one succeeds; nil while commits succeed.
    public var commitProblem: String? { failing.withLock { $0 } }

    /// Queues `commit` and returns once it is durably stored.
    /// - Throws: ``VigilError/Code/unavailable`` when the queue is full or closed, or the store failed.
    public func submit(_ commit: IngestCommit) async throws -> Outcome {
        try await enqueue(commit).outcome()
    }

    /// Queues `commit` and returns at once; the answer says when it is stored.
    /// - Throws: ``VigilError/Code/unavailable`` when the queue is full or closed.
    public func enqueue(_ commit: IngestCommit) throws(VigilError) -> PendingCommit {
        let weight = commit.readings.count + commit.quarantine.count + commit.audit.count
        let answer = PendingCommit()
        let action = state.withLock { $0.enqueue(Pending(commit: commit, answer: answer), weight: weight) }
        switch action {
        case .queued(let resumeWriter):
            metrics.recordQueueDepth(depth)
            if resumeWriter { wakeWriter() }
            return answer
        case .full:
            metrics.recordQueueFull()
            throw VigilError(.unavailable, "the write queue is full; retry shortly", retryAfter: 1)
        case .closed:
            throw VigilError(.unavailable, "the server is shutting down; retry shortly", retryAfter: 5)
        }
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            while let batch = await nextBatch() {
                await write(batch)
            }
        } onGracefulShutdown: {
            self.close()
        }
    }

    /// Stops accepting; what is queued is still written.
    public func close() {
        if state.withLock({ $0.close() }) { wakeWriter() }
    }

    private func wakeWriter() {
        writerWakeup.withLock { waiter in
            waiter?.resume()
            waiter = nil
        }
    }

    private func nextBatch() async -> [Pending]? {
        while true {
            let maxRows = maxCommitRows
            let action = state.withLock { $0.take(maxWeight: maxRows) }
            switch action {
            case .write(let batch): return batch
            case .stop: return nil
            case .wait:
                // Cancelled (the service group gave up waiting): stop accepting, then drain.
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        // A submit may have come between take and here: check again under the wakeup lock.
                        writerWakeup.withLock { waiter in
                            let pending = state.withLock { $0.count > 0 || $0.isClosed }
                            if pending { continuation.resume() } else { waiter = continuation }
                        }
                    }
                } onCancel: {
                    self.close()
                }
            }
        }
    }

    private func write(_ batch: [Pending]) async {
        var merged = IngestCommit()
        let offsets = batch.map { merged.append($0.commit) }
        let started = ContinuousClock.now
        do {
            let result = try await store.commit(merged, sealer: sealer)
            if failing.withLock({ $0.take() }) != nil { logger.notice("group commits succeed again") }
            if let head = result.auditHead { anchor?.advance(to: head) }
            metrics.recordCommit(
                readings: merged.readings.count, stored: result.inserted.count(where: { $0 }), duration: ContinuousClock.now - started)
            // Handed to the analysis before anyone is answered, so that whatever an answered
            // client does next (a flush, a board) comes after it in the analysis's order.
            if let analysis {
                let stored = zip(result.ids, merged.readings).compactMap { id, reading in id.map { StoredReading(id: $0, reading: reading) } }
                let refused = Dictionary(grouping: merged.quarantine, by: \.device).mapValues(\.count)
                if !stored.isEmpty || !refused.isEmpty {
                    let received = merged.readings.map(\.received).max() ?? merged.quarantine.map(\.received).max() ?? 0
                    await analysis.submit(.committed(readings: stored, refused: refused, clockAhead: merged.clockAhead, received: received))
                }
            }
            for (pending, offset) in zip(batch, offsets) {
                let slice = Array(result.inserted[offset..<offset + pending.commit.readings.count])
                pending.answer.complete(.success(Outcome(inserted: slice)))
            }
        } catch {
            logger.error("group commit failed", metadata: ["error": "\(error)", "items": "\(batch.count)"])
            let failure = (error as? VigilError) ?? VigilError(.unavailable, "the readings could not be stored; retry", retryAfter: 1)
            failing.withLock { $0 = failure.message }
            for pending in batch { pending.answer.complete(.failure(failure)) }
        }
        metrics.recordQueueDepth(depth)
    }
}
