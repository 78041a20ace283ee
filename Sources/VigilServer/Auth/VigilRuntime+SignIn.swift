import VigilCore

extension VigilRuntime {
    /// Checks a username and password for a sign-in through `resource` (`/auth/token`, the
    /// dashboard's `/signin`): throttled per name and address, audited either way, the same answer
    /// for an unknown name, a wrong password and a disabled account.
    /// - Throws: ``VigilError`` `.tooManyRequests` or `.unauthenticated`.
    func signIn(username: String, password: String, client: String?, resource: String) async throws -> UserAccount {
        let now = clock.now()
        if let wait = signInThrottle.retryAfter(username: username, address: client, now: now) {
            throw VigilError(.tooManyRequests, "too many failed sign-ins; try again in \(wait) seconds", retryAfter: wait)
        }
        // A backend service's account has no password: it signs in with a signed assertion.
        let user = try await store.user(username: username).flatMap { $0.client == nil ? $0 : nil }
        let valid = try await passwords.verify(password, hash: user?.passwordHash ?? passwords.decoyHash)
        // The attempt is counted by every node's throttle once its audit event is stored
        // (``SignInThrottle``'s subscription), before the answer.
        let attempt = SignInAttempt(username: username, address: client, succeeded: false, at: now)
        guard let user, valid, !user.disabled else {
            let event = auditEvent(
                user.map { .user($0) }, client: client, action: .login, resource: resource, outcome: .minorFailure,
                detail: user?.disabled == true ? "account disabled" : "bad credentials")
            try await writer.submit(Change(.audit, audit: [event], notices: [.signIn(attempt)]))
            throw VigilError(.unauthenticated, "wrong username or password, or the account is disabled")
        }
        var success = attempt
        success.succeeded = true
        let event = auditEvent(.user(user), client: client, action: .login, resource: resource)
        try await writer.submit(Change(.audit, audit: [event], notices: [.signIn(success)]))
        return user
    }
}
