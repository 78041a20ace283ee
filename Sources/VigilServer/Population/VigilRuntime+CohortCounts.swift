import VigilClinical
import VigilCore

extension VigilRuntime {
    /// A cohort over everyone for counts only (public health: `GET /api/cohorts/{name}` and the
    /// public-health page), audited with its count and no patient.
    func cohortCounts(_ definition: CohortDefinition, at day: Int64, by principal: Principal, client: String?) async throws -> CohortTally {
        let tally = try await population.tally(definition, at: day)
        try await audit([
            auditEvent(principal, client: client, action: .read, resource: "cohort/\(definition.name)", detail: "counts of \(tally.members)")
        ])
        return tally
    }
}
