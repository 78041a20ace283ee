import Crypto
public import VigilCore

/// Seals audit records with HMAC-SHA256 under a key kept outside the database:
/// `hash(n) = HMAC(key, hash(n-1) ‖ canonical(record n))`.
public struct HMACAuditSealer: AuditSealer {
    private let key: SymmetricKey
    /// An HMAC with the key already taken in: each seal starts from a copy of it.
    private let keyed: HMAC<SHA256>

    public init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
        self.keyed = HMAC<SHA256>(key: self.key)
    }

    public func seal(previous: [UInt8], seq: Int64, event: AuditEvent) -> [UInt8] {
        var hmac = keyed
        // One update: each costs a generic walk over the data's regions.
        hmac.update(data: previous + event.canonicalBytes(seq: seq))
        return Array(hmac.finalize())
    }

    /// A keyed tag over the anchor's text, so the anchor file cannot be rewritten without the key.
    func tag(_ text: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key))
    }
}
