import Crypto
import Foundation

/// Each webhook's signing secret, derived from a server key kept apart from the database (so the
/// database holds none), and the signature of a delivery: HMAC-SHA256 over `TIMESTAMP.BODY`, sent
/// as `Vigil-Signature: v1=HEX` with `Vigil-Timestamp: TIMESTAMP` (seconds since 1970) and
/// `Vigil-Event-Id`. A receiver recomputes it, refuses old timestamps and drops event ids it has seen.
struct WebhookSigner: Sendable {
    private let key: SymmetricKey

    init(key: [UInt8]) { self.key = SymmetricKey(data: key) }

    /// The secret of webhook `id`: `whsec_` and 64 hex digits.
    func secret(webhook id: Int64) -> String {
        "whsec_" + Self.hex(HMAC<SHA256>.authenticationCode(for: Data("webhook/\(id)".utf8), using: key))
    }

    /// The signature header's value for `body` sent at `timestamp` to webhook `id`.
    func signature(webhook id: Int64, timestamp: Int64, body: [UInt8]) -> String {
        let secret = SymmetricKey(data: Data(secret(webhook: id).utf8))
        var hmac = HMAC<SHA256>(key: secret)
        hmac.update(data: Data("\(timestamp).".utf8))
        hmac.update(data: body)
        return "v1=" + Self.hex(hmac.finalize())
    }

    private static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
