public import VigilCore

/// Creating and changing accounts, for the API and the `vigil users` commands alike.
public struct AccountService: Sendable {
    let runtime: VigilRuntime

    public init(runtime: VigilRuntime) { self.runtime = runtime }

    /// Creates an account: a person's with a password, or a backend service's with a JWK Set
    /// and the `system/` scopes it may be granted (`backend`).
    /// - Throws: 400 for missing or malformed fields, 422 when `fhirUser` names nothing stored,
    ///   409 when the username is taken.
    public func create(
        username: String?, password: String?, role: String?, fhirUser: String?, backend: (jwks: JSON, scope: String?)? = nil, by actor: Principal?,
        client: String?
    ) async throws -> UserAccount {
        guard let username, UserAccount.isValidUsername(username) else {
            throw VigilError(.invalid, "username is 1 to 64 characters of a-z 0-9 . _ - @", expression: "username")
        }
        guard let role = role.flatMap(Role.init(rawValue:)) else {
            throw VigilError(.invalid, "role is one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))", expression: "role")
        }
        let reference = try await resolve(fhirUser: fhirUser, role: role)
        var account = UserAccount(username: username, role: role, fhirUser: reference, passwordHash: "", created: runtime.clock.now())
        if let backend {
            guard password == nil else {
                throw VigilError(.invalid, "a backend service signs in with its keys, not a password", expression: "password")
            }
            account.client = try Self.registration(jwks: backend.jwks, scope: backend.scope)
        } else {
            guard let password else { throw VigilError(.invalid, "password is required", expression: "password") }
            if let problem = PasswordHasher.problem(with: password) { throw VigilError(.invalid, problem, expression: "password") }
            account.passwordHash = try await runtime.passwords.hash(password)
        }
        let detail = "role \(role.rawValue)" + (account.client.map { ", backend service, \($0.scope)" } ?? "")
        let event = runtime.auditEvent(actor, client: client, action: .create, resource: "User/\(username)", detail: detail)
        guard case .user(let stored) = try await runtime.writer.submit(Change(.addUser(account), audit: [event])) else { return account }
        return stored
    }

    /// Changes an account's role, password, disabled flag or fhirUser, or a backend service's keys
    /// and scopes (nil leaves a field as it is). A new password, new keys or scopes, and disabling,
    /// end the account's tokens and dashboard sessions. The last active administrator can be
    /// neither disabled nor given another role (409).
    public func change(
        username: String, role: String?, password: String?, disabled: Bool?, fhirUser: String?, backend: (jwks: JSON?, scope: String?) = (nil, nil),
        by actor: Principal?, client: String?
    ) async throws -> UserAccount {
        guard var user = try await runtime.store.user(username: username) else {
            throw VigilError(.notFound, "user \(username) does not exist")
        }
        let wasActiveAdmin = user.role == .admin && !user.disabled
        var changes: [String] = []
        if let role {
            guard let newRole = Role(rawValue: role) else {
                throw VigilError(.invalid, "role is one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))", expression: "role")
            }
            user.role = newRole
            changes.append("role \(role)")
        }
        if backend.jwks != nil || backend.scope != nil {
            guard let registration = user.client else {
                throw VigilError(.invalid, "jwks and scope belong to backend services; \(username) signs in with a password", expression: "jwks")
            }
            user.client = try Self.registration(jwks: backend.jwks ?? registration.jwks, scope: backend.scope ?? registration.scope)
            user.signInGeneration += 1
            changes.append("keys and scopes")
        }
        if let password {
            guard user.client == nil else {
                throw VigilError(.invalid, "a backend service signs in with its keys, not a password", expression: "password")
            }
            if let problem = PasswordHasher.problem(with: password) { throw VigilError(.invalid, problem, expression: "password") }
            user.passwordHash = try await runtime.passwords.hash(password)
            user.signInGeneration += 1
            changes.append("password")
        }
        if let disabled {
            if disabled { user.signInGeneration += 1 }
            user.disabled = disabled
            changes.append(disabled ? "disabled" : "enabled")
        }
        if let fhirUser {
            user.fhirUser = try await resolve(fhirUser: fhirUser, role: user.role)
            changes.append("fhirUser")
        }
        if wasActiveAdmin, user.role != .admin || user.disabled {
            let otherAdmins = try await runtime.store.users().filter { $0.role == .admin && !$0.disabled && $0.username != username }
            guard !otherAdmins.isEmpty else {
                throw VigilError(
                    .conflict, "\(username) is the last active administrator: make another administrator before disabling or demoting this one")
            }
        }
        let event = runtime.auditEvent(actor, client: client, action: .update, resource: "User/\(username)", detail: changes.joined(separator: ", "))
        try await runtime.writer.submit(Change(.updateUser(user), audit: [event]))
        return user
    }

    /// A backend service's registration, checked: public RS384/ES384 keys with a `kid` each, and
    /// `system/` scopes Vigil understands.
    static func registration(jwks: JSON, scope: String?) throws -> BackendClient {
        if let problem = ClientAssertion.problem(with: jwks) { throw VigilError(.invalid, problem, expression: "jwks") }
        guard let scope, !scope.isEmpty else {
            throw VigilError(.invalid, "a backend service needs scope: the system/ scopes it may be granted", expression: "scope")
        }
        for text in scope.split(separator: " ") where SMARTScope(String(text))?.context != .system {
            throw VigilError(
                .invalid, "\(text) is not a system/ scope Vigil understands (system/*.read, system/Observation.rs, …)", expression: "scope")
        }
        return BackendClient(jwks: jwks, scope: scope)
    }

    /// Checks that `fhirUser` names a stored Practitioner or RelatedPerson; care roles need one.
    private func resolve(fhirUser: String?, role: Role) async throws -> FHIRReference? {
        guard let fhirUser else {
            if role.isCareRole {
                throw VigilError(
                    .invalid, "a \(role.rawValue) account needs fhirUser: the Practitioner or RelatedPerson it acts as", expression: "fhirUser")
            }
            return nil
        }
        guard let reference = FHIRReference(fhirUser), reference.type == "Practitioner" || reference.type == "RelatedPerson",
            let type = FHIRResourceType(rawValue: reference.type)
        else {
            throw VigilError(.invalid, "fhirUser is Practitioner/ID or RelatedPerson/ID", expression: "fhirUser")
        }
        guard try await runtime.store.resource(type, id: reference.id) != nil else {
            throw VigilError(.unprocessable, "\(reference) does not exist; create it first", expression: "fhirUser")
        }
        return reference
    }
}
