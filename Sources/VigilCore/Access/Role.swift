/// What a person does with Vigil. A role says which kinds of data and actions are open at all;
/// relationships (care teams) then say which patients.
public enum Role: String, Sendable, CaseIterable, Codable {
    case admin
    case physician
    case nurse
    case schoolNurse = "school-nurse"
    case caregiver
    case publicHealth = "public-health"
    case researcher

    /// Whether the dashboard offers the role the pupils' view (`/school`): school nurses, parents
    /// and administrators, not ward staff.
    public var seesPupils: Bool { [.schoolNurse, .caregiver, .admin].contains(self) }

    /// Whether the role sees patients' alerts, on the board and live on the stream: administrators
    /// and care roles.
    public var isClinicalViewer: Bool { self == .admin || isCareRole }

    /// Roles that see identified patient data, limited to the patients of their care teams.
    public var isCareRole: Bool {
        switch self {
        case .physician, .nurse, .schoolNurse, .caregiver: true
        case .admin, .publicHealth, .researcher: false
        }
    }
}

/// A FHIR interaction on a resource type.
public enum FHIRInteraction: String, Sendable, CaseIterable {
    case read
    case vread
    case search = "search-type"
    case create
    case update
    case delete
}
