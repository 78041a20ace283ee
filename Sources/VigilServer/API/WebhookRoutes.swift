import Hummingbird
import VigilClinical
import VigilCore

/// Webhooks (administrators; docs/notifications.md): `POST /api/webhooks` adds an HTTPS endpoint
/// told of every alert step of the chosen priorities and answers its signing secret, shown once;
/// `GET /api/webhooks` lists them (without secrets); `DELETE /api/webhooks/{id}` removes one. An
/// address that resolves to a loopback, private, link-local or reserved address is refused.
struct WebhookRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.post, "/api/webhooks") { request, context in
                let admin = try context.requireAdmin()
                let body = try await FHIRJSON.body(of: request, maxBytes: 16 << 10, maxDepth: 4)
                guard let url = body["url"]?.stringValue else { throw VigilError(.invalid, "send {\"url\": \"https://…\"}", expression: "url") }
                let priorities = try NotificationPreferences.priorities(body["priorities"], at: "priorities")
                _ = try await WebhookAddress.resolve(url, allow: runtime.configuration.webhookAllow)
                let event = runtime.auditEvent(.user(admin), client: context.clientAddress, action: .create, resource: "webhook")
                let webhook = Webhook(url: url, priorities: priorities, created: runtime.clock.now())
                guard case .webhook(let stored) = try await runtime.writer.submit(Change(.addWebhook(webhook), audit: [event])) else {
                    throw VigilError(.internal, "the webhook was not stored")
                }
                guard case .object(var answer) = Self.json(stored) else { preconditionFailure("a webhook is a JSON object") }
                answer["secret"] = .string(runtime.webhookSigner.secret(webhook: stored.id))
                var response = FHIRJSON.response(.object(answer), status: .created, mediaType: FHIRJSON.jsonMediaType)
                response.headers[.cacheControl] = "no-store"
                return response
            },
            VigilRoute(.get, "/api/webhooks") { _, context in
                _ = try context.requireAdmin()
                let webhooks = try await runtime.store.webhooks()
                return FHIRJSON.response(["webhooks": .array(webhooks.map(Self.json))], mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.delete, "/api/webhooks/:id") { _, context in
                let admin = try context.requireAdmin()
                guard let id = context.parameters.get("id", as: Int64.self) else { throw VigilError(.notFound, "no such webhook") }
                let event = runtime.auditEvent(.user(admin), client: context.clientAddress, action: .delete, resource: "webhook/\(id)")
                _ = try await runtime.writer.submit(Change(.removeWebhook(id: id, at: runtime.clock.now()), audit: [event]))
                return Response(status: .noContent)
            },
        ]
    }

    private static func json(_ webhook: Webhook) -> JSON {
        [
            "id": .integer(webhook.id), "url": .string(webhook.url),
            "priorities": .array(webhook.priorities.sorted { $0 > $1 }.map { .string($0.rawValue) }),
            "created": .string(FHIRDateTime.instant(milliseconds: webhook.created)),
        ]
    }
}
