import VigilCore

/// The first account: on first start with no users, creates `admin` with the password from
/// `VIGIL_ADMIN_PASSWORD`, or a generated one that the caller prints once. Never a default.
public enum AdminBootstrap {
    /// What happened.
    public enum Outcome: Sendable, Equatable {
        /// Accounts exist; nothing was done.
        case existing
        /// `admin` was created with the configured password.
        case createdWithConfiguredPassword
        /// `admin` was created with this generated password, to be shown once.
        case createdWithGeneratedPassword(String)
    }

    public static func run(runtime: VigilRuntime) async throws -> Outcome {
        guard try await runtime.store.userCount() == 0 else { return .existing }
        let configured = runtime.configuration.adminPassword?.value
        let password = configured ?? SecureRandom.token(18)
        _ = try await AccountService(runtime: runtime).create(
            username: "admin", password: password, role: Role.admin.rawValue, fhirUser: nil, by: nil, client: nil
        )
        return configured == nil ? .createdWithGeneratedPassword(password) : .createdWithConfiguredPassword
    }
}
