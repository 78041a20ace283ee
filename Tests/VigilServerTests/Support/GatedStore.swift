import Synchronization
import VigilCore
import VigilSQLite

/// A store whose commits of device readings wait until the test opens the gate: to hold the writer busy.
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

    /// Applies changes; those that hold device readings wait at the gate first.
    func apply(_ changes: [Change], sealer: any AuditSealer) async throws -> AppliedChanges {
        if changes.contains(where: { if case .readings = $0.content { true } else { false } }) {
            await withCheckedContinuation { continuation in
                let pass = state.withLock { state in
                    state.commits += 1
                    if !state.open { state.waiters.append(continuation) }
                    return state.open
                }
                if pass { continuation.resume() }
            }
        }
        return try await inner.apply(changes, sealer: sealer)
    }

    func resource(_ type: FHIRResourceType, id: String) async throws -> StoredResource? { try await inner.resource(type, id: id) }
    func resource(_ type: FHIRResourceType, id: String, version: Int) async throws -> StoredResource? {
        try await inner.resource(type, id: id, version: version)
    }
    func referrers(of target: FHIRReference, limit: Int) async throws -> [String] { try await inner.referrers(of: target, limit: limit) }
    func history(_ query: HistoryQuery) async throws -> [StoredResource] { try await inner.history(query) }
    func search(_ query: FHIRSearchQuery) async throws -> SearchPage { try await inner.search(query) }
    func searchIDs(_ query: FHIRSearchQuery) async throws -> [String] { try await inner.searchIDs(query) }
    func population(_ query: PopulationQuery) async throws -> [PopulationRecord] { try await inner.population(query) }
    func populationTable() async throws -> PopulationTable { try await inner.populationTable() }
    func exportPage(_ type: FHIRResourceType, after cursor: ExportCursor, since: Int64?, limit: Int) async throws -> ExportPage {
        try await inner.exportPage(type, after: cursor, since: since, limit: limit)
    }
    func values(of code: String, after cursor: ValuePage.Cursor, limit: Int) async throws -> ValuePage {
        try await inner.values(of: code, after: cursor, limit: limit)
    }
    func valueParts(of code: String, count: Int) async throws -> [ValuePage.Cursor] { try await inner.valueParts(of: code, count: count) }
    func populationChanges(after mark: Int64, limit: Int) async throws -> PopulationChanges? {
        try await inner.populationChanges(after: mark, limit: limit)
    }
    func pings(patient: String, from: Int64, to: Int64) async throws -> [LocationPing] { try await inner.pings(patient: patient, from: from, to: to) }
    func pings(in windows: [PingWindow]) async throws -> [LocationPing] { try await inner.pings(in: windows) }
    func pingPatients() async throws -> [String] { try await inner.pingPatients() }
    func screeningSites() async throws -> [String] { try await inner.screeningSites() }
    func screenings(site: String, from: Int64, to: Int64) async throws -> [ScreeningEvent] {
        try await inner.screenings(site: site, from: from, to: to)
    }
    func deviceLinks(device: String) async throws -> DeviceLinkHistory { try await inner.deviceLinks(device: device) }
    func reading(key: ProducerKey) async throws -> StoredReading? { try await inner.reading(key: key) }
    func quarantine(device: String?, limit: Int, offset: Int) async throws -> [QuarantineEntry] {
        try await inner.quarantine(device: device, limit: limit, offset: offset)
    }
    func brokerAccounts() async throws -> [DeviceBrokerAccount] { try await inner.brokerAccounts() }
    func device(forCredential tokenHash: [UInt8]) async throws -> String? { try await inner.device(forCredential: tokenHash) }
    func userCount() async throws -> Int { try await inner.userCount() }
    func user(id: Int64) async throws -> UserAccount? { try await inner.user(id: id) }
    func user(username: String) async throws -> UserAccount? { try await inner.user(username: username) }
    func users() async throws -> [UserAccount] { try await inner.users() }
    func accessScope(member: String, at time: Int64) async throws -> AccessScope { try await inner.accessScope(member: member, at: time) }
    func auditRecords(after seq: Int64, limit: Int) async throws -> [AuditRecord] { try await inner.auditRecords(after: seq, limit: limit) }
    func auditHead() async throws -> AuditHead? { try await inner.auditHead() }
    func readings(patients: [String], since: Int64, before id: Int64?) async throws -> [StoredReading] {
        try await inner.readings(patients: patients, since: since, before: id)
    }
    func deviceActivity() async throws -> [DeviceActivity] { try await inner.deviceActivity() }
    func newestReadingID() async throws -> Int64 { try await inner.newestReadingID() }
    func careTeams(patients: [String], at time: Int64) async throws -> [String: [String: Set<String>]] {
        try await inner.careTeams(patients: patients, at: time)
    }
    func openAlerts() async throws -> [Alert] { try await inner.openAlerts() }
    func dueMessages(at time: Int64, limit: Int) async throws -> [OutboxMessage] { try await inner.dueMessages(at: time, limit: limit) }
    func messages(alert: Int64) async throws -> [OutboxMessage] { try await inner.messages(alert: alert) }
    func pendingMessageCount() async throws -> Int { try await inner.pendingMessageCount() }
    func webhooks() async throws -> [Webhook] { try await inner.webhooks() }
    func command(id: Int64) async throws -> DeviceCommand? { try await inner.command(id: id) }
    func commands(_ query: CommandQuery) async throws -> [DeviceCommand] { try await inner.commands(query) }
    func dueCommands(at time: Int64, limit: Int) async throws -> [DeviceCommand] { try await inner.dueCommands(at: time, limit: limit) }
    func alert(id: Int64) async throws -> Alert? { try await inner.alert(id: id) }
    func alerts(_ query: AlertQuery) async throws -> [Alert] { try await inner.alerts(query) }
    func latestAlert(patient: String, key: String) async throws -> Alert? { try await inner.latestAlert(patient: patient, key: key) }
    func alertHistory(id: Int64) async throws -> [AlertHistoryEntry] { try await inner.alertHistory(id: id) }
}
