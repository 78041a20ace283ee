public import HTTPTypes
public import Hummingbird

/// One route: its method and path, whether it is public, and its handler. Every route is declared
/// this way, so the router, the route inventory test and the OpenAPI check read one list.
public struct VigilRoute: Sendable {
    public enum Access: Sendable, Equatable {
        /// Open without credentials (sign-in, metadata, health, metrics, documentation).
        case `public`
        /// Behind ``AuthenticationMiddleware``: deny by default.
        case authenticated
        /// A dashboard page behind ``SessionMiddleware``: a session cookie, and for anything but
        /// GET the session's CSRF token.
        case session
    }

    public typealias Handler = @Sendable (Request, VigilRequestContext) async throws -> Response

    public let method: HTTPRequest.Method
    public let path: String
    public let access: Access
    let handler: Handler

    init(_ method: HTTPRequest.Method, _ path: String, _ access: Access = .authenticated, _ handler: @escaping Handler) {
        self.method = method
        self.path = path
        self.access = access
        self.handler = handler
    }
}
