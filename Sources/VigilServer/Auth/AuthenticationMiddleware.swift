public import Hummingbird
import VigilCore

/// Reads the bearer credential and sets ``VigilRequestContext/principal``; refuses the request
/// when there is none or it is not valid (``VigilRuntime/authenticate(token:)``). Every route
/// behind it needs a principal: deny by default.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = VigilRequestContext
    let runtime: VigilRuntime

    public init(runtime: VigilRuntime) { self.runtime = runtime }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw VigilError(.unauthenticated, "this route needs a bearer token: get one from POST /auth/token")
        }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw VigilError(.unauthenticated, "only Bearer credentials are accepted")
        }
        let token = String(header.dropFirst(7)).trimmingWhitespace()
        var context = context
        context.principal = try await runtime.authenticate(token: token).principal
        return try await next(request, context)
    }

}

/// Refuses credentials in the URL (`?access_token=`, `?token=`, …): URLs end up in logs and
/// browser histories. Runs on every route.
public struct URLCredentialGuard<Context: RequestContext>: RouterMiddleware {
    static var names: Set<String> { ["access_token", "token", "api_key", "apikey", "password", "secret"] }

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        for (name, _) in request.uri.queryParameters where Self.names.contains(name.lowercased()) {
            throw VigilError(.invalid, "credentials are never accepted in a URL; send Authorization: Bearer …", expression: String(name))
        }
        return try await next(request, context)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}

extension VigilRequestContext {
    /// The signed-in person, or 403 for a device.
    func requireUser() throws -> UserAccount {
        guard let user = principal?.user else { throw VigilError(.forbidden, "this route is for people, not devices") }
        return user
    }

    /// The signed-in administrator, or 403.
    func requireAdmin() throws -> UserAccount {
        let user = try requireUser()
        guard user.role == .admin else { throw VigilError(.forbidden, "this route is for administrators") }
        return user
    }

    /// The authenticated device, or 403.
    func requireDevice() throws -> String {
        guard case .device(let id) = principal else { throw VigilError(.forbidden, "this route takes a device token") }
        return id
    }
}
