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
    }

    private let key: SymmetricKey
    /// Token lifetime in seconds.
    public let lifetime: Int

    public init(key: [UInt8], lifetime: Int) {
        self.key = SymmetricKey(data: key)
        self.lifetime = lifetime
    }

    private static let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    /// A token for `user`, valid from `now` (seconds since the epoch) for ``lifetime`` seconds,
    /// or until the account's sign-in generation changes.
    public func issue(for user: UserAccount, now: Int64) -> String {
        let payload: JSON = [
            "sub": .string(String(user.id)), "gen": .integer(user.signInGeneration), "iat": .integer(now), "exp": .integer(now + Int64(lifetime)),
            "jti": .string(SecureRandom.token(12)),
        ]
        let signingInput = Self.header + "." + Base64URL.encode(payload.serialized())
        return signingInput + "." + Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(signingInput.utf8), using: key)))
    }

    /// The claims of `token` when its signature is ours and it has not expired at `now` (seconds).
    public func verify(_ token: String, now: Int64) -> Claims? {
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
            now < expires, issuedAt <= now + 60
        else { return nil }
        return Claims(subject: subject, generation: generation, issuedAt: issuedAt, expires: expires)
    }
}
