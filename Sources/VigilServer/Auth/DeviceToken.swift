import Crypto
import VigilCore

/// Per-device bearer tokens: 256 random bits, shown once, stored only as their SHA-256.
///
/// SHA-256 rather than bcrypt: the token is random, so a slow hash adds no protection, and a
/// device authenticates on every batch.
public enum DeviceToken {
    /// The prefix that tells a device token from a user's signed token.
    public static let prefix = "vigil_dev_"

    /// A new random token.
    public static func generate() -> String { prefix + SecureRandom.token(32) }

    /// The hash under which a token is stored and looked up.
    public static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Array(token.utf8))) }
}
