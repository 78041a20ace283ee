import Synchronization
import VigilCore

/// Care-team scopes computed recently, per member (`Practitioner/ID`, `RelatedPerson/ID`).
///
/// Every request of a care role needs its scope; a ward's is a thousand patients, read from the
/// store in a few milliseconds. A scope is reused for at most ``lifetime`` milliseconds of the
/// server clock (so a care-team period that ends, or a change made by another node, takes effect
/// within it) and never after a CareTeam or Group was written through this server (``invalidate()``).
final class AccessScopeCache: Sendable {
    private struct Entry {
        var scope: AccessScope
        var computed: Int64
        var generation: UInt64
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var generation: UInt64 = 0
    }

    /// How long a scope is reused, in milliseconds.
    let lifetime: Int64
    private let state = Mutex(State())

    init(lifetime: Int64 = 1000) { self.lifetime = lifetime }

    /// The member's scope at `now`: the cached one while it is fresh, otherwise `compute()`'s.
    func scope(member: String, now: Int64, compute: () async throws -> AccessScope) async throws -> AccessScope {
        let (cached, generation) = state.withLock { state in (state.entries[member], state.generation) }
        if let cached, cached.generation == generation, now >= cached.computed, now - cached.computed < lifetime {
            return cached.scope
        }
        let scope = try await compute()
        state.withLock { state in
            // A write during the computation leaves the entry stale: the next request computes again.
            state.entries[member] = Entry(scope: scope, computed: now, generation: generation)
        }
        return scope
    }

    /// How many times every scope was forgotten.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// Forgets every scope: a CareTeam or Group changed.
    func invalidate() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }
}

extension AccessScopeCache: CommitSubscriber {
    /// Forgets every scope when a commit wrote a CareTeam or Group.
    func committed(_ commit: Committed) async {
        if commit.resources.contains(where: { $0.type == .careTeam || $0.type == .group }) { invalidate() }
    }
}
