import HTTPTypes
public import Hummingbird
import VigilCore

/// Believes `X-Forwarded-For`, `X-Forwarded-Proto` and `X-Forwarded-Host` only from the proxies
/// the configuration trusts (``VigilConfiguration/trustedProxies``): the client's address then
/// becomes the nearest address in `X-Forwarded-For` that is not a trusted proxy, and absolute
/// URLs (paging links, `Location`, SMART endpoints) name the scheme and host the client used.
/// A scheme other than http(s), or a host that is not one, is ignored.
public struct ForwardedHeaders: RouterMiddleware {
    public typealias Context = VigilRequestContext
    let trusted: [IPNetwork]

    public init(trusted: [IPNetwork]) { self.trusted = trusted }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let seen = resolve(request.head, peer: context.clientAddress)
        var context = context
        (context.clientAddress, context.forwardedOrigin) = (seen.client, seen.origin)
        return try await next(request, context)
    }

    /// The client's address and, when a trusted proxy reports them, the scheme and authority
    /// the client used; `peer` (the connection's address) and no origin otherwise.
    func resolve(_ head: HTTPRequest, peer: String?) -> (client: String?, origin: (scheme: String, authority: String)?) {
        guard let peer, isTrusted(peer) else { return (peer, nil) }
        var client = peer
        let hops = head.headerFields[values: Self.forwardedFor].flatMap { $0.split(separator: ",") }.map { String($0).trimmingWhitespace() }
        if let nearest = hops.last(where: { !isTrusted($0) }) ?? hops.first, IPNetwork.bytes(of: nearest) != nil { client = nearest }
        // The first of a list (the proxy nearest the client); an empty value is none.
        func first(_ name: HTTPField.Name) -> String? {
            head.headerFields[name]?.split(separator: ",").first.map { String($0).trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let scheme = first(Self.forwardedProto)?.lowercased()
        let host = first(Self.forwardedHost)
        guard scheme != nil || host != nil, let authority = host ?? head.authority, Origin(scheme: scheme ?? "http", authority: authority) != nil
        else { return (client, nil) }
        return (client, (scheme ?? "http", authority))
    }

    private func isTrusted(_ address: String) -> Bool { trusted.contains { $0.contains(address) } }
}

extension VigilRuntime {
    /// `scheme://host[:port]` as the client addressed this server: what a trusted proxy reports,
    /// else this server's scheme and the request's `Host`.
    func publicOrigin(_ request: Request, _ context: VigilRequestContext) -> String {
        if let (scheme, authority) = context.forwardedOrigin { return "\(scheme)://\(authority)" }
        let scheme = configuration.tlsCertificate == nil ? "http" : "https"
        return "\(scheme)://\(request.head.authority ?? "\(configuration.httpHost):\(configuration.httpPort)")"
    }
}
