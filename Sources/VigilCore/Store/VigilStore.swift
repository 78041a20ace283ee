/// Everything Vigil keeps: the FHIR record, device readings, quarantine, accounts, device
/// credentials, access relationships and the audit chain.
///
/// Implementations: `SQLiteStore` (embedded default) and, later, PostgreSQL. Every one must pass
/// the shared conformance suite. Everything is read through its queries and written through one
/// ``apply(_:sealer:)``, which stores each change with its audit events in the same transaction,
/// so no change goes unaudited.
public protocol VigilStore: Sendable {
    // MARK: Writing

    /// Stores changes in one transaction, each with its audit events sealed into the chain, in
    /// order. A change that fails on its own (``Change/mayFail``: a conflict, a missing row)
    /// leaves nothing behind and its neighbours are stored; its outcome is the failure.
    /// - Throws: when the transaction as a whole failed (a full disk): nothing is stored.
    func apply(_ changes: [Change], sealer: any AuditSealer) async throws -> AppliedChanges

    // MARK: FHIR resources

    /// The current version of a resource; for an `Observation` with a numeric id, the reading.
    func resource(_ type: FHIRResourceType, id: String) async throws -> StoredResource?
    /// A specific version of a resource.
    func resource(_ type: FHIRResourceType, id: String, version: Int) async throws -> StoredResource?
    /// Stored versions of resources (not device readings), newest first, each with the
    /// compartment of that version. A deleted version carries the JSON of the one before it.
    func history(_ query: HistoryQuery) async throws -> [StoredResource]
    /// A page of the current resources of `type` (for Observation, the stored ones and then the
    /// device readings), last updated at or after `since`, after `cursor`, at most `limit`: a bulk
    /// export reads a type through these, in order, without holding it.
    func exportPage(_ type: FHIRResourceType, after cursor: ExportCursor, since: Int64?, limit: Int) async throws -> ExportPage
    /// A page of the numeric values recorded in patients' records for `code` (any system):
    /// current stored Observations of a patient with that code, a `valueQuantity` and an effective
    /// time, in key order, then the device readings of that code in id order.
    func values(of code: String, after cursor: ValuePage.Cursor, limit: Int) async throws -> ValuePage
    /// Up to `count` cursors that read `code`'s values side by side (``ValuePage/Cursor/parts(of:count:)``).
    func valueParts(of code: String, count: Int) async throws -> [ValuePage.Cursor]
    /// What still refers to `target` (up to `limit`): `Type/id` of each current resource holding a
    /// reference to it in a search parameter, and `device readings` when readings belong to it.
    func referrers(of target: FHIRReference, limit: Int) async throws -> [String]
    /// Runs a search. Observation searches cover stored resources and readings together.
    func search(_ query: FHIRSearchQuery) async throws -> SearchPage
    /// The ids of one page of a search's matches, in its order, without reading the resources.
    func searchIDs(_ query: FHIRSearchQuery) async throws -> [String]

    // MARK: Population

    /// The facts outbreak cohorts read (``PopulationFact``) of the living patients the query
    /// names or could count at risk, in patient order.
    func population(_ query: PopulationQuery) async throws -> [PopulationRecord]
    /// Every living patient's population facts, with the mark of the newest change they include.
    func populationTable() async throws -> PopulationTable
    /// The patients whose population facts changed after `mark`, with their facts now; nil when
    /// more than `limit` changed (reading the whole table again is then quicker).
    func populationChanges(after mark: Int64, limit: Int) async throws -> PopulationChanges?

    // MARK: Devices and readings

    /// The patients the device has been on.
    func deviceLinks(device: String) async throws -> DeviceLinkHistory
    /// The stored reading with this producer key.
    func reading(key: ProducerKey) async throws -> StoredReading?
    /// Quarantined readings, newest first.
    func quarantine(device: String?, limit: Int, offset: Int) async throws -> [QuarantineEntry]

    /// The screenings at a site (a Location's id) measured from `from` up to `to` (milliseconds,
    /// `to` excluded), oldest first.
    func screenings(site: String, from: Int64, to: Int64) async throws -> [ScreeningEvent]
    /// The sites (Location ids) that have screenings.
    func screeningSites() async throws -> [String]

    /// A patient's location pings from `from` up to `to` (excluded), oldest first.
    func pings(patient: String, from: Int64, to: Int64) async throws -> [LocationPing]
    /// Everyone's pings in these windows (a grid cell or a place, over a time), each once, in time order.
    func pings(in windows: [PingWindow]) async throws -> [LocationPing]
    /// The patients who have pings.
    func pingPatients() async throws -> [String]

    // MARK: Device credentials

    /// The device an active credential belongs to.
    func device(forCredential tokenHash: [UInt8]) async throws -> String?
    /// Every device with an active credential, with the broker hash of its newest one, by device id.
    func brokerAccounts() async throws -> [DeviceBrokerAccount]

    // MARK: Accounts and access

    func userCount() async throws -> Int
    func user(id: Int64) async throws -> UserAccount?
    func user(username: String) async throws -> UserAccount?
    func users() async throws -> [UserAccount]
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
    /// For each of `patients`, the members (`Practitioner/ID`, `RelatedPerson/ID`) of the care
    /// teams looking after them at `time`, directly or through a group, each with their roles on
    /// those teams (``AccessLink/participants(of:at:)``); a patient with none is left out. One
    /// read for all, so that the alerts of many patients cost one.
    func careTeams(patients: [String], at time: Int64) async throws -> [String: [String: Set<String>]]
    /// Every alert that is not resolved.
    func openAlerts() async throws -> [Alert]
    /// Pending outbox messages due at `time`, the earliest first.
    func dueMessages(at time: Int64, limit: Int) async throws -> [OutboxMessage]
    /// The outbox messages of an alert, in order.
    func messages(alert: Int64) async throws -> [OutboxMessage]
    /// How many outbox messages are pending.
    func pendingMessageCount() async throws -> Int
    func webhooks() async throws -> [Webhook]

    // MARK: Device commands

    /// A command with its history.
    func command(id: Int64) async throws -> DeviceCommand?
    /// Commands matching the query, with their histories, newest first.
    func commands(_ query: CommandQuery) async throws -> [DeviceCommand]
    /// Commands not yet final whose ``DeviceCommand/nextAttempt`` is at or before `time`, the
    /// earliest first, with their histories.
    func dueCommands(at time: Int64, limit: Int) async throws -> [DeviceCommand]
    func alert(id: Int64) async throws -> Alert?
    /// Alerts matching the query, newest first.
    func alerts(_ query: AlertQuery) async throws -> [Alert]
    /// The newest alert of a patient for a condition, open or not.
    func latestAlert(patient: String, key: String) async throws -> Alert?
    /// An alert's history, oldest first.
    func alertHistory(id: Int64) async throws -> [AlertHistoryEntry]

    // MARK: Audit

    /// Audit records with `seq` greater than `after`, in order.
    func auditRecords(after seq: Int64, limit: Int) async throws -> [AuditRecord]
    func auditHead() async throws -> AuditHead?
}

extension VigilStore {
    /// The members of the care teams looking after one patient at `time` (``careTeams(patients:at:)``).
    public func careTeam(patient: String, at time: Int64) async throws -> [String: Set<String>] {
        try await careTeams(patients: [patient], at: time)[patient] ?? [:]
    }

    /// The references of a Group's members (`Patient/ID`, as its `member.entity` names them).
    /// - Throws: ``VigilError`` (404) when the Group does not exist.
    public func members(ofGroup id: String) async throws -> Set<String> {
        guard let group = try await resource(.group, id: id), !group.isDeleted else { throw VigilError(.notFound, "Group/\(id) does not exist") }
        return Set((group.json["member"]?.arrayValue ?? []).compactMap { $0["entity"]?["reference"]?.stringValue })
    }
}
