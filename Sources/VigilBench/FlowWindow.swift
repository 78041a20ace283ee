import DequeModule
import Synchronization

/// How many messages a load generator may have in flight: ``acquire()`` waits while the window
/// is full, ``release(_:)`` opens it as answers come back.
final class FlowWindow: Sendable {
    private let state: Mutex<(open: Int, waiting: Deque<CheckedContinuation<Void, Never>>)>

    init(size: Int) { state = Mutex((size, [])) }

    func acquire() async {
        await withCheckedContinuation { continuation in
            let granted = state.withLock { state in
                if state.open > 0 {
                    state.open -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if granted { continuation.resume() }
        }
    }

    func release(_ count: Int = 1) {
        let resumed = state.withLock { state in
            var resumed: [CheckedContinuation<Void, Never>] = []
            for _ in 0..<count {
                if let next = state.waiting.popFirst() { resumed.append(next) } else { state.open += 1 }
            }
            return resumed
        }
        for continuation in resumed { continuation.resume() }
    }
}
