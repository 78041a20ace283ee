public import VigilCore

/// Everything `vigil serve` can be told, read once at start (flags, then `VIGIL_*` variables).
///
/// The defaults run Vigil on one machine with nothing to set up: SQLite in `./vigil-data`,
/// HTTP on `127.0.0.1:8080`.
public struct VigilConfiguration: Sendable {
    /// Where the database, keys and audit anchor live.
    public var dataDirectory: String = "./vigil-data"
    public var httpHost: String = "127.0.0.1"
    public var httpPort: Int = 8080
    /// PEM certificate chain and private key; HTTPS when both are given.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// The HMAC key of the audit chain. Defaults to `<data>/keys/audit.key`; put it on another
    /// volume than the database so that whoever can edit the database cannot reseal the chain.
    public var auditKeyFile: String?
    /// Device protocol endpoints and PostgreSQL; accepted for the interface, refused until they land.
    public var mllp: String?
    public var mqtt: String?
    public var postgres: String?
    /// Password for the `admin` account created on first start (only from `VIGIL_ADMIN_PASSWORD`).
    public var adminPassword: String?
    /// Lifetime of a signed access token, in seconds.
    public var tokenLifetime: Int = 900
    /// bcrypt cost for passwords (each step doubles the work).
    public var bcryptCost: Int = 12
    public var ingestLimits = IngestLimits()
    public var searchLimits = FHIRSearchLimits()
    /// Readings (and audit events) that may wait for the writer; beyond it ingest answers 503.
    public var queueCapacity: Int = 500_000
    /// The most readings one group commit writes.
    public var maxCommitRows: Int = 50_000
    /// Whether the clinical rules run on what is stored (scores, alerts).
    public var rules: Bool = true
    /// A clinical policy document (JSON) to use instead of the standard one.
    public var policyFile: String?
    /// How often a live event stream checks again that its token is valid and which patients its
    /// person may see.
    public var streamRecheck: Duration = .seconds(30)
    /// `text` or `json` log lines.
    public var logFormat: String = "text"
    public var logLevel: String = "info"

    public init() {}

    /// The directory of the key files.
    public var keyDirectory: String { dataDirectory + "/keys" }
    public var databasePath: String { dataDirectory + "/vigil.sqlite" }
    public var resolvedAuditKeyFile: String { auditKeyFile ?? keyDirectory + "/audit.key" }
    /// The audit anchor lives beside the audit key, outside the database.
    public var auditAnchorFile: String { resolvedAuditKeyFile + ".head" }
    public var tokenKeyFile: String { keyDirectory + "/token-signing.key" }
}
