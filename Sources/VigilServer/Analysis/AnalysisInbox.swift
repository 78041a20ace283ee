import DequeModule
import Synchronization

/// The analysis's inputs, in the order they were sent, bounded by weight (readings): `send`
/// returns at once while the inbox holds less than its capacity, and otherwise waits until the
/// analysis has taken enough. Ingest thus commits while the analysis works on the commit before,
/// and the analysis never falls further behind than the capacity. Commits queued one behind the
/// other are handed over as one: when many small commits wait (devices sending one reading at a
/// time), the rules run, and store what they derive, once for all of them.
final class AnalysisInbox: Sendable {
    private struct Sender {
        var input: AnalysisInput
        var weight: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    /// Senders to resume, and the waiting consumer with its input (nil: finished and empty).
    private typealias Actions = (senders: [CheckedContinuation<Void, Never>], consumer: (CheckedContinuation<AnalysisInput?, Never>, AnalysisInput?)?)

    private struct State {
        let capacity: Int
        let mergeLimit: Int
        var queued: Deque<(input: AnalysisInput, weight: Int)> = []
        var weight = 0
        var blocked: Deque<Sender> = []
        var consumer: CheckedContinuation<AnalysisInput?, Never>?
        var finished = false

        /// `first`, or when it is a commit, it and the commits queued right behind it as one, up
        /// to `mergeLimit` readings.
        mutating func takeFollowingCommits(after first: (input: AnalysisInput, weight: Int)) -> AnalysisInput {
            guard first.input.isCommit else { return first.input }
            var commits = [first.input]
            var taken = first.weight
            while let next = queued.first, next.input.isCommit, taken + next.weight <= mergeLimit {
                queued.removeFirst()
                weight -= next.weight
                taken += next.weight
                commits.append(next.input)
            }
            return commits.count == 1 ? first.input : .merged(commits)
        }

        /// What to resume after a change: senders whose input now fits (in order), and the waiting
        /// consumer with the next input (or nil when finished and empty).
        mutating func settle() -> Actions {
            var senders: [CheckedContinuation<Void, Never>] = []
            var handoff: (CheckedContinuation<AnalysisInput?, Never>, AnalysisInput?)?
            repeat {
                while let first = blocked.first, queued.isEmpty || weight + first.weight <= capacity {
                    blocked.removeFirst()
                    queued.append((first.input, first.weight))
                    weight += first.weight
                    senders.append(first.continuation)
                }
                guard handoff == nil, let waiting = consumer else { break }
                if let first = queued.popFirst() {
                    weight -= first.weight
                    consumer = nil
                    handoff = (waiting, takeFollowingCommits(after: first))
                } else if finished {
                    consumer = nil
                    handoff = (waiting, nil)
                } else {
                    break
                }
            } while true
            return (senders, handoff)
        }
    }

    private let state: Mutex<State>

    /// - Parameter mergeLimit: readings of consecutive commits handed over as one at most.
    init(capacity: Int, mergeLimit: Int = 10_000) { state = Mutex(State(capacity: capacity, mergeLimit: mergeLimit)) }

    /// Queues `input` of `weight`, waiting while the inbox is full.
    /// - Returns: false when the inbox was finished (the input is dropped).
    @discardableResult
    func send(_ input: AnalysisInput, weight: Int = 1) async -> Bool {
        var accepted = true
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let actions = state.withLock { state -> Actions in
                if state.finished {
                    accepted = false
                    return ([continuation], nil)
                }
                state.blocked.append(Sender(input: input, weight: weight, continuation: continuation))
                return state.settle()
            }
            Self.run(actions)
        }
        return accepted
    }

    /// Queues `input` at once, over the capacity if need be: for the writer, which must never
    /// wait on the analysis (the analysis waits on the writer for its alerts). The writer holds
    /// readings back instead while ``hasRoom`` is false.
    /// - Returns: false when the inbox was finished (the input is dropped).
    @discardableResult
    func post(_ input: AnalysisInput, weight: Int = 1) -> Bool {
        let actions = state.withLock { state -> Actions? in
            guard !state.finished else { return nil }
            state.queued.append((input, weight))
            state.weight += weight
            return state.settle()
        }
        guard let actions else { return false }
        Self.run(actions)
        return true
    }

    /// Whether the inbox holds less than its capacity.
    var hasRoom: Bool { state.withLock { $0.weight < $0.capacity } }

    /// The next input, or nil once finished and empty. One consumer only. Cancelling the
    /// consumer finishes the inbox: the service group cancels the analysis when another service
    /// fails, and a consumer that went on waiting would keep the server from ever exiting.
    func next() async -> AnalysisInput? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<AnalysisInput?, Never>) in
                let actions = state.withLock { state in
                    if Task.isCancelled { state.finished = true }
                    state.consumer = continuation
                    return state.settle()
                }
                Self.run(actions)
            }
        } onCancel: {
            finish()
        }
    }

    /// Stops accepting; `next` returns what is queued, then nil.
    func finish() {
        let actions = state.withLock { state in
            state.finished = true
            return state.settle()
        }
        Self.run(actions)
    }

    /// The weight queued (readings waiting for the analysis).
    var weight: Int { state.withLock { $0.weight } }

    /// Senders waiting for room (for tests).
    var waitingSenders: Int { state.withLock { $0.blocked.count } }

    /// Whether the consumer is waiting for an input (for tests).
    var consumerWaits: Bool { state.withLock { $0.consumer != nil } }

    private static func run(_ actions: Actions) {
        for sender in actions.senders { sender.resume() }
        if let (consumer, input) = actions.consumer { consumer.resume(returning: input) }
    }
}
