import VigilCore

/// What one principal may see and change: the role's permissions intersected with the
/// compartments its care teams open (``AccessScope``).
///
/// A resource one may not see is answered exactly like one that does not exist.
struct AccessControl: Sendable {
    let principal: Principal
    /// The compartments open to a care role; nil for administrators (everything).
    let scope: AccessScope?

    /// Builds the access of a principal, looking up its care teams.
    static func resolve(_ principal: Principal, runtime: VigilRuntime) async throws -> AccessControl {
        switch principal {
        case .device:
            return AccessControl(principal: principal, scope: .nothing)
        case .user(let user), .client(let user, _):
            if user.role == .admin { return AccessControl(principal: principal, scope: nil) }
            guard user.role.isCareRole, let member = user.fhirUser else { return AccessControl(principal: principal, scope: .nothing) }
            let now = runtime.clock.now()
            let scope = try await runtime.scopes.scope(member: member.description, now: now) {
                try await runtime.store.accessScope(member: member.description, at: now)
            }
            return AccessControl(principal: principal, scope: scope)
        }
    }

    /// The person, or the backend service's account.
    var user: UserAccount? { principal.account }

    /// Throws 403 unless the role, and a backend service's scopes, allow `interaction` on `type` at all.
    func require(_ interaction: FHIRInteraction, on type: FHIRResourceType) throws {
        guard let user, RolePolicy.allows(user.role, interaction, on: type) else {
            throw VigilError(.forbidden, "your role may not \(interaction.rawValue) \(type.rawValue) resources")
        }
        if case .client(_, let scopes) = principal, !scopes.allows(interaction, on: type) {
            throw VigilError(.forbidden, "the token's scopes (\(scopes)) do not open \(interaction.rawValue) on \(type.rawValue)")
        }
    }

    /// Whether ``require(_:on:)`` lets `interaction` on `type` through.
    func allows(_ interaction: FHIRInteraction, on type: FHIRResourceType) -> Bool { (try? require(interaction, on: type)) != nil }

    /// Whether a resource in `compartment` is visible.
    func canSee(compartment: String?, type: FHIRResourceType) -> Bool {
        guard let scope else { return true }
        guard let compartment else { return RolePolicy.unassignedVisible(type) }
        return scope.compartments.contains(compartment)
    }

    func canSee(_ resource: StoredResource) -> Bool {
        if let own = user?.fhirUser, own.type == resource.type.rawValue, own.id == resource.id { return true }
        return canSee(compartment: resource.compartment, type: resource.type)
    }

    /// The scope a search runs in.
    func searchScope(for type: FHIRResourceType) -> FHIRSearchQuery.Scope {
        guard let scope else { return .all }
        return .compartments(scope.compartments, includeUnassigned: RolePolicy.unassignedVisible(type))
    }
}

extension AccessControl {
    /// The person, when their role sees identified patients (care roles and administrators);
    /// 403 for devices, public health and researchers.
    func requireClinicalViewer() throws -> UserAccount {
        guard let user = principal.user else { throw VigilError(.forbidden, "this route is for people, not devices") }
        guard user.role.isClinicalViewer else {
            throw VigilError(.forbidden, "your role sees aggregates and de-identified data, not patients' alerts")
        }
        return user
    }

    /// The patients this principal may see; nil for all (administrators).
    var patients: Set<String>? { scope?.patients }

    func canSee(patient: String) -> Bool { scope?.contains(patient: patient) ?? true }
}
