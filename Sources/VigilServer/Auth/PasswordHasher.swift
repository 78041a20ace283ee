import HummingbirdBcrypt
import NIOPosix
import VigilCore

/// bcrypt for people's passwords, run on a thread pool so that its deliberate slowness never
/// blocks request handling.
public struct PasswordHasher: Sendable {
    public let cost: UInt8

    /// A well-formed hash of no password, at the same cost: verified against when the username
    /// does not exist, so that a failed sign-in takes as long whether or not the account exists.
    public let decoyHash: String

    public init(cost: Int) {
        self.cost = UInt8(cost)
        let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        let salt = SecureRandom.bytes(53).map { alphabet[Int($0) % alphabet.count] }
        self.decoyHash = "$2b$" + (cost < 10 ? "0" : "") + String(cost) + "$" + String(salt)
    }

    /// The shortest password accepted.
    public static let minimumLength = 12

    /// The longest password accepted, in UTF-8 bytes: bcrypt reads no further.
    public static let maximumBytes = 72

    /// Why `password` is not acceptable, or nil: fewer than ``minimumLength`` characters, more
    /// than ``maximumBytes`` bytes (what bcrypt would ignore), or a control character (a NUL ends
    /// what bcrypt reads; the others cannot be typed alike everywhere).
    public static func problem(with password: String) -> String? {
        if password.count < minimumLength { return "a password has at least \(minimumLength) characters" }
        if password.utf8.count > maximumBytes { return "a password has at most \(maximumBytes) bytes in UTF-8 (bcrypt reads no more)" }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "a password has no control characters (tab, newline, NUL and the like)"
        }
        return nil
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
