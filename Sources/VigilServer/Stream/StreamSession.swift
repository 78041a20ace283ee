import HummingbirdWebSocket
import Logging
import NIOWebSocket
import Synchronization
import VigilCore

/// One client of `/api/stream`: authenticates by its first message, subscribes to the
/// ``EventHub`` with the patients it may see, forwards events, and every
/// ``VigilConfiguration/streamRecheck`` checks again that the token is valid and the account
/// enabled, and recomputes the patients (a nurse taken off a care team stops receiving that
/// patient's events). Subscribing is audited per patient.
struct StreamSession {
    let runtime: VigilRuntime
    let client: String?
    /// The dashboard session cookie sent with the upgrade (from a page of this server), if any.
    var sessionID: String? = nil

    static let authTimeout: Duration = .seconds(10)
    static let maxMessageBytes = 16 << 10

    /// Who is connected and until when.
    struct Viewer: Sendable {
        var access: AccessControl
        var expires: Int64
        /// A dashboard session, which must stay alive, instead of a token's expiry.
        var session: String? = nil
        var user: UserAccount { access.user! }
    }

    /// The viewer, shared by the tasks of one session.
    private final class Current: Sendable {
        private let viewer: Mutex<Viewer>
        init(_ viewer: Viewer) { self.viewer = Mutex(viewer) }
        var value: Viewer {
            get { viewer.withLock { $0 } }
            set { viewer.withLock { $0 = newValue } }
        }
    }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        var messages = inbound.messages(maxSize: Self.maxMessageBytes).makeAsyncIterator()
        let timer = Task {
            try await Task.sleep(for: Self.authTimeout)
            try? await outbound.close(.policyViolation, reason: "authenticate with the first message")
        }
        defer { timer.cancel() }
        guard let first = try await messages.next() else { return }
        timer.cancel()
        let viewer: Viewer, lastEventID: Int64?
        do {
            guard case .text(let text) = first else { throw VigilError(.invalid, "send text") }
            switch try StreamMessage.parse(text) {
            case .auth(let token, let last): (viewer, lastEventID) = (try await authenticate(token), last)
            case .session(let last): (viewer, lastEventID) = (try await authenticateSession(), last)
            }
        } catch {
            try await refuse(outbound, error)
            return
        }
        let current = Current(viewer)
        let hub = runtime.hub
        let (id, start, events) = hub.subscribe(audience(viewer), after: lastEventID)
        defer { hub.unsubscribe(id) }
        try await auditSubscription(viewer, previous: nil)
        switch start {
        case .resume(let missed):
            try await outbound.write(
                .text(StreamMessage.ready(eventID: hub.lastID, user: viewer.user.username, patients: viewer.access.patients?.count)))
            for event in missed { try await outbound.write(.text(event.text)) }
        case .reset:
            try await outbound.write(.text(StreamMessage.reset(eventID: hub.lastID)))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events {
                    if hub.takeLagging(id) { try await outbound.write(.text(StreamMessage.gap)) }
                    try await outbound.write(.text(event.text))
                }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: runtime.configuration.streamRecheck)
                    let previous = current.value
                    guard let renewed = try? await recheck(previous) else {
                        try? await outbound.write(.text(StreamMessage.expired))
                        try? await outbound.close(.policyViolation, reason: "the token expired or the account was disabled")
                        return
                    }
                    current.value = renewed
                    hub.update(id, audience: audience(renewed))
                    try await auditSubscription(renewed, previous: previous)
                }
            }
            while let message = try await messages.next() {
                do {
                    guard case .text(let text) = message, case .auth(let token, _) = try StreamMessage.parse(text) else {
                        throw VigilError(.invalid, "send text")
                    }
                    let previous = current.value
                    let renewed = try await authenticate(token)
                    guard renewed.user.id == previous.user.id else { throw VigilError(.forbidden, "a stream stays with one account") }
                    current.value = renewed
                    hub.update(id, audience: audience(renewed))
                    try await auditSubscription(renewed, previous: previous)
                } catch {
                    try await refuse(outbound, error)
                    break
                }
            }
            group.cancelAll()
        }
    }

    /// A person whose role sees patients, from a valid token.
    private func authenticate(_ token: String) async throws -> Viewer {
        let (principal, expires) = try await runtime.authenticate(token: token)
        let access = try await AccessControl.resolve(principal, runtime: runtime)
        _ = try access.requireClinicalViewer()
        return Viewer(access: access, expires: expires ?? .max)
    }

    /// A person signed in to the dashboard, from the session cookie of the upgrade.
    private func authenticateSession() async throws -> Viewer {
        guard let sessionID, let session = runtime.sessions.resume(sessionID, now: runtime.clock.now(), touch: false),
            let user = try await runtime.account(session.user, signedInAt: session.generation)
        else { throw VigilError(.unauthenticated, "no dashboard session: sign in again") }
        let access = try await AccessControl.resolve(.user(user), runtime: runtime)
        _ = try access.requireClinicalViewer()
        return Viewer(access: access, expires: .max, session: sessionID)
    }

    /// The viewer again, with their patients as of now; throws when the token expired, the
    /// session ended or the account was disabled.
    private func recheck(_ viewer: Viewer) async throws -> Viewer {
        let sessionAlive = viewer.session.map { runtime.sessions.resume($0, now: runtime.clock.now(), touch: false) != nil } ?? true
        guard sessionAlive, runtime.clock.now() / 1000 < viewer.expires,
            let user = try await runtime.account(viewer.user.id, signedInAt: viewer.user.signInGeneration),
            user.role == viewer.user.role
        else { throw VigilError(.unauthenticated, "expired") }
        return Viewer(access: try await AccessControl.resolve(.user(user), runtime: runtime), expires: viewer.expires, session: viewer.session)
    }

    private func audience(_ viewer: Viewer) -> EventHub.Audience {
        EventHub.Audience(user: "user/\(viewer.user.username)", patients: viewer.access.patients)
    }

    /// Audits the patients whose events the viewer now receives (those new since `previous`).
    private func auditSubscription(_ viewer: Viewer, previous: Viewer?) async throws {
        let principal = viewer.access.principal
        guard let patients = viewer.access.patients else {
            if previous == nil {
                try await runtime.audit([runtime.auditEvent(principal, client: client, action: .read, resource: "stream", detail: "all patients")])
            }
            return
        }
        let added = patients.subtracting(previous?.access.patients ?? []).sorted()
        try await runtime.audit(added.map { runtime.auditEvent(principal, client: client, patient: $0, action: .read, resource: "stream") })
    }

    private func refuse(_ outbound: WebSocketOutboundWriter, _ error: any Error) async throws {
        let message = (error as? VigilError)?.issues.first?.diagnostics ?? "the stream failed"
        try await outbound.write(.text(StreamMessage.error(message)))
        try await outbound.close(.policyViolation, reason: String(message.prefix(100)))
    }
}
