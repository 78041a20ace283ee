import Crypto
import CryptoExtras
import Foundation
import VigilCore

/// A backend service's signed client assertion (RFC 7523, as SMART Backend Services profile
/// it): a JWT whose `iss` and `sub` are the client's id, `aud` the token endpoint, `exp` at most
/// five minutes ahead, a `jti` never seen before, signed RS384 or ES384 with a key of the
/// client's registered JWK Set named by the header's `kid`.
struct ClientAssertion: Sendable {
    let clientID: String
    let jti: String
    /// Seconds since the epoch.
    let expires: Int64

    /// The `iss` of an assertion, read before its signature is checked: to find whose keys check it.
    static func issuer(of token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let bytes = Base64URL.decode(parts[1]), let payload = try? JSON.parse(bytes) else { return nil }
        return payload["iss"]?.stringValue
    }

    /// Checks `token` against the keys in `jwks`, for `audience` at `now` (seconds).
    init(verifying token: String, jwks: JSON, audience: String, now: Int64) throws(OAuthError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = Base64URL.decode(parts[0]), let header = try? JSON.parse(headerBytes),
            let payloadBytes = Base64URL.decode(parts[1]), let payload = try? JSON.parse(payloadBytes), let signature = Base64URL.decode(parts[2])
        else { throw OAuthError(.invalidClient, "the client assertion is not a signed JWT") }
        guard let alg = header["alg"]?.stringValue, alg == "RS384" || alg == "ES384" else {
            throw OAuthError(.invalidClient, "the client assertion is signed RS384 or ES384")
        }
        guard let kid = header["kid"]?.stringValue else { throw OAuthError(.invalidClient, "the client assertion's header names its key (kid)") }
        guard let key = jwks["keys"]?.arrayValue?.first(where: { $0["kid"]?.stringValue == kid && Self.suits($0, alg) }) else {
            throw OAuthError(.invalidClient, "the client has no registered \(alg) key with kid \(kid)")
        }
        guard Self.isValid(signature: signature, of: Array("\(parts[0]).\(parts[1])".utf8), key: key, alg: alg) else {
            throw OAuthError(.invalidClient, "the client assertion's signature does not verify with key \(kid)")
        }
        guard let issuer = payload["iss"]?.stringValue, payload["sub"]?.stringValue == issuer else {
            throw OAuthError(.invalidClient, "the client assertion's iss and sub are both the client id")
        }
        let audiences = payload["aud"]?.stringValue.map { [$0] } ?? payload["aud"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard audiences.contains(audience) else {
            throw OAuthError(.invalidClient, "the client assertion's aud is the token endpoint, \(audience)")
        }
        guard let expires = payload["exp"]?.int64Value, expires > now else { throw OAuthError(.invalidClient, "the client assertion has expired") }
        guard expires <= now + 300 + 60 else { throw OAuthError(.invalidClient, "the client assertion's exp is at most five minutes ahead") }
        guard let jti = payload["jti"]?.stringValue, !jti.isEmpty, jti.utf8.count <= 256 else {
            throw OAuthError(.invalidClient, "the client assertion carries a jti")
        }
        (clientID, self.jti, self.expires) = (issuer, jti, expires)
    }

    /// Whether a JWK is a public key of the kind `alg` takes.
    private static func suits(_ key: JSON, _ alg: String) -> Bool {
        if let keyAlg = key["alg"]?.stringValue, keyAlg != alg { return false }
        return alg == "RS384" ? key["kty"] == "RSA" : key["kty"] == "EC" && key["crv"] == "P-384"
    }

    /// A registered public key: RSA of 2,048 bits or more, or EC P-384.
    private enum PublicKey {
        case rsa(_RSA.Signing.PublicKey)
        case ec(P384.Signing.PublicKey)

        init?(_ jwk: JSON) {
            let field = { (name: String) in jwk[name]?.stringValue.flatMap(Base64URL.decode) }
            switch jwk["kty"]?.stringValue {
            case "RSA":
                guard let n = field("n"), let e = field("e"), let key = try? _RSA.Signing.PublicKey(n: n, e: e), key.keySizeInBits >= 2048 else {
                    return nil
                }
                self = .rsa(key)
            case "EC":
                guard jwk["crv"] == "P-384", let x = field("x"), let y = field("y"), let key = try? P384.Signing.PublicKey(rawRepresentation: x + y)
                else { return nil }
                self = .ec(key)
            default:
                return nil
            }
        }
    }

    private static func isValid(signature: [UInt8], of input: [UInt8], key: JSON, alg: String) -> Bool {
        let digest = SHA384.hash(data: input)
        switch PublicKey(key) {
        case .rsa(let key):
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5)
        case .ec(let key):
            guard let ecdsa = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(ecdsa, for: digest)
        case nil:
            return false
        }
    }

    /// What is wrong with a JWK Set offered at registration, or nil: each key public, with a
    /// `kid`, RSA of 2,048 bits or more or EC P-384.
    static func problem(with jwks: JSON) -> String? {
        guard let keys = jwks["keys"]?.arrayValue, !keys.isEmpty else { return #"jwks is a JWK Set: {"keys": [...]}"# }
        for (index, key) in keys.enumerated() {
            guard key["kid"]?.stringValue != nil else { return "key \(index) has no kid" }
            guard key["d"] == nil else { return "key \(index) is a private key: register the public key only" }
            guard PublicKey(key) != nil else { return "key \(index) is not an RSA public key of 2,048 bits or more, nor an EC P-384 public key" }
        }
        return nil
    }
}
