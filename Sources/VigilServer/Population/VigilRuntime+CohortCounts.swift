import VigilClinical
import VigilCore

extension VigilRuntime {
    /// A cohort over everyone for counts only (public health: `GET /api/cohorts/{name}` and the
    /// public-health page), audited with its count and no patient.
    func cohortCounts(_ definition: CohortDefinition, at day: Int64, by principal: Principal, client: String?) async throws -> CohortReport {
        let records = try await store.population(definition.query(at: day, counts: true))
        let report = CohortReport(definition: definition, records: records, at: day)
        try await audit([
            auditEvent(principal, client: client, action: .read, resource: "cohort/\(definition.name)", detail: "counts of \(report.members.count)")
        ])
        return report
    }
}
