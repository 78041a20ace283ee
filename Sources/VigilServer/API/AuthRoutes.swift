import Hummingbird
import VigilCore

/// `POST /auth/token`: a username and password for a signed, expiring access token.
struct AuthRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.post, "/auth/token", .public) { request, context in
                let body = try await FHIRJSON.body(of: request, maxBytes: 16 << 10)
                guard let username = body["username"]?.stringValue, let password = body["password"]?.stringValue else {
                    throw VigilError(.invalid, #"send {"username": "…", "password": "…"}"#)
                }
                return try await signIn(username: username, password: password, client: context.clientAddress)
            }
        ]
    }

    private func signIn(username: String, password: String, client: String?) async throws -> Response {
        let now = runtime.clock.now()
        if let wait = runtime.signInThrottle.retryAfter(username: username, address: client, now: now) {
            throw VigilError(.tooManyRequests, "too many failed sign-ins; try again in \(wait) seconds", retryAfter: wait)
        }
        let user = try await runtime.store.user(username: username)
        let valid = try await runtime.passwords.verify(password, hash: user?.passwordHash ?? runtime.passwords.decoyHash)
        guard let user, valid, !user.disabled else {
            runtime.signInThrottle.recordFailure(username: username, address: client, now: now)
            let actor: Principal? = user.map { .user($0) }
            try await runtime.audit([
                runtime.auditEvent(
                    actor, client: client, action: .login, resource: "/auth/token", outcome: .minorFailure,
                    detail: user?.disabled == true ? "account disabled" : "bad credentials")
            ])
            throw VigilError(.unauthenticated, "wrong username or password, or the account is disabled")
        }
        runtime.signInThrottle.recordSuccess(username: username)
        try await runtime.audit([runtime.auditEvent(.user(user), client: client, action: .login, resource: "/auth/token")])
        let token = runtime.tokens.issue(subject: user.id, now: now / 1000)
        return FHIRJSON.response(
            ["access_token": .string(token), "token_type": "Bearer", "expires_in": .integer(runtime.tokens.lifetime)],
            mediaType: FHIRJSON.jsonMediaType
        )
    }
}
