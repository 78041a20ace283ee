import VigilClinical
import VigilCore

extension VigilRuntime {
    /// Exposure and source tracing for a public-health officer (`POST /api/exposures` and the
    /// public-health page): 403 for anyone else, 404 for an unknown index. The query (with the
    /// answer's size) and each person the answer names are audited, every event carrying the
    /// stated reason as its purpose of use.
    func traceExposures(_ asked: ExposureRequest, by principal: Principal?, client: String?) async throws -> ExposureSearch.Found {
        let principal = try Self.requireTracer(principal)
        func audit(patient: String, detail: String, outcome: AuditEvent.Outcome = .success) -> AuditEvent {
            auditEvent(
                principal, client: client, patient: patient, action: .execute, resource: "exposures", outcome: outcome, detail: detail,
                purpose: asked.reason)
        }
        guard let patient = try await store.resource(.patient, id: asked.index), !patient.isDeleted else {
            try await self.audit([audit(patient: asked.index, detail: "index not found", outcome: .minorFailure)])
            throw VigilError(.notFound, "Patient/\(asked.index) was not found", expression: "index")
        }
        let found = try await ExposureSearch(store: store).run(asked)
        let named = Set(found.contacts.map(\.patient) + found.cases.map(\.patient)).sorted()
        try await self.audit(
            [audit(patient: asked.index, detail: "\(found.contacts.count) contacts, \(found.cases.count) cases")]
                + named.map { audit(patient: $0, detail: "named in the exposures of Patient/\(asked.index)") })
        return found
    }

    /// The principal, when it may trace exposures (public health); 401 or 403 otherwise.
    static func requireTracer(_ principal: Principal?) throws -> Principal {
        guard let principal else { throw VigilError(.unauthenticated, "sign in first") }
        guard principal.user?.role == .publicHealth else { throw VigilError(.forbidden, "exposure tracing is for public health") }
        return principal
    }
}
