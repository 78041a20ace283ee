import Hummingbird

/// The dashboard's cookies: `vigil_session` (the session id) and `vigil_signin` (the sign-in
/// form's CSRF token, before there is a session). HttpOnly, SameSite=Strict, Secure on TLS.
public enum DashboardCookie {
    public static let session = "vigil_session"
    public static let signIn = "vigil_signin"

    static func make(_ name: String, _ value: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: value, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }

    static func cleared(_ name: String, secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}
