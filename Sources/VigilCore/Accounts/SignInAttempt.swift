/// A sign-in with a password, succeeded or failed, as every node's throttle counts it.
public struct SignInAttempt: Sendable, Equatable, Codable {
    /// The name given (an account's or not).
    public var username: String
    /// The client's address, when known.
    public var address: String?
    public var succeeded: Bool
    /// When, in milliseconds since the epoch.
    public var at: Int64

    public init(username: String, address: String?, succeeded: Bool, at: Int64) {
        (self.username, self.address, self.succeeded, self.at) = (username, address, succeeded, at)
    }
}
