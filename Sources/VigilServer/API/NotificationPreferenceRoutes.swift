import Hummingbird
import VigilClinical
import VigilCore

/// A person's own notification preferences (docs/notifications.md#people): `GET` and `PUT
/// /api/me/notifications` — e-mail, text and pager addresses, each for chosen priorities, and quiet
/// hours that hold back medium and low priority, never high. People only; audited.
struct NotificationPreferenceRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/api/me/notifications") { _, context in
                let user = try await current(context)
                return FHIRJSON.response(user.notifications ?? ["channels": []], mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.put, "/api/me/notifications") { request, context in
                var user = try await current(context)
                let body = try await FHIRJSON.body(of: request, maxBytes: 16 << 10, maxDepth: 8)
                let preferences = try NotificationPreferences(json: body)
                user.notifications = preferences.json
                let event = runtime.auditEvent(
                    context.principal, client: context.clientAddress, action: .update, resource: "user/\(user.username)/notifications")
                _ = try await runtime.writer.submit(Change(.updateUser(user), audit: [event]))
                return FHIRJSON.response(preferences.json, mediaType: FHIRJSON.jsonMediaType)
            },
        ]
    }

    /// The signed-in person's account as stored now.
    private func current(_ context: VigilRequestContext) async throws -> UserAccount {
        let signedIn = try context.requireUser()
        guard case .user = context.principal, let user = try await runtime.store.user(username: signedIn.username) else {
            throw VigilError(.forbidden, "this route is for people")
        }
        return user
    }
}
