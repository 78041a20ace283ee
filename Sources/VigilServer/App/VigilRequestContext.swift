public import Hummingbird
import NIOCore

/// The per-request context: the authenticated principal and the client's address.
public struct VigilRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthenticationMiddleware`` when the request carries valid credentials.
    public var principal: Principal?
    /// Set by ``SessionMiddleware`` on dashboard pages: the session's cookie value and its state.
    public var session: (id: String, state: DashboardSessions.Session)?
    /// The client's IP address, for the audit log: the peer's, or the one a trusted proxy
    /// reports (``ForwardedHeaders``).
    public internal(set) var clientAddress: String?
    /// The scheme and `host[:port]` the client used, when a trusted proxy reports them.
    public internal(set) var forwardedOrigin: (scheme: String, authority: String)?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Bodies are collected up to the ingest limit at most; routes check their own limits.
    public var maxUploadSize: Int { 4 << 20 }
}
