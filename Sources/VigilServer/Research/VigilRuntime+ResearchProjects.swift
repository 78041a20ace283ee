import VigilClinical
import VigilCore

extension VigilRuntime {
    /// The research project `id` when `principal` may use it now: a researcher assigned to it, or
    /// an administrator; the project active and not expired.
    /// - Throws: ``VigilError`` (403) otherwise, the same for a project that does not exist as for
    ///   one the researcher is not assigned to.
    func researchProject(_ id: String, for principal: Principal?) async throws -> ResearchProject {
        let user = principal?.user
        guard let user, user.role == .researcher || user.role == .admin else {
            throw VigilError(.forbidden, "research projects are for researchers and administrators")
        }
        guard FHIRID.isValid(id), let stored = try await store.resource(.researchStudy, id: id), !stored.isDeleted,
            let project = try? ResearchProject(study: stored.json), user.role == .admin || project.researchers.contains(user.username)
        else { throw VigilError(.forbidden, "ResearchStudy/\(id) is not a research project you are assigned to") }
        guard project.isOpen(at: clock.now()) else {
            throw VigilError(
                .forbidden,
                project.isActive
                    ? "ResearchStudy/\(id) expired at \(FHIRDateTime.instant(milliseconds: project.expires)): it is closed to research"
                    : "ResearchStudy/\(id) is not active: it is closed to research")
        }
        return project
    }
}
