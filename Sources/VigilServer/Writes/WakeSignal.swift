import ServiceLifecycle

/// Wakes a worker that acts on what the store holds (the outbox, device commands): when a commit
/// gives it work, and at least once per interval for what falls due with time. Wakes while it is
/// busy fold into one.
final class WakeSignal: Sendable {
    private let wakes = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    func wake() { wakes.continuation.yield() }

    /// Runs `pass` on every wake and at least every `interval`, until the graceful shutdown.
    func run(every interval: Duration, _ pass: @escaping @Sendable () async -> Void) async {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [continuation = self.wakes.continuation] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        continuation.yield()
                    }
                }
                for await _ in self.wakes.stream {
                    if Task.isCancelled { break }
                    await pass()
                }
                group.cancelAll()
            }
        }
    }
}
