import Synchronization
import VigilCore

/// The webhooks, read once and kept until a commit adds or removes one (a change made on another
/// node counts within ``lifetime``).
final class WebhookDirectory: Sendable {
    let store: any VigilStore
    let clock: any VigilClock
    /// How long the list is reused, in milliseconds.
    let lifetime: Int64 = 10_000
    private let cached = Mutex<(at: Int64, webhooks: [Webhook], generation: UInt64)>((.min, [], 0))

    init(store: any VigilStore, clock: any VigilClock) { (self.store, self.clock) = (store, clock) }

    /// Every webhook.
    func webhooks() async throws -> [Webhook] {
        let now = clock.now()
        let (at, webhooks, generation) = cached.withLock { $0 }
        if at != .min, now >= at, now - at < lifetime { return webhooks }
        let read = try await store.webhooks()
        cached.withLock { cached in if cached.generation == generation { cached = (now, read, generation) } }
        return read
    }
}

extension WebhookDirectory: CommitSubscriber {
    func committed(_ commit: Committed) async {
        guard commit.webhooks else { return }
        cached.withLock { cached in cached = (.min, [], cached.generation &+ 1) }
    }
}
