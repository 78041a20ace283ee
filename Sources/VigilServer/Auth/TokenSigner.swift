import Crypto
import Foundation
public import VigilCore

/// Issues and checks signed, expiring access tokens: JWTs (RFC 7519) signed with HMAC-SHA256
/// under a key generated on first start and kept in the data directory.
public struct TokenSigner: Sendable {
    /// What a valid token says.
    public struct Claims: Sendable, Equatable {
        /// The user's id.
        public var subject: Int64
        /// The account's ``UserAccount/signInGeneration`` when the token was issued.
        public var generation: Int64
        public var issuedAt: Int64
        public var expires: Int64
        /// The SMART scopes granted, for a backend service's token.
        public var scope: String?
    }

    /// What a token is for: an access token opens routes; a refresh token only buys a new access
    /// token at the token endpoint, and is refused anywhere else.
    public enum Use: String, Sendable {
        case access
        case refresh
    }

    private let key: SymmetricKey
    /// Token lifetime in seconds.
    public let lifetime: Int

    public init(key: [UInt8], lifetime: Int) {
        self.key = SymmetricKey(data: key)
        self.lifetime = lifetime
    }

    private static let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    /// A token for `user`, valid from `now` (seconds since the epoch) for `lifetime` seconds
    /// (default ``lifetime``), or until the account's sign-in generation changes.
    public func issue(for user: UserAccount, now: Int64, use: Use = .access, lifetime: Int? = nil, scope: String? = nil) -> String {
        var claims: JSONObject = [
            "sub": .string(String(user.id)), "gen": .integer(user.signInGeneration), "iat": .integer(now),
            "exp": .integer(now + Int64(lifetime ?? self.lifetime)), "jti": .string(SecureRandom.token(12)),
        ]
        if use != .access { claims["use"] = .string(use.rawValue) }
        if let scope { claims["scope"] = .string(scope) }
        let signingInput = Self.header + "." + Base64URL.encode(JSON.object(claims).serialized())
        return signingInput + "." + Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: key)))
    }

    /// The claims of `token` when its signature is ours, it is for `use`, and it has not expired
    /// at `now` (seconds).
    public func verify(_ token: String, now: Int64, use: Use = .access) -> Claims? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == Self.header, let signature = Base64URL.decode(parts[2]) else { return nil }
        let signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key),
            let payloadBytes = Base64URL.decode(parts[1]),
            let payload = try? JSON.parse(payloadBytes),
            let subject = payload["sub"]?.stringValue.flatMap({ Int64($0) }),
            let issuedAt = payload["iat"]?.int64Value,
            let expires = payload["exp"]?.int64Value,
            let generation = payload["gen"]?.int64Value,
            now < expires, issuedAt <= now + 60,
            payload["use"]?.stringValue ?? Use.access.rawValue == use.rawValue
        else { return nil }
        return Claims(subject: subject, generation: generation, issuedAt: issuedAt, expires: expires, scope: payload["scope"]?.stringValue)
    }
}
