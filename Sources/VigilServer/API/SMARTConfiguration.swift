import VigilCore

/// `/.well-known/smart-configuration` (SMART App Launch 2.0 discovery): the token endpoint and
/// what it takes. Vigil has no authorization endpoint (no EHR launch or browser redirect): people
/// use the password and refresh-token grants, backend services `client_credentials` with a
/// signed assertion.
enum SMARTConfiguration {
    static let scopes = ["system/*.read", "system/*.rs", "system/*.cruds", "system/*.*", "user/*.*", "offline_access"]

    /// The document for a server reached at `origin` (`https://host`).
    static func make(origin: String) -> JSON {
        [
            "issuer": .string(origin),
            "token_endpoint": .string(origin + "/auth/token"),
            "grant_types_supported": ["password", "refresh_token", "client_credentials"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
            "scopes_supported": .array(scopes.map { .string($0) }),
            "response_types_supported": ["token"],
            "capabilities": ["client-confidential-asymmetric", "permission-v1", "permission-v2"],
        ]
    }
}
