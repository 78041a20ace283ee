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
        let user = try await runtime.signIn(username: username, password: password, client: client, resource: "/auth/token")
        let token = runtime.tokens.issue(for: user, now: runtime.clock.now() / 1000)
        return FHIRJSON.response(
            ["access_token": .string(token), "token_type": "Bearer", "expires_in": .integer(runtime.tokens.lifetime)],
            mediaType: FHIRJSON.jsonMediaType
        )
    }
}
