import Hummingbird
import VigilCore

/// The dashboard: `GET /` (the sign-in form, or the person's home page when signed in),
/// `POST /signin`, `POST /signout`, `GET /board`, and the stylesheet and script under `/static/`.
struct DashboardRoutes {
    let runtime: VigilRuntime

    var secure: Bool { runtime.configuration.tlsCertificate != nil }

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/", .public) { request, _ in
                let next = ReturnPath.safe(request.uri.queryParameters["next"].map(String.init))
                if let id = request.cookies[DashboardCookie.session]?.value, let session = runtime.sessions.resume(id, now: runtime.clock.now()),
                    let user = try await runtime.store.user(id: session.user)
                {
                    return DashboardPages.seeOther(next ?? Self.home(of: user))
                }
                return signInPage(next: next)
            },
            VigilRoute(.post, "/signin", .public) { request, context in
                var request = request
                let form = try await URLEncodedForm(request: &request)
                let username = form["username"] ?? ""
                guard let expected = request.cookies[DashboardCookie.signIn]?.value, form["csrf"] == expected else {
                    return signInPage(
                        error: "The sign-in form expired. Please try again.", username: username, next: ReturnPath.safe(form["next"]),
                        status: .forbidden)
                }
                let user: UserAccount
                do {
                    user = try await runtime.signIn(
                        username: username, password: form["password"] ?? "", client: context.clientAddress, resource: "/signin")
                } catch let error as VigilError {
                    let status: HTTPResponse.Status = error.code == .tooManyRequests ? .tooManyRequests : .unauthorized
                    return signInPage(error: error.message, username: username, next: ReturnPath.safe(form["next"]), status: status)
                }
                let (id, _) = runtime.sessions.start(user: user, now: runtime.clock.now())
                var response = DashboardPages.seeOther(ReturnPath.safe(form["next"]) ?? Self.home(of: user))
                response.setCookie(DashboardCookie.make(DashboardCookie.session, id, secure: secure))
                response.setCookie(DashboardCookie.cleared(DashboardCookie.signIn, secure: secure))
                return response
            },
            VigilRoute(.post, "/signout", .session) { _, context in
                if let id = context.session?.id { runtime.sessions.end(id) }
                var response = DashboardPages.seeOther("/")
                response.setCookie(DashboardCookie.cleared(DashboardCookie.session, secure: secure))
                return response
            },
            VigilRoute(.get, "/board", .session) { _, context in
                let user = try context.requireUser()
                let access = try await runtime.alertViewer(context.principal)
                let board = try await Board(runtime: runtime).page(
                    for: access.principal, scope: access.searchScope(for: .patient), client: context.clientAddress, offset: 0, count: 200)
                let now = runtime.clock.now()
                let shown = (board["patients"]?.arrayValue ?? []).compactMap {
                    $0["patient"]?.stringValue?.split(separator: "/").last.map(String.init)
                }
                let recent = try await runtime.store.readings(patients: shown, since: now - BoardPage.sparklineHours * 3_600_000, before: nil)
                return DashboardPages.page(
                    "board", title: "Patients", values: BoardPage.values(board, recent: recent, now: now), user: user,
                    csrf: context.session?.state.csrf)
            },
            VigilRoute(.get, "/static/vigil.css", .public) { _, _ in
                Response(
                    status: .ok, headers: DashboardPages.headers(contentType: "text/css; charset=utf-8"),
                    body: .init(byteBuffer: .init(string: DashboardAssets.css)))
            },
            VigilRoute(.get, "/static/vigil.js", .public) { _, _ in
                Response(
                    status: .ok, headers: DashboardPages.headers(contentType: "text/javascript; charset=utf-8"),
                    body: .init(byteBuffer: .init(string: DashboardAssets.js)))
            },
            // The icon, also where browsers look for it by default.
            VigilRoute(.get, "/static/favicon.svg", .public) { _, _ in Self.favicon },
            VigilRoute(.get, "/favicon.ico", .public) { _, _ in Self.favicon },
        ]
    }

    static var favicon: Response {
        Response(
            status: .ok, headers: DashboardPages.headers(contentType: "image/svg+xml"),
            body: .init(byteBuffer: .init(string: DashboardAssets.favicon)))
    }

    /// Where a person lands after signing in: the school view for a school nurse or a parent, the
    /// public-health page for public health, the board for everyone else.
    static func home(of user: UserAccount) -> String {
        switch user.role {
        case .schoolNurse, .caregiver: "/school"
        case .publicHealth: "/public-health"
        default: "/board"
        }
    }

    /// The sign-in form with a fresh CSRF token in a cookie and a hidden field (double submit),
    /// and the page to go back to afterwards.
    private func signInPage(error: String? = nil, username: String = "", next: String? = nil, status: HTTPResponse.Status = .ok) -> Response {
        let token = SecureRandom.token(24)
        var values: [String: Any] = ["csrf": token, "username": username]
        if let next { values["next"] = next }
        if let error { values["error"] = error }
        var response = DashboardPages.page("signin", title: "Sign in", values: values, status: status)
        response.setCookie(DashboardCookie.make(DashboardCookie.signIn, token, secure: secure))
        return response
    }
}
