import HTTPTypes
public import Hummingbird
import VigilCore

/// Dashboard pages need a live session (the `vigil_session` cookie): without one a GET goes to
/// the sign-in page and anything else is refused. A request that changes something must carry the
/// session's CSRF token (form field `csrf` or header `X-CSRF-Token`); the cookie is SameSite=Strict
/// as well, but the token does not rely on the browser.
public struct SessionMiddleware: RouterMiddleware {
    public typealias Context = VigilRequestContext
    let runtime: VigilRuntime

    public init(runtime: VigilRuntime) { self.runtime = runtime }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let touch = request.headers[.vigilRefresh] == nil
        guard let id = request.cookies[DashboardCookie.session]?.value,
            let session = runtime.sessions.resume(id, now: runtime.clock.now(), touch: touch),
            let user = try await runtime.account(session.user, signedInAt: session.generation)
        else {
            guard request.method == .get else { throw VigilError(.unauthenticated, "your session has ended: sign in again") }
            var response = DashboardPages.seeOther(ReturnPath.signIn(returningTo: request.uri.description))
            response.setCookie(DashboardCookie.cleared(DashboardCookie.session, secure: runtime.configuration.tlsCertificate != nil))
            return response
        }
        if request.method != .get {
            let form = try await URLEncodedForm(request: &request)
            guard (request.headers[.csrfToken] ?? form["csrf"]) == session.csrf else {
                throw VigilError(.forbidden, "this form has expired or did not come from this page: reload and try again")
            }
        }
        var context = context
        context.principal = .user(user)
        context.session = (id, session)
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
    /// Sent by the page when it refreshes itself after an event: not a person's activity, so it
    /// does not keep the session from ending when idle.
    static let vigilRefresh = Self("X-Vigil-Refresh")!
}
