import Hummingbird
import VigilCore

/// The token endpoint, `POST /auth/token`, and SMART discovery.
///
/// - JSON `{"username", "password"}`: a signed, expiring access token (Vigil's own form).
/// - OAuth 2.0, form-encoded (`application/x-www-form-urlencoded`), answered with OAuth's
///   `{"error", "error_description"}` when refused:
///   - `grant_type=password` (a person): an access token and a refresh token;
///   - `grant_type=refresh_token`: a new access token and refresh token, while the account's
///     sign-in generation holds;
///   - `grant_type=client_credentials` with a `client_assertion` (SMART Backend Services): a
///     five-minute access token with the requested scopes its registration covers.
struct AuthRoutes {
    let runtime: VigilRuntime
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    /// SMART Backend Services: access tokens SHOULD NOT outlive five minutes.
    static let clientTokenLifetime = 300

    var routes: [VigilRoute] {
        [
            VigilRoute(.post, "/auth/token", .public) { request, context in
                if request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
                    var request = request
                    let form = try await URLEncodedForm(request: &request)
                    do {
                        return try await grant(form, request: request, context: context)
                    } catch let error as OAuthError {
                        return error.response
                    }
                }
                let body = try await FHIRJSON.body(of: request, maxBytes: 16 << 10)
                guard let username = body["username"]?.stringValue, let password = body["password"]?.stringValue else {
                    throw VigilError(.invalid, #"send {"username": "…", "password": "…"}"#)
                }
                let user = try await runtime.signIn(username: username, password: password, client: context.clientAddress, resource: "/auth/token")
                return tokenResponse(["access_token": .string(issue(user))])
            },
            VigilRoute(.get, "/.well-known/smart-configuration", .public) { request, context in
                FHIRJSON.response(SMARTConfiguration.make(origin: runtime.publicOrigin(request, context)), mediaType: FHIRJSON.jsonMediaType)
            },
        ]
    }

    private func grant(_ form: URLEncodedForm, request: Request, context: VigilRequestContext) async throws -> Response {
        switch form["grant_type"] {
        case "password":
            guard let username = form["username"], let password = form["password"] else {
                throw OAuthError(.invalidRequest, "the password grant takes username and password")
            }
            let user: UserAccount
            do {
                user = try await runtime.signIn(username: username, password: password, client: context.clientAddress, resource: "/auth/token")
            } catch let error as VigilError where error.code == .unauthenticated {
                throw OAuthError(.invalidGrant, error.message)
            }
            return tokenResponse(withRefresh: user)
        case "refresh_token":
            let now = runtime.clock.now() / 1000
            guard let token = form["refresh_token"], let claims = runtime.tokens.verify(token, now: now, use: .refresh),
                let user = try await runtime.account(claims.subject, signedInAt: claims.generation), user.client == nil
            else {
                throw OAuthError(.invalidGrant, "the refresh token is not valid, has expired, or its account's password changed or it was disabled")
            }
            return tokenResponse(withRefresh: user)
        case "client_credentials":
            return try await clientCredentials(form, audience: runtime.publicOrigin(request, context) + "/auth/token", client: context.clientAddress)
        case let other:
            throw OAuthError(.unsupportedGrantType, "grant_type is password, refresh_token or client_credentials (was \(other ?? "missing"))")
        }
    }

    /// SMART Backend Services: the assertion checked against the client's registered keys, used
    /// once; the scopes granted are those asked for that its registration covers.
    private func clientCredentials(_ form: URLEncodedForm, audience: String, client: String?) async throws -> Response {
        guard form["client_assertion_type"] == Self.assertionType, let token = form["client_assertion"] else {
            throw OAuthError(.invalidRequest, "client_credentials takes client_assertion_type=\(Self.assertionType) and a client_assertion")
        }
        guard let scope = form["scope"], !scope.isEmpty else { throw OAuthError(.invalidRequest, "ask for scopes such as system/*.read") }
        let now = runtime.clock.now()
        guard let id = ClientAssertion.issuer(of: token), let account = try await runtime.store.user(username: id),
            let registration = account.client, !account.disabled
        else {
            try await runtime.audit([
                runtime.auditEvent(nil, client: client, action: .login, resource: "/auth/token", outcome: .minorFailure, detail: "unknown client")
            ])
            throw OAuthError(.invalidClient, "no backend service is registered under the assertion's iss, or it is disabled")
        }
        let assertion: ClientAssertion
        do throws(OAuthError) {
            assertion = try ClientAssertion(verifying: token, jwks: registration.jwks, audience: audience, now: now / 1000)
            guard runtime.assertionReplays.admit(client: id, jti: assertion.jti, expires: assertion.expires, now: now / 1000) else {
                throw OAuthError(.invalidClient, "this client assertion (jti) was used already: sign a new one for each token")
            }
        } catch {
            try await runtime.audit([
                runtime.auditEvent(
                    .client(account, SMARTScopes([])), client: client, action: .login, resource: "/auth/token", outcome: .minorFailure,
                    detail: error.description)
            ])
            throw error
        }
        let granted = SMARTScopes(registration.scope).granting(SMARTScopes(scope))
        guard !granted.scopes.isEmpty else {
            throw OAuthError(.invalidScope, "none of \(scope) is within this client's registration (\(registration.scope))")
        }
        try await runtime.audit([
            runtime.auditEvent(.client(account, granted), client: client, action: .login, resource: "/auth/token", detail: granted.description)
        ])
        let access = runtime.tokens.issue(for: account, now: now / 1000, lifetime: Self.clientTokenLifetime, scope: granted.description)
        return tokenResponse([
            "access_token": .string(access), "expires_in": .integer(Self.clientTokenLifetime), "scope": .string(granted.description),
        ])
    }

    private func issue(_ user: UserAccount) -> String { runtime.tokens.issue(for: user, now: runtime.clock.now() / 1000) }

    /// An access token and a refresh token for a person. Their access is their role's and care
    /// teams' (`user/*.*`), not narrowed by scopes.
    private func tokenResponse(withRefresh user: UserAccount) -> Response {
        let refresh = runtime.tokens.issue(
            for: user, now: runtime.clock.now() / 1000, use: .refresh, lifetime: runtime.configuration.refreshTokenLifetime)
        return tokenResponse(["access_token": .string(issue(user)), "refresh_token": .string(refresh), "scope": "user/*.* offline_access"])
    }

    private func tokenResponse(_ fields: JSONObject) -> Response {
        var object: JSONObject = ["token_type": "Bearer", "expires_in": .integer(runtime.tokens.lifetime)]
        for member in fields { object[member.key] = member.value }
        var response = FHIRJSON.response(.object(object), mediaType: FHIRJSON.jsonMediaType)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
