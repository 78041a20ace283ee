import Logging
public import ServiceLifecycle
import Synchronization
public import VigilCore

/// The one owner of wearers' whereabouts: says whether a patient's ping may be kept (their
/// location Consents, ``LocationConsent``, read once and kept until a Consent is written), erases
/// a patient's pings as soon as a Consent written for them leaves them without consent, and every
/// hour erases what is older than the retention period and the pings of patients whose consent
/// has lapsed (a provision period that ended).
public final class WhereaboutsKeeper: Service, CommitSubscriber {
    let store: any VigilStore
    let writer: ChangeWriter
    let clock: any VigilClock
    /// How long pings are kept, in milliseconds.
    let retention: Int64
    let logger: Logger

    private struct State {
        /// Each patient's Consents about location, as read.
        var consents: [String: [JSON]] = [:]
        /// Moves whenever something is forgotten, so that a read that started before is not kept.
        var generation: UInt64 = 0
        /// Patients a Consent was written for since the last review.
        var reconsidered: Set<String> = []
        var lastSweep: Int64?
    }

    private let state = Mutex(State())
    private let reviewing = AsyncLock()

    init(store: any VigilStore, writer: ChangeWriter, clock: any VigilClock, retentionDays: Int, logger: Logger) {
        self.store = store
        self.writer = writer
        self.clock = clock
        self.retention = Int64(retentionDays) * 86_400_000
        self.logger = logger
    }

    /// Whether `patient` consents to their whereabouts at `time` being kept.
    func permits(patient: String, at time: Int64) async throws -> Bool {
        try await LocationConsent.permits(consents(of: patient), at: time)
    }

    private func consents(of patient: String) async throws -> [JSON] {
        let (kept, generation) = state.withLock { ($0.consents[patient], $0.generation) }
        if let kept { return kept }
        var query = try FHIRSearchQuery.parse(type: .consent, parameters: [])
        query.scope = .compartments(["Patient/\(patient)"], includeUnassigned: false)
        query.count = 1000
        let found = try await store.search(query).resources.map(\.json).filter(LocationConsent.isAboutLocation)
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.consents.count >= 100_000 { state.consents.removeAll() }
            state.consents[patient] = found
        }
        return found
    }

    public func committed(_ commit: Committed) async {
        let patients = commit.resources.filter { $0.type == .consent }.compactMap(\.patient)
        guard !patients.isEmpty else { return }
        state.withLock { state in
            state.generation &+= 1
            for patient in patients { state.consents[patient] = nil }
            state.reconsidered.formUnion(patients)
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.review()
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Erases the pings of the patients a Consent was written for who no longer consent, and,
    /// once an hour, the pings past the retention period and those of patients whose consent lapsed.
    /// One review at a time: when it returns, every Consent committed before the call is acted on,
    /// even one that a review already running had taken up.
    func review() async {
        await reviewing.withLock { await reviewOnce() }
    }

    private func reviewOnce() async {
        let now = clock.now()
        let (patients, sweep) = state.withLock { state in
            defer { state.reconsidered = [] }
            let due = (state.lastSweep ?? .min) <= now - 3_600_000
            if due { state.lastSweep = now }
            return (state.reconsidered, due)
        }
        do {
            var withdrawn = Set<String>()
            for patient in patients where try await !permits(patient: patient, at: now) { withdrawn.insert(patient) }
            if sweep {
                try await erase(PingErasure(before: now - retention), patient: nil, detail: "older than the retention period")
                for patient in try await store.pingPatients() where try await !permits(patient: patient, at: now) { withdrawn.insert(patient) }
            }
            for patient in withdrawn.sorted() {
                try await erase(PingErasure(patient: patient), patient: patient, detail: "no consent to keep whereabouts")
            }
        } catch {
            logger.error("whereabouts not reviewed", metadata: ["error": "\(error)"])
        }
    }

    private func erase(_ erasure: PingErasure, patient: String?, detail: String) async throws {
        let event = AuditEvent(
            time: clock.now(), actor: "system/whereabouts", role: "system", patient: patient, action: .delete, resource: "location-ping",
            detail: detail)
        _ = try await writer.submit(Change(.erasePings(erasure), audit: [event]))
    }
}
