import VigilCore

extension VigilRuntime {
    /// Who is asking about alerts or the pages: a person whose role sees identified patients.
    func alertViewer(_ principal: Principal?) async throws -> AccessControl {
        try await viewer(principal) { try $0.requireClinicalViewer() }
    }

    /// Who is asking the alerts API: a person whose role sees identified patients (their patients'
    /// alerts), or a public-health officer (the alerts about places).
    func alertReader(_ principal: Principal?) async throws -> AccessControl {
        try await viewer(principal) { try $0.requireAlertViewer() }
    }

    private func viewer(_ principal: Principal?, _ check: (AccessControl) throws -> UserAccount) async throws -> AccessControl {
        guard let principal else { throw VigilError(.unauthenticated, "sign in first") }
        let access = try await AccessControl.resolve(principal, runtime: self)
        _ = try check(access)
        return access
    }

    /// Alert `text` (an id from a path), or 404 (audited) when it does not exist or is not one
    /// `access` may see: no existence oracle.
    func visibleAlert(_ text: String, access: AccessControl, client: String?) async throws -> Alert {
        guard let id = Int64(text), let alert = try await store.alert(id: id), access.canSee(alert) else {
            try await audit([
                auditEvent(access.principal, client: client, action: .read, resource: "Alert/\(text)", outcome: .minorFailure, detail: "not found")
            ])
            throw VigilError(.notFound, "alert \(text) was not found")
        }
        return alert
    }
}

extension AccessControl {
    /// The person, when they see alerts: care roles and administrators, and public health (whose
    /// alerts are about places); 403 for devices and researchers.
    func requireAlertViewer() throws -> UserAccount {
        if let user = principal.user, user.role == .publicHealth { return user }
        return try requireClinicalViewer()
    }

    /// The patients whose alerts this principal sees (``Alert/noPatient`` for the alerts about
    /// places); nil for all (administrators).
    var alertPatients: Set<String>? {
        principal.user?.role == .publicHealth ? [Alert.noPatient] : patients
    }

    func canSee(_ alert: Alert) -> Bool { alertPatients?.contains(alert.patient) ?? true }
}
