import Synchronization
import Testing
import VigilCore

@testable import VigilServer

@Suite struct AccessScopeCacheTests {
    /// Counts computations and answers a scope naming how many there were.
    final class Source: Sendable {
        let count = Mutex(0)
        func compute() -> AccessScope {
            let n = count.withLock { count in
                count += 1
                return count
            }
            return AccessScope(compartments: ["Patient/p\(n)"])
        }
    }

    @Test func reusesAScopeWithinItsLifetimeOnly() async throws {
        let cache = AccessScopeCache(lifetime: 1000)
        let source = Source()
        #expect(try await cache.scope(member: "Practitioner/n1", now: 0) { source.compute() }.compartments == ["Patient/p1"])
        #expect(try await cache.scope(member: "Practitioner/n1", now: 999) { source.compute() }.compartments == ["Patient/p1"])
        #expect(try await cache.scope(member: "Practitioner/n1", now: 1000) { source.compute() }.compartments == ["Patient/p2"])
        #expect(source.count.withLock { $0 } == 2)
    }

    @Test func keepsMembersApart() async throws {
        let cache = AccessScopeCache()
        let source = Source()
        _ = try await cache.scope(member: "Practitioner/n1", now: 0) { source.compute() }
        #expect(try await cache.scope(member: "Practitioner/n2", now: 0) { source.compute() }.compartments == ["Patient/p2"])
    }

    @Test func aClockThatGoesBackComputesAgain() async throws {
        let cache = AccessScopeCache()
        let source = Source()
        _ = try await cache.scope(member: "Practitioner/n1", now: 5000) { source.compute() }
        #expect(try await cache.scope(member: "Practitioner/n1", now: 4000) { source.compute() }.compartments == ["Patient/p2"])
    }

    @Test func invalidationForgetsEveryScope() async throws {
        let cache = AccessScopeCache()
        let source = Source()
        _ = try await cache.scope(member: "Practitioner/n1", now: 0) { source.compute() }
        cache.invalidate()
        #expect(try await cache.scope(member: "Practitioner/n1", now: 1) { source.compute() }.compartments == ["Patient/p2"])
    }

    @Test func aScopeComputedWhileATeamChangedIsNotReused() async throws {
        let cache = AccessScopeCache()
        let source = Source()
        _ = try await cache.scope(member: "Practitioner/n1", now: 0) {
            cache.invalidate()  // a CareTeam written while the scope was being read
            return source.compute()
        }
        #expect(try await cache.scope(member: "Practitioner/n1", now: 1) { source.compute() }.compartments == ["Patient/p2"])
    }

    @Test func aFailedComputationIsNotCached() async throws {
        struct Failure: Error {}
        let cache = AccessScopeCache()
        let source = Source()
        await #expect(throws: Failure.self) { _ = try await cache.scope(member: "Practitioner/n1", now: 0) { throw Failure() } }
        #expect(try await cache.scope(member: "Practitioner/n1", now: 1) { source.compute() }.compartments == ["Patient/p1"])
    }
}
