/// Writes of one node take turns before they take a connection: they run one at a time anyway
/// (the writer's advisory lock), and waiting for it on a connection each would empty the pool
/// for reads.
actor WriteTurn {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` when every write that asked before has finished.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        }
        busy = true
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await body()
    }
}
