public import VigilCore

/// Who is making a request, once authenticated.
public enum Principal: Sendable, Equatable {
    /// A person with an account.
    case user(UserAccount)
    /// A device, by its Device's FHIR id, holding an active credential.
    case device(String)

    /// The audit log's name for the principal: `user/NAME` or `device/ID`.
    public var auditName: String {
        switch self {
        case .user(let user): "user/\(user.username)"
        case .device(let id): "device/\(id)"
        }
    }

    /// The role, as the audit log records it.
    public var roleName: String {
        switch self {
        case .user(let user): user.role.rawValue
        case .device: "device"
        }
    }

    public var user: UserAccount? {
        if case .user(let user) = self { return user }
        return nil
    }
}
