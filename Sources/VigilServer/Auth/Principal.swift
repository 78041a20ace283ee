public import VigilCore

/// Who is making a request, once authenticated.
public enum Principal: Sendable, Equatable {
    /// A person with an account.
    case user(UserAccount)
    /// A device, by its Device's FHIR id, holding an active credential.
    case device(String)
    /// A backend service (SMART Backend Services), with the scopes its token was granted: it
    /// uses the FHIR API only, within both its account's role and those scopes.
    case client(UserAccount, SMARTScopes)

    /// The audit log's name for the principal: `user/NAME`, `device/ID` or `client/NAME`.
    public var auditName: String {
        switch self {
        case .user(let user): "user/\(user.username)"
        case .device(let id): "device/\(id)"
        case .client(let account, _): "client/\(account.username)"
        }
    }

    /// The role, as the audit log records it.
    public var roleName: String {
        switch self {
        case .user(let user): user.role.rawValue
        case .device: "device"
        case .client(let account, _): account.role.rawValue
        }
    }

    /// The person; nil for devices and backend services.
    public var user: UserAccount? {
        if case .user(let user) = self { return user }
        return nil
    }

    /// The account of a person or a backend service.
    public var account: UserAccount? {
        switch self {
        case .user(let account), .client(let account, _): account
        case .device: nil
        }
    }
}
