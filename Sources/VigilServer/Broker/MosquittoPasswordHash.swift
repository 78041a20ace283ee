import Crypto
import Foundation
import VigilCore

/// Mosquitto's password-file hash (`mosquitto_passwd`, version 2): PBKDF2-HMAC-SHA512 with 101
/// iterations and a 12-byte salt, written `$7$101$<base64 salt>$<base64 hash>`.
///
/// Vigil computes it when a device credential is issued, the only moment it knows the token,
/// so that it can write the broker's password file later without keeping the token.
public enum MosquittoPasswordHash {
    public static let iterations = 101
    public static let saltLength = 12

    /// The password-file hash of `password`, with a fresh random salt (or `salt`, for tests).
    public static func make(password: String, salt: [UInt8] = SecureRandom.bytes(saltLength)) -> String {
        let derived = pbkdf2SHA512(password: Array(password.utf8), salt: salt, iterations: iterations)
        return "$7$\(iterations)$\(Data(salt).base64EncodedString())$\(Data(derived).base64EncodedString())"
    }

    /// Whether `hash` (in this format) is the hash of `password`.
    public static func verify(password: String, hash: String) -> Bool {
        let parts = hash.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[1] == "7", let rounds = Int(parts[2]), rounds > 0,
            let salt = Data(base64Encoded: String(parts[3])), let expected = Data(base64Encoded: String(parts[4]))
        else { return false }
        return pbkdf2SHA512(password: Array(password.utf8), salt: Array(salt), iterations: rounds) == Array(expected)
    }

    /// PBKDF2 (RFC 8018 §5.2) with HMAC-SHA512, one output block (64 bytes).
    static func pbkdf2SHA512(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
        let key = SymmetricKey(data: password)
        var block = Array(HMAC<SHA512>.authenticationCode(for: salt + [0, 0, 0, 1], using: key))
        var output = block
        for _ in 1..<iterations {
            block = Array(HMAC<SHA512>.authenticationCode(for: block, using: key))
            for index in output.indices { output[index] ^= block[index] }
        }
        return output
    }
}
