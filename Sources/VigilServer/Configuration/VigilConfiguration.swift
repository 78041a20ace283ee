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
    /// Seconds an HTTP connection may stay without a request (and a request head may take to
    /// arrive) before it is closed.
    public var httpIdleTimeout: Int = 30
    /// The most HTTP connections open at once; more wait in the listen queue until one closes.
    /// Lowered at start to what the descriptor limit leaves room for.
    public var httpMaxConnections: Int = 10_000
    /// Reverse proxies (TLS terminators, load balancers) whose `X-Forwarded-For`, `-Proto` and
    /// `-Host` are believed. Nobody's by default: anyone can send those headers.
    public var trustedProxies: [IPNetwork] = []
    /// The address people open the dashboard at (`https://vigil.example.org`), for the links in
    /// notifications; nil: the HTTP listener's own.
    public var publicURL: String?
    /// Networks webhooks may reach although they are private (an intranet's nurse-call system).
    /// None by default: loopback, private, link-local and metadata addresses are refused.
    public var webhookAllow: [IPNetwork] = []
    /// A PEM file of certificate authorities to trust for webhooks besides the system's.
    public var webhookCA: String?
    /// The SMTP relay for e-mail notifications (nil: no e-mail), and the address they come from.
    public var smtpHost: String?
    public var smtpPort: Int = 25
    public var smtpFrom: String = "vigil@localhost"
    /// The HTTP gateway that sends text messages and pages (nil: none), and its bearer token.
    public var smsGateway: String?
    public var smsGatewayToken: Secret?
    /// Web origins (`https://app.example.org`) whose browser apps may call the API (CORS). None by default.
    public var corsOrigins: [String] = []
    /// PEM certificate chain and private key; HTTPS when both are given.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// The HMAC key of the audit chain. Defaults to `<data>/keys/audit.key`; put it on another
    /// volume than the database so that whoever can edit the database cannot reseal the chain.
    public var auditKeyFile: String?
    /// The MQTT broker to take readings from (nil: no MQTT).
    public var mqtt: MQTTEndpoint?
    /// A PEM file of the certificate authorities to trust for `mqtts://` (default: the system's).
    public var mqttCA: String?
    /// The directory where Vigil keeps the broker's password file, ACL and `mosquitto.conf` up
    /// to date (nil: the broker's accounts are managed elsewhere).
    public var brokerConfig: String?
    /// The MLLP listener for HL7 v2 (nil: none).
    public var mllpHost: String?
    public var mllpPort: Int?
    /// Who may send HL7 over MLLP: sending facility and network. Nobody when empty.
    public var mllpSenders: [MLLPSender] = []
    /// Assigning authorities (PID-3.4 namespace id) and the `Patient.identifier.system` each
    /// stands for. When any is given, a PID-3 under another authority matches nobody.
    public var mllpAuthorities: [String: String] = [:]
    /// MLLP over TLS with the server's certificate (`--tls-cert`, `--tls-key`); on when they are given.
    public var mllpTLS: Bool = true
    /// The largest HL7 message accepted, in bytes.
    public var mllpMaxMessage: Int = 1 << 20
    /// The store on PostgreSQL at this URL instead of SQLite in the data directory (several nodes share one).
    public var postgres: Secret?
    /// The most connections to PostgreSQL this node opens.
    public var postgresConnections: Int = 16
    /// Password for the `admin` account created on first start (only from `VIGIL_ADMIN_PASSWORD`).
    public var adminPassword: Secret?
    /// Seconds between two checkpoints of the audit chain's head (``AuditCheckpointLog``).
    public var auditCheckpointSeconds: Int = 60
    /// Lifetime of a signed access token, in seconds.
    public var tokenLifetime: Int = 900
    /// Lifetime of a person's refresh token (OAuth2 password grant), in seconds.
    public var refreshTokenLifetime: Int = 43_200
    /// A dashboard session ends after this many seconds without a request (default 15 minutes).
    public var sessionIdle: Int = 900
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
    /// Cohort definitions (a JSON array) replacing or joining the shipped ones.
    public var cohortsFile: String?
    /// How many days wearers' location pings are kept before the server erases them.
    public var locationRetentionDays: Int = 21
    /// Hours a bulk export's files are kept after it ends.
    public var exportRetentionHours: Int = 24
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
    /// The append-only log of the anchor's checkpoints, beside it.
    public var auditCheckpointFile: String { resolvedAuditKeyFile + ".checkpoints" }
    public var tokenKeyFile: String { keyDirectory + "/token-signing.key" }
    /// The secret behind the server's own broker password (`vigil-server`).
    public var brokerKeyFile: String { keyDirectory + "/broker-server.key" }
    /// The secret behind research pseudonyms and the signatures of research exports.
    public var researchKeyFile: String { keyDirectory + "/research.key" }
    /// The secret each webhook's signing secret is derived from.
    public var webhookKeyFile: String { keyDirectory + "/webhook.key" }
    /// The base of links in notifications.
    public var linkBase: String {
        publicURL ?? "\(tlsCertificate == nil ? "http" : "https")://\(httpHost.contains(":") ? "[\(httpHost)]" : httpHost):\(httpPort)"
    }
}
