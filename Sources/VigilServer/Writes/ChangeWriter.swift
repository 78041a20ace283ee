public import Logging
public import ServiceLifecycle
import Synchronization
public import VigilCore

/// The one owner of writing. Devices, FHIR clients, people and the rules hand it ``Change``s; it
/// writes what is queued in group transactions (``VigilStore/apply(_:sealer:)``, where a change
/// that can fail does so alone), advances the audit anchor once per commit, announces what was
/// stored (``Committed``) to its ``CommitSubscriber``s, and then answers each change.
///
/// Bounded: when a lane is full, ``submit(_:)`` fails with 503 at once. Readings wait while
/// ``readingsAllowed`` says no (the analysis is too far behind). Before the service runs (the
/// command line, start-up), a change is committed on its own at once. On graceful shutdown it
/// stops accepting, writes what it accepted, answers, and returns.
public final class ChangeWriter: Service {
    private struct Pending {
        var change: Change
        var answer: PendingChange
    }

    private enum Phase {
        case direct
        case running
    }

    private let store: any VigilStore
    private let sealer: any AuditSealer
    private let anchor: AuditAnchor?
    private let maxCommitRows: Int
    private let metrics: VigilMetrics
    private let logger: Logger
    private let state: Mutex<ChangeQueueState<Pending>>
    private let phase = Mutex(Phase.direct)
    private let writerWakeup = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let failing = Mutex<String?>(nil)
    private struct Subscriber {
        weak var subscriber: (any CommitSubscriber)?
    }

    private let subscribers = Mutex<[Subscriber]>([])
    /// A closure kept in a struct: one kept directly in the generic `Mutex` is re-wrapped in two
    /// reabstraction thunks on every `withLock` that reads it, so each call got slower than the last.
    private struct Gate {
        let allows: @Sendable () -> Bool
    }

    private let gate = Mutex<Gate?>(nil)
    /// One direct commit at a time, so that announcements keep the order of the commits.
    private let directLock = AsyncLock()
    /// One announcement at a time, whether of this node's commits or of other nodes'.
    private let announcing = AsyncLock()

    public init(
        store: any VigilStore, sealer: any AuditSealer, anchor: AuditAnchor?, capacity: Int, maxCommitRows: Int, metrics: VigilMetrics,
        logger: Logger
    ) {
        self.store = store
        self.sealer = sealer
        self.anchor = anchor
        self.maxCommitRows = maxCommitRows
        self.metrics = metrics
        self.logger = logger
        self.state = Mutex(ChangeQueueState(capacity: capacity))
    }

    /// Adds a subscriber, told of every commit after those added before it (at composition), for
    /// as long as the caller keeps it.
    public func subscribe(_ subscriber: any CommitSubscriber) {
        subscribers.withLock { $0.append(Subscriber(subscriber: subscriber)) }
    }

    /// Holds readings in the queue while it returns false (set at composition).
    public func holdReadings(unless allowed: @escaping @Sendable () -> Bool) {
        gate.withLock { $0 = Gate(allows: allowed) }
    }

    /// Rows waiting to be written.
    public var depth: Int { state.withLock { $0.weight } }
    /// The bound of each lane, in rows.
    public var capacity: Int { state.withLock { $0.capacity } }
    public var isAccepting: Bool { state.withLock { !$0.isClosed } }
    /// Whether the service runs (before it does, each change is committed on its own at once).
    public var isRunning: Bool { phase.withLock { $0 } == .running }
    /// Why the last group commit failed (a full disk), until one succeeds; nil while commits succeed.
    public var commitProblem: String? { failing.withLock { $0 } }

    /// Queues `change` and returns once it is durably stored.
    /// - Throws: ``VigilError/Code/unavailable`` when the queue is full or closed, or the store
    ///   failed; the change's own failure (a conflict) when it failed alone.
    @discardableResult
    public func submit(_ change: Change) async throws -> Applied {
        if !isRunning {
            return try await directLock.withLock { try await commit([change])[0].get() }
        }
        return try await enqueue(change).outcome()
    }

    /// Queues `change` and returns at once; the answer says when it is stored.
    /// - Throws: ``VigilError/Code/unavailable`` when the queue is full or closed.
    public func enqueue(_ change: Change) throws(VigilError) -> PendingChange {
        let answer = PendingChange()
        let lane: ChangeQueueState<Pending>.Lane = if case .readings = change.content { .readings } else { .other }
        let action = state.withLock { $0.enqueue(Pending(change: change, answer: answer), weight: change.weight, lane: lane) }
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
        phase.withLock { $0 = .running }
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
            let readingsAllowed = gate.withLock { $0?.allows() } ?? true
            let action = state.withLock { $0.take(maxWeight: maxRows, readingsAllowed: readingsAllowed) }
            switch action {
            case .write(let batch): return batch
            case .stop: return nil
            case .held:
                // The analysis is catching up: look again shortly (other changes go ahead meanwhile).
                try? await Task.sleep(for: .milliseconds(2))
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
        do {
            let outcomes = try await commit(batch.map(\.change))
            for (pending, outcome) in zip(batch, outcomes) { pending.answer.complete(outcome.mapError { $0 }) }
        } catch {
            logger.error("group commit failed", metadata: ["error": "\(error)", "items": "\(batch.count)"])
            for pending in batch { pending.answer.complete(.failure(error)) }
        }
        metrics.recordQueueDepth(depth)
    }

    /// Stores `changes` in one transaction, advances the anchor, and announces what was stored.
    /// - Throws: ``VigilError/Code/unavailable`` when the store failed: nothing was stored.
    private func commit(_ changes: [Change]) async throws -> [Result<Applied, VigilError>] {
        let started = ContinuousClock.now
        let result: AppliedChanges
        do {
            result = try await store.apply(changes, sealer: sealer)
        } catch {
            let failure = (error as? VigilError) ?? VigilError(.unavailable, "the change could not be stored; retry", retryAfter: 1)
            failing.withLock { $0 = failure.message }
            throw failure
        }
        if failing.withLock({ $0.take() }) != nil { logger.notice("group commits succeed again") }
        if let head = result.auditHead { anchor?.advance(to: head) }
        let committed = Committed(changes, result)
        let readings = changes.reduce(0) { count, change in
            if case .readings(let batch) = change.content { count + batch.readings.count } else { count }
        }
        metrics.recordCommit(readings: readings, stored: committed.readings.count, duration: ContinuousClock.now - started)
        // Announced before anyone is answered, so that whatever an answered client does next (a
        // flush, a board) comes after it in the analysis's order.
        if !committed.isQuiet { await announce(committed) }
        return result.outcomes
    }

    /// Tells the subscribers what a commit stored: one of this node's, or (``CommitFeed``)
    /// another node's. One announcement at a time, in the order they come.
    public func announce(_ committed: Committed) async {
        await announcing.withLock {
            for subscriber in subscribers.withLock({ $0.compactMap(\.subscriber) }) { await subscriber.committed(committed) }
        }
    }
}

extension Applied {
    /// For each reading of a ``Change/Content/readings(_:)`` change: stored (true) or a duplicate (false).
    var inserted: [Bool] {
        guard case .readings(let ids) = self else { return [] }
        return ids.map { $0 != nil }
    }
}
