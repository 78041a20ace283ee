/// An account: a person (who signs in with a password), or a backend service (SMART Backend
/// Services: it signs in with a JWT signed by one of its registered keys, ``client``); its role,
/// and the FHIR resource it acts as.
public struct UserAccount: Sendable, Equatable {
    public var id: Int64
    public var username: String
    public var role: Role
    /// The Practitioner or RelatedPerson this account acts as (`Practitioner/ID`); nil for
    /// accounts that act as nobody in the record (administrators, researchers).
    public var fhirUser: FHIRReference?
    /// A bcrypt hash of the password.
    public var passwordHash: String
    public var disabled: Bool
    /// Creation time, milliseconds since the epoch.
    public var created: Int64
    /// Counts the changes that end every sign-in (a new password, disabling the account): a
    /// token or dashboard session carries the generation it was issued in and ends with it.
    public var signInGeneration: Int64
    /// For a backend service: its public keys and the scopes it may be granted. Its
    /// ``passwordHash`` is empty: it never signs in with a password.
    public var client: BackendClient?
    /// How the person wants to be told beyond the dashboard (e-mail, texts, a pager; quiet
    /// hours), as `PUT /api/me/notifications` took it; nil for none.
    public var notifications: JSON?

    public init(
        id: Int64 = 0, username: String, role: Role, fhirUser: FHIRReference?, passwordHash: String, disabled: Bool = false, created: Int64,
        signInGeneration: Int64 = 0, client: BackendClient? = nil, notifications: JSON? = nil
    ) {
        self.notifications = notifications
        self.signInGeneration = signInGeneration
        self.client = client
        self.id = id
        self.username = username
        self.role = role
        self.fhirUser = fhirUser
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.created = created
    }

    /// Whether a sign-in of `generation` still holds: the account is enabled and neither its
    /// password changed nor was it disabled since.
    public func admits(generation: Int64) -> Bool { !disabled && generation == signInGeneration }

    /// Whether `name` is a valid username: 1 to 64 characters of `a-z 0-9 . _ - @`.
    public static func isValidUsername(_ name: String) -> Bool {
        let utf8 = name.utf8
        return !utf8.isEmpty && utf8.count <= 64
            && utf8.allSatisfy { byte in
                (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "@")
            }
    }
}

/// A backend service's registration (SMART Backend Services): the public keys that sign its
/// assertions and the most it may be granted.
public struct BackendClient: Sendable, Equatable {
    /// A JWK Set (`{"keys": [...]}`) of RSA (RS384) or P-384 (ES384) public keys, each with a `kid`.
    public var jwks: JSON
    /// The `system/` scopes it may be granted, space-separated.
    public var scope: String

    public init(jwks: JSON, scope: String) {
        self.jwks = jwks
        self.scope = scope
    }
}
