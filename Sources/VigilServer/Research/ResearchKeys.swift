import Crypto
import Foundation
import VigilCore

/// The server's research secret (`keys/research.key`, kept apart from the database) and what is
/// derived from it: each project's pseudonyms (``ResearchPseudonyms``) and the Ed25519 key that
/// signs research exports. Losing it changes every pseudonym: it is backed up with the other keys.
public struct ResearchKeys: Sendable {
    private let secret: [UInt8]
    private let signing: Curve25519.Signing.PrivateKey

    public init(secret: [UInt8]) {
        self.secret = secret
        let seed = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), info: Array("vigil research export signing".utf8), outputByteCount: 32)
        // 32 bytes, as Ed25519 takes: cannot fail.
        signing = try! Curve25519.Signing.PrivateKey(rawRepresentation: seed.withUnsafeBytes { Array($0) })
    }

    /// The pseudonyms of project `id`.
    func pseudonyms(project id: String) -> ResearchPseudonyms { ResearchPseudonyms(researchKey: secret, project: id) }

    /// The public key that checks export signatures (32 bytes, base64).
    var publicKey: String { signing.publicKey.rawRepresentation.base64EncodedString() }

    /// The Ed25519 signature of `statement`'s UTF-8 bytes, base64.
    func sign(_ statement: String) throws -> String {
        try signing.signature(for: Array(statement.utf8)).base64EncodedString()
    }
}
