import Synchronization
import VigilCore
import VigilSQLite

/// A store whose group commits wait until the test opens the gate: to hold the writer busy.
final class GatedStore: VigilStore {
    let inner: SQLiteStore
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>], commits: Int)>((false, [], 0))

    init() throws { inner = try SQLiteStore.temporary() }

    /// Commits that have started (and may be waiting at the gate).
    var commitsStarted: Int { state.withLock { $0.commits } }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Closes the gate again: later commits wait.
    func close() { state.withLock { $0.open = false } }

    func commit(_ batch: IngestCommit, sealer: any AuditSealer) async throws -> IngestCommitResult {
        await withCheckedContinuation { continuation in
            let pass = state.withLock { state in
                state.commits += 1
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if pass { continuation.resume() }
        }
        return try await inner.commit(batch, sealer: sealer)
    }

    func resource(_ type: FHIRResourceType, id: String) async throws -> StoredResource? { try await inner.resource(type, id: id) }
    func resource(_ type: FHIRResourceType, id: String, version: Int) async throws -> StoredResource? {
        try await inner.resource(type, id: id, version: version)
    }
    func search(_ query: FHIRSearchQuery) async throws -> SearchPage { try await inner.search(query) }
    func searchIDs(_ query: FHIRSearchQuery) async throws -> [String] { try await inner.searchIDs(query) }
    func write(_ writes: [ResourceWrite], audit: [AuditEvent], sealer: any AuditSealer) async throws -> AuditHead? {
        try await inner.write(writes, audit: audit, sealer: sealer)
    }
    func deviceLinks(device: String) async throws -> DeviceLinkHistory { try await inner.deviceLinks(device: device) }
    func reading(key: ProducerKey) async throws -> StoredReading? { try await inner.reading(key: key) }
    func quarantine(device: String?, limit: Int, offset: Int) async throws -> [QuarantineEntry] {
        try await inner.quarantine(device: device, limit: limit, offset: offset)
    }
    func addCredential(
        device: String, tokenHash: [UInt8], brokerHash: String?, at time: Int64, audit: [AuditEvent], sealer: any AuditSealer
    ) async throws -> Int64 {
        try await inner.addCredential(device: device, tokenHash: tokenHash, brokerHash: brokerHash, at: time, audit: audit, sealer: sealer)
    }
    func brokerAccounts() async throws -> [DeviceBrokerAccount] { try await inner.brokerAccounts() }
    func revokeCredentials(device: String, id: Int64?, at time: Int64, audit: [AuditEvent], sealer: any AuditSealer) async throws -> Int {
        try await inner.revokeCredentials(device: device, id: id, at: time, audit: audit, sealer: sealer)
    }
    func device(forCredential tokenHash: [UInt8]) async throws -> String? { try await inner.device(forCredential: tokenHash) }
    func userCount() async throws -> Int { try await inner.userCount() }
    func insert(_ user: UserAccount, audit: [AuditEvent], sealer: any AuditSealer) async throws -> UserAccount {
        try await inner.insert(user, audit: audit, sealer: sealer)
    }
    func user(id: Int64) async throws -> UserAccount? { try await inner.user(id: id) }
    func user(username: String) async throws -> UserAccount? { try await inner.user(username: username) }
    func users() async throws -> [UserAccount] { try await inner.users() }
    func update(_ user: UserAccount, audit: [AuditEvent], sealer: any AuditSealer) async throws {
        try await inner.update(user, audit: audit, sealer: sealer)
    }
    func accessScope(member: String, at time: Int64) async throws -> AccessScope { try await inner.accessScope(member: member, at: time) }
    func appendAudit(_ events: [AuditEvent], sealer: any AuditSealer) async throws -> AuditHead? {
        try await inner.appendAudit(events, sealer: sealer)
    }
    func auditRecords(after seq: Int64, limit: Int) async throws -> [AuditRecord] { try await inner.auditRecords(after: seq, limit: limit) }
    func auditHead() async throws -> AuditHead? { try await inner.auditHead() }
    func readings(patients: [String], since: Int64, before id: Int64?) async throws -> [StoredReading] {
        try await inner.readings(patients: patients, since: since, before: id)
    }
    func deviceActivity() async throws -> [DeviceActivity] { try await inner.deviceActivity() }
    func newestReadingID() async throws -> Int64 { try await inner.newestReadingID() }
    func careTeam(patient: String, at time: Int64) async throws -> [String: Set<String>] { try await inner.careTeam(patient: patient, at: time) }
    func openAlerts() async throws -> [Alert] { try await inner.openAlerts() }
    func alert(id: Int64) async throws -> Alert? { try await inner.alert(id: id) }
    func alerts(_ query: AlertQuery) async throws -> [Alert] { try await inner.alerts(query) }
    func latestAlert(patient: String, key: String) async throws -> Alert? { try await inner.latestAlert(patient: patient, key: key) }
    func save(_ changes: [AlertChange], writing writes: [ResourceWrite], audit: [AuditEvent], sealer: any AuditSealer) async throws -> [Alert] {
        try await inner.save(changes, writing: writes, audit: audit, sealer: sealer)
    }
    func alertHistory(id: Int64) async throws -> [AlertHistoryEntry] { try await inner.alertHistory(id: id) }
}
