/// Which FHIR interactions each role may use on each resource type, before relationships are
/// considered. Deny by default: a pair not granted here is refused.
///
/// - admin: everything, for every patient.
/// - physician, nurse, school nurse, caregiver: read and search the record of their patients and
///   write and delete its clinical part (observations, conditions, treatments, …); update their
///   patients' demographics; read the directory (practitioners, locations, devices, teams, groups) as far
///   as their care teams reach. Creating patients, devices, teams and groups is for admins.
/// - public health, researcher: no identified data through FHIR (aggregates and de-identified
///   exports serve them).
public enum RolePolicy {
    /// Whether `role` may perform `interaction` on resources of `type` at all.
    public static func allows(_ role: Role, _ interaction: FHIRInteraction, on type: FHIRResourceType) -> Bool {
        switch role {
        case .admin:
            return true
        case .physician, .nurse, .schoolNurse, .caregiver:
            switch interaction {
            case .read, .vread, .search:
                return true
            case .create:
                return type.isClinicalRecord
            case .update:
                return type.isClinicalRecord || type == .patient
            case .delete:
                return type.isClinicalRecord
            }
        case .publicHealth, .researcher:
            return false
        }
    }

    /// Whether resources of `type` that belong to no compartment (a practitioner, a location, a
    /// device on nobody) are visible to care roles.
    public static func unassignedVisible(_ type: FHIRResourceType) -> Bool {
        switch type {
        case .practitioner, .practitionerRole, .organization, .location, .medication, .endpoint, .device, .careTeam: true
        default: false
        }
    }
}
