import Synchronization
import VigilClinical
import VigilCore

extension AnalysisService {
    /// Runs `body` on a patient's rule state, building it first if needed from the store, without
    /// the observations about to be processed (`pending`: they are stored already).
    func withPatient<T>(_ patient: String, pending: [ClinicalObservation] = [], _ body: (inout PatientRuntime) -> T) async throws -> T {
        if state.withLock({ $0.patients[patient] == nil }) { try await preload([patient: pending]) }
        return state.withLock { state in
            var runtime = state.patients[patient]!
            defer { state.patients[patient] = runtime }
            return body(&runtime)
        }
    }

    /// Builds the state of the patients that have none yet, together, without the observations
    /// about to be processed (readings from the first pending one on are analysed in their turn).
    func preload(_ pending: [String: [ClinicalObservation]]) async throws {
        let missing = state.withLock { state in pending.keys.filter { state.patients[$0] == nil } }
        guard !missing.isEmpty else { return }
        let excluding = Set(pending.values.joined().map(\.id))
        let loaded = try await load(missing, excluding: excluding)
        state.withLock { state in
            for (patient, runtime) in loaded where state.patients[patient] == nil { state.patients[patient] = runtime }
        }
    }

    /// Copies of patients' rule states (built when needed), for the board.
    func snapshot(_ patients: [String]) async throws -> [String: PatientRuntime] {
        try await preload(Dictionary(uniqueKeysWithValues: patients.map { ($0, []) }))
        return state.withLock { state in
            Dictionary(uniqueKeysWithValues: patients.compactMap { patient in state.patients[patient].map { (patient, $0) } })
        }
    }

    /// Patients' contexts (age from the Patient, thresholds from active CarePlans), in two
    /// queries; none for a patient whose Patient resource does not exist.
    func loadContexts(_ patients: [String]) async throws -> [String: PatientContext] {
        let resources = try await store.search(FHIRSearchQuery(type: .patient, ids: patients, count: patients.count)).resources
        var plans = try FHIRSearchQuery.parse(type: .carePlan, parameters: [("status", "active")])
        plans.scope = Self.compartments(of: patients)
        plans.count = 10_000
        var plansByPatient: [String: [JSON]] = [:]
        for plan in try await store.search(plans).resources {
            if let patient = plan.patient { plansByPatient[patient, default: []].append(plan.json) }
        }
        let byID = Dictionary(resources.map { ($0.id, $0.json) }, uniquingKeysWith: { first, _ in first })
        let now = clock.now()
        var contexts: [String: PatientContext] = [:]
        for (id, patient) in byID { contexts[id] = PatientContext.from(patient: patient, carePlans: plansByPatient[id] ?? [], now: now) }
        return contexts
    }

    /// Builds patients' rule states from the store: replays the readings of the freshness window
    /// stored before the first of `excluding` (that commit and those after it are analysed in
    /// their turn) and the observations people entered within the assessment window (less
    /// `excluding`); takes over the conditions of open alerts, and raises what should be open but
    /// is not (a crash between a commit and its alert). Four queries for all the patients.
    func load(_ patients: [String], excluding: Set<String>) async throws -> [String: PatientRuntime] {
        let policy = engine.policy
        let now = clock.now()
        let contexts = try await loadContexts(patients)
        let window = max(policy.freshnessSeconds, Int(policy.glucose.windowMinutes * 60), policy.thresholds.map(\.sustainedSeconds).max() ?? 0)
        let since = now - Int64(window) * 1000
        var observations: [String: [ClinicalObservation]] = [:]
        let firstPending = excluding.compactMap { Int64($0) }.min()
        for stored in try await store.readings(patients: patients, since: since, before: firstPending) {
            observations[stored.reading.patient, default: []].append(ClinicalObservation(stored))
        }
        var entered = try FHIRSearchQuery.parse(
            type: .observation,
            parameters: [
                ("date", "ge" + FHIRDateTime.instant(milliseconds: now - Int64(policy.assessmentFreshnessSeconds) * 1000)),
                ("performer:missing", "false"),
            ])
        entered.scope = Self.compartments(of: patients)
        entered.count = 10_000
        for resource in try await store.search(entered).resources where !excluding.contains(resource.id) {
            guard let patient = resource.patient else { continue }
            observations[patient, default: []] += ClinicalObservation.from(observation: resource.json, id: resource.id)
        }
        var loaded: [String: PatientRuntime] = [:]
        var reconcile: [(patient: String, output: EngineOutput)] = []
        for patient in patients {
            let context = contexts[patient] ?? PatientContext()
            let recorded = contexts[patient] != nil
            var patientState = PatientState()
            let replay = engine.process(observations[patient] ?? [], state: &patientState, context: context, patient: patient, now: now)
            var lastCondition: [String: AlertCondition] = [:]
            for case .raise(let condition) in replay { lastCondition[condition.key] = condition }
            for case .update(let condition) in replay { lastCondition[condition.key] = condition }
            for alert in alerts.openAlerts(patients: [patient]) {
                patientState.adopt(key: alert.key, priority: alert.priority, since: alert.raised)
            }
            for key in patientState.raised.keys where alerts.openAlert(patient: patient, key: key) == nil {
                guard let condition = lastCondition[key] else { continue }
                let latest = try await store.latestAlert(patient: patient, key: key)
                let decidedByAPerson = latest?.resolution.map { $0.by != nil && $0.at >= since } ?? false
                if !decidedByAPerson { reconcile.append((patient, .raise(condition))) }
            }
            loaded[patient] = PatientRuntime(state: patientState, context: context, recorded: recorded)
        }
        await alerts.handle(reconcile)
        return loaded
    }

    /// The patients' compartments, to search their resources by: the compartment index finds them
    /// without visiting everyone else's (the `patient` parameter would).
    private static func compartments(of patients: [String]) -> FHIRSearchQuery.Scope {
        .compartments(Set(patients.map { "Patient/" + $0 }), includeUnassigned: false)
    }

    /// Restores the device monitors from the store at start.
    func loadDevices() async throws {
        let activity = try await store.deviceActivity()
        let open = alerts.openAlerts()
        state.withLock { state in
            for device in activity {
                var monitor = DeviceMonitor(lastReceived: device.lastReceived, previousReceived: device.previousReceived)
                for alert in open where alert.key.hasSuffix(":\(device.device)") {
                    monitor.adopt(kind: alert.kind)
                }
                state.devices[device.device] = (monitor, device.patient)
            }
        }
    }
}
