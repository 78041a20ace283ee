import Testing

@testable import VigilServer

/// Password guessing is slowed per username and address and per address, never so that a
/// stranger's guesses lock the owner out, in bounded memory.
@Suite struct SignInThrottleTests {
    static let minute: Int64 = 60_000

    @Test func guessesAtSomeonesNameLockOutTheGuesserNotTheOwner() {
        let throttle = SignInThrottle()
        for n in 0..<SignInThrottle.maxPerUsernameAndAddress {
            #expect(throttle.retryAfter(username: "nina", address: "203.0.113.66", now: Int64(n)) == nil)
            throttle.recordFailure(username: "nina", address: "203.0.113.66", now: Int64(n))
        }
        #expect(throttle.retryAfter(username: "nina", address: "203.0.113.66", now: 10) == 15 * 60)
        #expect(throttle.retryAfter(username: "nina", address: "10.1.2.3", now: 10) == nil, "the owner, from her own address, signs in")
        #expect(throttle.retryAfter(username: "omar", address: "203.0.113.66", now: 10) == nil)
        #expect(throttle.retryAfter(username: "nina", address: "203.0.113.66", now: 15 * Self.minute + 1) == nil, "the window passed")
    }

    @Test func oneAddressTryingManyNamesWaitsForAllOfThem() {
        let throttle = SignInThrottle()
        for n in 0..<SignInThrottle.maxPerAddress {
            throttle.recordFailure(username: "user\(n)", address: "203.0.113.66", now: Self.minute)
        }
        #expect(throttle.retryAfter(username: "anyone", address: "203.0.113.66", now: 2 * Self.minute) == 14 * 60)
        #expect(throttle.retryAfter(username: "anyone", address: "10.1.2.3", now: 2 * Self.minute) == nil)
    }

    @Test func aSuccessForgivesThatNameFromThatAddressOnly() {
        let throttle = SignInThrottle()
        for _ in 1..<SignInThrottle.maxPerUsernameAndAddress { throttle.recordFailure(username: "nina", address: "10.1.2.3", now: 0) }
        throttle.recordFailure(username: "nina", address: "203.0.113.66", now: 0)
        throttle.recordSuccess(username: "nina", address: "10.1.2.3")
        throttle.recordFailure(username: "nina", address: "10.1.2.3", now: 1)
        #expect(throttle.retryAfter(username: "nina", address: "10.1.2.3", now: 2) == nil)
        for _ in 1..<SignInThrottle.maxPerUsernameAndAddress { throttle.recordFailure(username: "nina", address: "203.0.113.66", now: 1) }
        #expect(throttle.retryAfter(username: "nina", address: "203.0.113.66", now: 2) != nil, "the other address's failures remain")
    }

    @Test func theTableStaysBoundedAndDropsTheStaleBeforeTheRecent() {
        let throttle = SignInThrottle(maxEntries: 100)
        for n in 0..<300 { throttle.recordFailure(username: "u", address: "198.51.100.\(n)", now: 0) }
        #expect(throttle.count <= 100)
        for _ in 0..<SignInThrottle.maxPerUsernameAndAddress {
            throttle.recordFailure(username: "nina", address: "203.0.113.66", now: 20 * Self.minute)
        }
        for n in 0..<40 { throttle.recordFailure(username: "v", address: "192.0.2.\(n)", now: 21 * Self.minute) }
        #expect(throttle.retryAfter(username: "nina", address: "203.0.113.66", now: 22 * Self.minute) != nil, "a recent lock outlives the stale keys")
        for n in 0..<100 { throttle.recordFailure(username: "w", address: "192.0.2.\(n)", now: 23 * Self.minute) }
        #expect(throttle.count <= 100, "recent keys too are bounded, the oldest dropped first")
    }
}
