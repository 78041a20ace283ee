import VigilCore

extension VigilRuntime {
    /// Who a bearer token belongs to.
    ///
    /// A device token (``DeviceToken/prefix``) is looked up by its SHA-256 among active credentials
    /// (``DeviceDirectory``, which forgets them when a credential changes, so a revocation takes
    /// effect on the next request). Anything else must be a token
    /// from ``TokenSigner`` of an account that is not disabled and whose password has not changed
    /// since the token was issued.
    /// - Returns: the principal, and for a person's token when it expires (seconds since the epoch).
    /// - Throws: ``VigilError`` (401) when the token is not valid, expired or revoked.
    func authenticate(token: String) async throws -> (principal: Principal, expires: Int64?) {
        if token.hasPrefix(DeviceToken.prefix) {
            guard let device = try await deviceDirectory.device(forCredential: DeviceToken.hash(token)) else {
                throw VigilError(.unauthenticated, "the device token is not valid or was revoked")
            }
            return (.device(device), nil)
        }
        guard let claims = tokens.verify(token, now: clock.now() / 1000),
            let user = try await account(claims.subject, signedInAt: claims.generation)
        else {
            throw VigilError(.unauthenticated, "the token is not valid or has expired: get a new one from POST /auth/token")
        }
        if user.client != nil { return (.client(user, SMARTScopes(claims.scope ?? "")), claims.expires) }
        return (.user(user), claims.expires)
    }

    /// Account `id`, when a sign-in of `generation` still holds for it (it is enabled and its
    /// password has not changed since): the one check behind tokens, pages and streams.
    func account(_ id: Int64, signedInAt generation: Int64) async throws -> UserAccount? {
        guard let user = try await store.user(id: id), user.admits(generation: generation) else { return nil }
        return user
    }
}
