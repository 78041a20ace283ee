/// Everything Vigil keeps: the FHIR record, device readings, quarantine, accounts, device
/// credentials, access relationships and the audit chain.
///
/// Implementations: `SQLiteStore` (embedded default) and, later, PostgreSQL. Every one must pass
/// the shared conformance suite. Writes that change patient data take their audit events and
/// commit them in the same transaction, so no change goes unaudited.
public protocol VigilStore: Sendable {
    // MARK: FHIR resources

    /// The current version of a resource; for an `Observation` with a numeric id, the reading.
    func resource(_ type: FHIRResourceType, id: String) async throws -> StoredResource?
    /// A specific version of a resource.
    func resource(_ type: FHIRResourceType, id: String, version: Int) async throws -> StoredResource?
    /// Runs a search. Observation searches cover stored resources and readings together.
    func search(_ query: FHIRSearchQuery) async throws -> SearchPage
    /// The ids of one page of a search's matches, in its order, without reading the resources.
    func searchIDs(_ query: FHIRSearchQuery) async throws -> [String]
    /// Stores resources, all or nothing, with their audit events.
    /// - Returns: the audit head after the commit.
    @discardableResult
    func write(_ writes: [ResourceWrite], audit: [AuditEvent], sealer: any AuditSealer) async throws -> AuditHead?

    // MARK: Devices and readings

    /// The patients the device has been on.
    func deviceLinks(device: String) async throws -> DeviceLinkHistory
    /// Writes one group commit of readings, quarantine entries and audit events.
    func commit(_ batch: IngestCommit, sealer: any AuditSealer) async throws -> IngestCommitResult
    /// The stored reading with this producer key.
    func reading(key: ProducerKey) async throws -> StoredReading?
    /// Quarantined readings, newest first.
    func quarantine(device: String?, limit: Int, offset: Int) async throws -> [QuarantineEntry]

    // MARK: Device credentials

    /// Stores a new credential (the SHA-256 of a token, and the token's broker password hash) for a
    /// device; returns its id.
    func addCredential(
        device: String, tokenHash: [UInt8], brokerHash: String?, at time: Int64, audit: [AuditEvent], sealer: any AuditSealer
    ) async throws -> Int64
    /// Revokes the device's credentials (all, or the one with `id`); returns how many were active.
    func revokeCredentials(device: String, id: Int64?, at time: Int64, audit: [AuditEvent], sealer: any AuditSealer) async throws -> Int
    /// The device an active credential belongs to.
    func device(forCredential tokenHash: [UInt8]) async throws -> String?
    /// Every device with an active credential, with the broker hash of its newest one, by device id.
    func brokerAccounts() async throws -> [DeviceBrokerAccount]

    // MARK: Accounts and access

    func userCount() async throws -> Int
    /// Stores a new account; fails with ``VigilError/Code/conflict`` when the username is taken.
    func insert(_ user: UserAccount, audit: [AuditEvent], sealer: any AuditSealer) async throws -> UserAccount
    func user(id: Int64) async throws -> UserAccount?
    func user(username: String) async throws -> UserAccount?
    func users() async throws -> [UserAccount]
    /// Replaces an account's role, fhirUser, password hash and disabled flag.
    func update(_ user: UserAccount, audit: [AuditEvent], sealer: any AuditSealer) async throws
    /// The compartments a Practitioner or RelatedPerson may see at `time`.
    func accessScope(member: String, at time: Int64) async throws -> AccessScope

    // MARK: Analysis and alerts

    /// Patients' readings measured at or after `since` and stored before reading `id` (all when
    /// nil), oldest first: to rebuild rule state up to the commit being analysed.
    func readings(patients: [String], since: Int64, before id: Int64?) async throws -> [StoredReading]
    /// The id of the newest stored reading (0 when there is none): what a starting analysis takes
    /// as analysed before it.
    func newestReadingID() async throws -> Int64
    /// Every device's last two uploads.
    func deviceActivity() async throws -> [DeviceActivity]
    /// The members (`Practitioner/ID`, `RelatedPerson/ID`) of the care teams looking after a
    /// patient at `time`, directly or through a group, each with their roles on those teams
    /// (``AccessLink/participants(of:at:)``).
    func careTeam(patient: String, at time: Int64) async throws -> [String: Set<String>]
    /// Every alert that is not resolved.
    func openAlerts() async throws -> [Alert]
    func alert(id: Int64) async throws -> Alert?
    /// Alerts matching the query, newest first.
    func alerts(_ query: AlertQuery) async throws -> [Alert]
    /// The newest alert of a patient for a condition, open or not.
    func latestAlert(patient: String, key: String) async throws -> Alert?
    /// Stores resources (the scores the rules derived), alerts (new ones when their id is 0) with
    /// their history, and the audit events of both, all in one transaction; returns the alerts with
    /// their ids, in order.
    /// - Throws: ``VigilError/Code/conflict`` when a new alert's condition already has an open one
    ///   or a created resource exists (nothing is stored then).
    func save(_ changes: [AlertChange], writing writes: [ResourceWrite], audit: [AuditEvent], sealer: any AuditSealer) async throws -> [Alert]
    /// An alert's history, oldest first.
    func alertHistory(id: Int64) async throws -> [AlertHistoryEntry]

    // MARK: Audit

    /// Appends audit events on their own.
    @discardableResult
    func appendAudit(_ events: [AuditEvent], sealer: any AuditSealer) async throws -> AuditHead?
    /// Audit records with `seq` greater than `after`, in order.
    func auditRecords(after seq: Int64, limit: Int) async throws -> [AuditRecord]
    func auditHead() async throws -> AuditHead?
}

extension VigilStore {
    /// Stores alerts with their history and audit events, in one transaction (see
    /// ``save(_:writing:audit:sealer:)``).
    public func save(_ changes: [AlertChange], sealer: any AuditSealer) async throws -> [Alert] {
        try await save(changes, writing: [], audit: [], sealer: sealer)
    }

    /// Stores one alert with its history and audit events.
    public func save(_ alert: Alert, history: [AlertHistoryEntry], audit: [AuditEvent], sealer: any AuditSealer) async throws -> Alert {
        try await save([AlertChange(alert: alert, history: history, audit: audit)], sealer: sealer)[0]
    }
}
