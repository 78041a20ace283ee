import Hummingbird
import VigilCore

/// Alerts (docs/clinical.md, API): `GET /api/alerts`, `GET /api/alerts/{id}` with its history,
/// `POST /api/alerts/{id}/ack`, `POST /api/alerts/{id}/resolve` with a reason, and
/// `POST /api/alerts/{id}/comments`. People see and act on the alerts of the patients they may see;
/// an alert of another patient is answered as not found. Every access is audited.
struct AlertRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/api/alerts") { request, context in
                let access = try await viewer(context)
                let parameters = request.uri.queryParameters.map { (name: String($0.key), value: String($0.value)) }
                var query = try AlertQuery.parse(parameters)
                query.patients = access.alertPatients
                let alerts = try await runtime.store.alerts(query)
                let description = "alerts?" + URLQuery.encode(parameters)
                let patients = Set(alerts.map(\.patient)).subtracting([Alert.noPatient]).sorted()
                try await runtime.auditReads(
                    access.principal, client: context.clientAddress, patients: patients, resource: description, detail: "search", empty: "0 results")
                return FHIRJSON.response(["alerts": .array(alerts.map(\.json))], mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.get, "/api/alerts/:id") { _, context in
                let access = try await viewer(context)
                let alert = try await visibleAlert(context, access)
                let history = try await runtime.store.alertHistory(id: alert.id)
                try await runtime.audit([audit(access, context, .read, "Alert/\(alert.id)", patient: alert.isPublicHealth ? nil : alert.patient)])
                guard case .object(var object) = alert.json else { preconditionFailure("an alert is a JSON object") }
                object["history"] = .array(history.map(\.json))
                return FHIRJSON.response(.object(object), mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.post, "/api/alerts/:id/ack") { _, context in
                let access = try await viewer(context)
                let alert = try await visibleAlert(context, access)
                let user = try access.requireAlertViewer()
                let acknowledged = try await runtime.alerts.acknowledge(alert.id, by: user, client: context.clientAddress)
                return FHIRJSON.response(acknowledged.json, mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.post, "/api/alerts/:id/resolve") { request, context in
                let access = try await viewer(context)
                let alert = try await visibleAlert(context, access)
                let body = try await FHIRJSON.body(of: request, maxBytes: 16 << 10)
                let reason = try text(body["reason"], name: "reason")
                let resolved = try await runtime.alerts.resolve(
                    alert.id, reason: reason, by: try access.requireAlertViewer(), client: context.clientAddress)
                return FHIRJSON.response(resolved.json, mediaType: FHIRJSON.jsonMediaType)
            },
            VigilRoute(.post, "/api/alerts/:id/comments") { request, context in
                let access = try await viewer(context)
                let alert = try await visibleAlert(context, access)
                let body = try await FHIRJSON.body(of: request, maxBytes: 16 << 10)
                let entry = try await runtime.alerts.comment(
                    alert.id, text: try text(body["text"], name: "text"), by: try access.requireAlertViewer(), client: context.clientAddress)
                return FHIRJSON.response(entry.json, status: .created, mediaType: FHIRJSON.jsonMediaType)
            },
        ]
    }

    private func viewer(_ context: VigilRequestContext) async throws -> AccessControl { try await runtime.alertReader(context.principal) }

    /// The alert named in the path, or 404 when it does not exist or its patient is not visible.
    private func visibleAlert(_ context: VigilRequestContext, _ access: AccessControl) async throws -> Alert {
        try await runtime.visibleAlert(try context.parameters.require("id"), access: access, client: context.clientAddress)
    }

    private func text(_ value: JSON?, name: String) throws -> String {
        guard let text = value?.stringValue?.trimmingWhitespace(), !text.isEmpty else {
            throw VigilError(.invalid, "send {\"\(name)\": \"…\"}", expression: name)
        }
        guard text.count <= 2000 else { throw VigilError(.tooLarge, "\(name) is limited to 2,000 characters", expression: name) }
        return text
    }

    private func audit(
        _ access: AccessControl, _ context: VigilRequestContext, _ action: AuditEvent.Action, _ resource: String, patient: String? = nil,
        outcome: AuditEvent.Outcome = .success, detail: String? = nil
    ) -> AuditEvent {
        runtime.auditEvent(
            access.principal, client: context.clientAddress, patient: patient, action: action, resource: resource, outcome: outcome, detail: detail)
    }
}
