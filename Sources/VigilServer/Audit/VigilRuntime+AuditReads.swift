import VigilCore

extension VigilRuntime {
    /// Audits a read that showed several patients: one event per patient (`detail` on each), or,
    /// when it showed none, one event saying so (`empty`).
    func auditReads(
        _ principal: Principal?, client: String?, patients: [String], resource: String, detail: String? = nil, empty: String
    ) async throws {
        try await audit(
            patients.isEmpty
                ? [auditEvent(principal, client: client, action: .read, resource: resource, detail: empty)]
                : patients.map { auditEvent(principal, client: client, patient: $0, action: .read, resource: resource, detail: detail) })
    }
}
