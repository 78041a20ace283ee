import Logging
public import ServiceLifecycle
import Synchronization
import VigilClinical
import VigilCore

/// Continuous analysis: runs the clinical rules (``ClinicalEngine``) on every committed reading
/// and entered observation, stores new scores as FHIR Observations, hands condition changes to
/// the ``AlertCenter``, checks devices and CGMs for silence every second, and publishes readings
/// and scores to the ``EventHub``.
///
/// One consumer processes inputs in order. The ingest writer hands each group commit over through
/// a bounded inbox (``AnalysisInbox``): ingest commits while the analysis works on the commit
/// before, and the analysis never falls more than 100,000 readings behind (ingest waits).
/// A patient's state is built on first use by replaying their recent readings from the store,
/// so a restarted server reaches the same conditions.
public final class AnalysisService: Service {
    let store: any VigilStore
    let engine: ClinicalEngine
    let alerts: AlertCenter
    let clock: any VigilClock
    let metrics: VigilMetrics
    let logger: Logger
    let inbox = AnalysisInbox(capacity: 100_000)
    let state = Mutex<State>(State())
    let screeningWatch = ScreeningWatch()
    /// Whether commits are taken into the inbox: always for a node alone on its store; for one of
    /// several nodes, once it leads and runs the analysis (until then, the inbox would fill).
    let accepting: Atomic<Bool>
    /// Readings up to this id were stored before the analysis started (several nodes): it takes
    /// them from the store, not from the commits announced meanwhile.
    let replayedThrough = Atomic<Int64>(0)
    /// The store the nodes share, when this node is one of several: the analysis records there how
    /// far it got, and the next node to lead goes on from there.
    let shared: (any SharedStore)?
    /// Readings taken from the store at once when a node takes the lead.
    static let catchUpChunk = 10_000

    struct PatientRuntime {
        var state: PatientState
        var context: PatientContext
        /// Whether the Patient resource exists (a care team may name a patient not yet created).
        var recorded: Bool
    }

    struct State {
        var patients: [String: PatientRuntime] = [:]
        var devices: [String: (monitor: DeviceMonitor, patient: String)] = [:]
        /// What has been analysed (set when the service starts).
        var analysed = AnalysedWatermark()
        /// Conditions found open while rebuilding patients but with no open alert, to raise with
        /// the next outputs.
        var reconcile: [(patient: String, output: EngineOutput)] = []
        /// Screening sites with screenings not yet looked at (``watchScreeningSites()``).
        var screened: Set<String> = []
    }

    init(
        store: any VigilStore, policy: ClinicalPolicy, alerts: AlertCenter, clock: any VigilClock, metrics: VigilMetrics, logger: Logger,
        waitsToRun: Bool = false
    ) {
        self.accepting = Atomic(!waitsToRun)
        self.shared = waitsToRun ? store as? any SharedStore : nil
        self.store = store
        self.engine = ClinicalEngine(policy: policy)
        self.alerts = alerts
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
    }

    /// Hands an input over; suspends while the analysis is more than 100,000 readings behind.
    func submit(_ input: AnalysisInput) async {
        await inbox.send(input, weight: input.weight)
    }

    /// Whether the analysis is less than 100,000 readings behind (the writer holds readings until it is).
    var hasRoom: Bool { inbox.hasRoom }

    /// Waits until everything submitted before has been analysed.
    func flush() async {
        let (done, signal) = AsyncStream<Void>.makeStream()
        guard await inbox.send(.flush(signal)) else { return }
        for await _ in done { break }
    }

    public func run() async throws {
        // However the analysis ends, senders must not wait for it: a finished inbox refuses at once.
        defer { inbox.finish() }
        accepting.store(true, ordering: .relaxed)
        let newest = try await store.newestReadingID()
        // A node taking the lead goes on from where the last leader recorded it got.
        let from = try await shared?.progress(lease: Leadership.leaseName).map { min($0, newest) } ?? newest
        if shared != nil { replayedThrough.store(newest, ordering: .relaxed) }
        let started = clock.now()
        state.withLock { $0.analysed = AnalysedWatermark(readingsThrough: from, started: started) }
        try await alerts.load()
        try await loadDevices()
        if let shared {
            try await shared.recordProgress(from, lease: Leadership.leaseName)
            if from < newest { try await catchUp(after: from, through: newest, shared) }
        }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        await self.submit(.tick)
                    }
                }
                while let input = await inbox.next() {
                    await process(input)
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.inbox.finish()
        }
    }

    func process(_ input: AnalysisInput) async {
        let started = ContinuousClock.now
        defer { metrics.recordAnalysis(duration: .now - started, backlog: inbox.weight) }
        do {
            switch input {
            case .committed(let readings, let refused, let clockAhead, let received):
                // Readings stored before a leading node's analysis started came from the store.
                let replayed = replayedThrough.load(ordering: .relaxed)
                let fresh = replayed > 0 ? readings.filter { $0.id > replayed } : readings
                try await analyse(readings: fresh, refused: refused, clockAhead: clockAhead, received: received)
            case .observations(let patient, let observations):
                let now = clock.now()
                let outputs = try await withPatient(patient) { runtime in
                    engine.process(observations, state: &runtime.state, context: runtime.context, patient: patient, now: now)
                }
                let forget = now - Int64(engine.policy.assessmentFreshnessSeconds) * 1000
                state.withLock { $0.analysed.analysed(entries: observations.map(\.id), storedAt: now, forgetBefore: forget) }
                try await act(on: outputs.map { (patient, $0) })
            case .patientChanged(let patient):
                // A patient without a state gets one, with the new record, when first needed.
                guard state.withLock({ $0.patients[patient] != nil }) else { break }
                let context = try await loadContexts([patient])[patient]
                state.withLock { state in
                    state.patients[patient]?.context = context ?? PatientContext()
                    state.patients[patient]?.recorded = context != nil
                }
            case .tick:
                try await tick()
                try await watchScreeningSites()
            case .flush(let signal):
                signal.finish()
            }
        } catch {
            logger.error("analysis failed", metadata: ["error": "\(error)"])
        }
    }

    private func analyse(readings: [StoredReading], refused: [String: Int], clockAhead: [String: Int], received: Int64) async throws {
        var byPatient: [String: [ClinicalObservation]] = [:]
        var byDevice: [String: [(code: String, value: Double, unit: String)]] = [:]
        var devicePatient: [String: String] = [:]
        for stored in readings {
            let r = stored.reading
            byPatient[r.patient, default: []].append(ClinicalObservation(stored))
            byDevice[r.key.device, default: []].append((r.code, r.value, r.unit))
            devicePatient[r.key.device] = r.patient
        }
        try await preload(byPatient.keys)
        var outputs: [(patient: String, output: EngineOutput)] = []
        let now = clock.now()
        for (patient, observations) in byPatient {
            let results = try await withPatient(patient) { runtime in
                engine.process(observations, state: &runtime.state, context: runtime.context, patient: patient, now: now)
            }
            outputs += results.map { (patient, $0) }
        }
        // A device whose first upload was all refused is not known yet: find the patient it is on.
        for device in refused.keys where devicePatient[device] == nil && state.withLock({ $0.devices[device] == nil }) {
            devicePatient[device] = try await store.deviceLinks(device: device).patient(at: received)
        }
        for device in Set(byDevice.keys).union(refused.keys) {
            state.withLock { state in
                guard let patient = devicePatient[device] ?? state.devices[device]?.patient else { return }
                var entry = state.devices[device] ?? (DeviceMonitor(), patient)
                entry.patient = patient
                let results = entry.monitor.received(
                    at: received, readings: byDevice[device] ?? [], rejected: refused[device] ?? 0, clockAhead: clockAhead[device] ?? 0,
                    device: device,
                    policy: engine.policy.technical)
                state.devices[device] = entry
                outputs += results.map { (patient, $0) }
            }
        }
        state.withLock { $0.analysed.analysed(readings: readings) }
        try await act(on: outputs)
    }

    /// Analyses the readings stored after `id` and up to `through`, which the last leading node
    /// had not (it died, or lost the lead): their conditions are raised now, once (the open
    /// alerts it raised are the patients' already).
    private func catchUp(after id: Int64, through: Int64, _ shared: any SharedStore) async throws {
        var last = id
        while last < through {
            let readings = try await shared.readings(after: last, through: through, limit: Self.catchUpChunk)
            guard let newest = readings.last?.id else { break }
            try await analyse(readings: readings, refused: [:], clockAhead: [:], received: clock.now())
            last = newest
        }
        logger.notice("the analysis took over from the last leading node", metadata: ["readings": "\(through - id)"])
    }

    private func tick() async throws {
        if let shared, let through = state.withLock({ $0.analysed.readingsThrough }) {
            do {
                try await shared.recordProgress(through, lease: Leadership.leaseName)
            } catch {
                logger.warning("the analysis's progress could not be recorded", metadata: ["error": "\(error)"])
            }
        }
        let now = clock.now()
        let outputs = state.withLock { state in
            var outputs: [(patient: String, output: EngineOutput)] = []
            for key in state.patients.keys {
                outputs += engine.tick(&state.patients[key]!.state, now: now).map { (key, $0) }
            }
            for key in state.devices.keys {
                let patient = state.devices[key]!.patient
                outputs += state.devices[key]!.monitor.tick(now: now, device: key, policy: engine.policy.technical).map { (patient, $0) }
            }
            return outputs
        }
        try await act(on: outputs)
    }

    /// Hands the new scores of all patients and the condition changes to the alert center, which
    /// stores them in one change and announces the scores just before the alert steps.
    private func act(on outputs: [(patient: String, output: EngineOutput)]) async throws {
        let outputs = state.withLock { state in
            defer { state.reconcile = [] }
            return state.reconcile + outputs
        }
        let now = clock.now()
        var records = DerivedRecords()
        for case (let patient, .score(let record)) in outputs {
            let write = ResourcePreparation.write(
                record.observation(patient: patient), type: .observation, id: WritePlanner.newID(), version: 1, lastUpdated: now, mode: .create)
            records.writes.append(write)
            records.audit.append(
                AuditEvent(
                    time: now, actor: "system/rules", role: "rules", patient: patient, action: .create,
                    resource: "Observation/\(write.resource.id)", detail: "\(record.kind.rawValue) \(record.total)"))
            records.notices.append(
                .score(
                    ScoreNotice(
                        patient: patient, score: record.kind.rawValue, total: record.total, band: record.band, partial: !record.assumed.isEmpty,
                        observation: "Observation/\(write.resource.id)", time: record.time)))
        }
        await alerts.handle(outputs.filter { if case .score = $0.output { false } else { true } }, along: records)
    }
}
