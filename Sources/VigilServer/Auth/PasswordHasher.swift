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

    /// Why `password` is not acceptable, or nil.
    public static func problem(with password: String) -> String? {
        password.count < minimumLength ? "a password has at least \(minimumLength) characters" : nil
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
