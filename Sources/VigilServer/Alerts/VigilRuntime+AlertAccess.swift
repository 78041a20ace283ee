import VigilCore

extension VigilRuntime {
    /// Who is asking about alerts or the pages: a person whose role sees identified patients.
    func alertViewer(_ principal: Principal?) async throws -> AccessControl {
        guard let principal else { throw VigilError(.unauthenticated, "sign in first") }
        let access = try await AccessControl.resolve(principal, runtime: self)
        _ = try access.requireClinicalViewer()
        return access
    }

    /// Alert `text` (an id from a path), or 404 (audited) when it does not exist or its patient is
    /// not one `access` may see: no existence oracle.
    func visibleAlert(_ text: String, access: AccessControl, client: String?) async throws -> Alert {
        guard let id = Int64(text), let alert = try await store.alert(id: id), access.canSee(patient: alert.patient) else {
            try await audit([
                auditEvent(access.principal, client: client, action: .read, resource: "Alert/\(text)", outcome: .minorFailure, detail: "not found")
            ])
            throw VigilError(.notFound, "alert \(text) was not found")
        }
        return alert
    }
}
