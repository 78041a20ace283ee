import Synchronization
public import VigilCore

/// The dashboard's signed-in browsers: a random session id (the cookie) names the user and the
/// session's CSRF token. A session ends at sign-out, after `idle` milliseconds without a request,
/// or `lifetime` after sign-in, whichever comes first. Kept in memory: a restarted server asks
/// everyone to sign in again.
public final class DashboardSessions: Sendable {
    /// One signed-in browser.
    public struct Session: Sendable, Equatable {
        public let user: Int64
        /// The account's ``UserAccount/signInGeneration`` at sign-in.
        public let generation: Int64
        /// The token every form of this session carries.
        public let csrf: String
        let started: Int64
        var lastSeen: Int64
    }

    let idle: Int64
    let lifetime: Int64
    private let sessions = Mutex<[String: Session]>([:])

    public init(idleSeconds: Int, lifetimeSeconds: Int = 12 * 3600) {
        idle = Int64(idleSeconds) * 1000
        lifetime = Int64(lifetimeSeconds) * 1000
    }

    /// Starts a session for `user`; returns its id (for the cookie) and the session.
    public func start(user: UserAccount, now: Int64) -> (id: String, session: Session) {
        let id = SecureRandom.token(32)
        let session = Session(user: user.id, generation: user.signInGeneration, csrf: SecureRandom.token(24), started: now, lastSeen: now)
        sessions.withLock { sessions in
            sessions = sessions.filter { isAlive($0.value, now: now) }
            sessions[id] = session
        }
        return (id, session)
    }

    /// The live session `id`, marked as seen now when `touch` (a person's request; not the
    /// page refreshing itself or its event stream); nil when it never existed or has ended.
    public func resume(_ id: String, now: Int64, touch: Bool = true) -> Session? {
        sessions.withLock { sessions in
            guard var session = sessions[id] else { return nil }
            guard isAlive(session, now: now) else {
                sessions[id] = nil
                return nil
            }
            if touch {
                session.lastSeen = now
                sessions[id] = session
            }
            return session
        }
    }

    /// Ends session `id`.
    public func end(_ id: String) { _ = sessions.withLock { $0.removeValue(forKey: id) } }

    private func isAlive(_ session: Session, now: Int64) -> Bool {
        now - session.lastSeen < idle && now - session.started < lifetime
    }
}
