import Hummingbird
import VigilClinical
import VigilCore

/// `POST /api/exposures` (public health only; a `reason` is required and audited as the purpose
/// of use): the people who were near the index for long enough in the window, with when and where,
/// and source tracing: the places the index was, and the other cases (patients sharing a
/// condition) who were there. The query, its answer's size and each person named are audited.
struct ExposureRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.post, "/api/exposures") { request, context in
                guard let principal = context.principal else { throw VigilError(.unauthenticated, "sign in first") }
                guard principal.user?.role == .publicHealth else {
                    throw VigilError(.forbidden, "exposure tracing is for public health")
                }
                let asked = try ExposureRequest(try await FHIRJSON.body(of: request, maxBytes: 16 << 10))
                func audit(patient: String, detail: String, outcome: AuditEvent.Outcome = .success) -> AuditEvent {
                    runtime.auditEvent(
                        principal, client: context.clientAddress, patient: patient, action: .execute, resource: "exposures", outcome: outcome,
                        detail: detail, purpose: asked.reason)
                }
                guard let patient = try await runtime.store.resource(.patient, id: asked.index), !patient.isDeleted else {
                    try await runtime.audit([audit(patient: asked.index, detail: "index not found", outcome: .minorFailure)])
                    throw VigilError(.notFound, "Patient/\(asked.index) was not found", expression: "index")
                }
                let found = try await ExposureSearch(store: runtime.store).run(asked)
                let named = Set(found.contacts.map(\.patient) + found.cases.map(\.patient)).sorted()
                try await runtime.audit(
                    [audit(patient: asked.index, detail: "\(found.contacts.count) contacts, \(found.cases.count) cases")]
                        + named.map { audit(patient: $0, detail: "named in the exposures of Patient/\(asked.index)") })
                return FHIRJSON.response(found.json(asked), mediaType: FHIRJSON.jsonMediaType)
            }
        ]
    }
}
