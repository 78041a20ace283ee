import Synchronization
import VigilClinical
import VigilCore

extension AnalysisService {
    /// Runs `body` on a patient's rule state, building it first from the store if needed.
    func withPatient<T>(_ patient: String, _ body: (inout PatientRuntime) -> T) async throws -> T {
        if state.withLock({ $0.patients[patient] == nil }) { try await preload([patient]) }
        // In place: a copy taken out and put back would copy each of the state's dictionaries on
        // its first change, for every reading.
        return state.withLock { state in body(&state.patients[patient]!) }
    }

    /// Builds the state of the patients that have none yet, together.
    func preload(_ patients: some Collection<String>) async throws {
        let missing = state.withLock { state in patients.filter { state.patients[$0] == nil } }
        guard !missing.isEmpty else { return }
        let (loaded, reconcile) = try await load(missing)
        state.withLock { state in
            for (patient, runtime) in loaded where state.patients[patient] == nil {
                state.patients[patient] = runtime
                state.reconcile += reconcile.filter { $0.patient == patient }
            }
        }
    }

    /// Copies of patients' rule states (built when needed), for the board. A node that does not
    /// analyse (another node leads) builds them from the store each time and keeps none: kept,
    /// they would not follow the readings.
    func snapshot(_ patients: [String]) async throws -> [String: PatientRuntime] {
        guard accepting.load(ordering: .relaxed) else { return try await load(patients).runtimes }
        try await preload(patients)
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
        var contexts: [String: PatientContext] = [:]
        for (id, patient) in byID { contexts[id] = PatientContext.from(patient: patient, carePlans: plansByPatient[id] ?? []) }
        return contexts
    }

    /// Builds patients' rule states from the store by replaying what the analysis has already
    /// analysed: the readings of the freshness window up to the last analysed commit, and the
    /// observations people entered within the assessment window that were analysed (or stored
    /// before this server started). What is stored but not yet analysed is analysed in its turn,
    /// so each score change is stored once, by the analysis, whatever order inputs arrive in.
    /// Takes over the conditions of open alerts, and returns what should be open but is not (a
    /// crash between a commit and its alert), for the analysis to raise in its turn. Four queries
    /// for all the patients.
    func load(_ patients: [String]) async throws -> (
        runtimes: [String: PatientRuntime], reconcile: [(patient: String, output: EngineOutput)]
    ) {
        let policy = engine.policy
        let now = clock.now()
        let contexts = try await loadContexts(patients)
        let window = max(
            policy.freshnessSeconds, Int(max(policy.glucose.windowMinutes, policy.glucose.forecastWindowMinutes) * 60),
            policy.thresholds.map(\.sustainedSeconds).max() ?? 0)
        let since = now - Int64(window) * 1000
        let analysed = state.withLock { $0.analysed }
        var observations: [String: [ClinicalObservation]] = [:]
        for stored in try await store.readings(patients: patients, since: since, before: analysed.readingsBefore) {
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
        for resource in try await store.search(entered).resources where analysed.includes(resource) {
            guard let patient = resource.patient else { continue }
            observations[patient, default: []] += ClinicalObservation.from(observation: resource.json, id: resource.id)
        }
        var loaded: [String: PatientRuntime] = [:]
        var reconcile: [(patient: String, output: EngineOutput)] = []
        for patient in patients {
            let context = contexts[patient] ?? PatientContext()
            let recorded = contexts[patient] != nil
            var patientState = PatientState()
            _ = engine.process(observations[patient] ?? [], state: &patientState, context: context, patient: patient, now: now)
            for alert in alerts.openAlerts(patients: [patient]) { patientState.adopt(alert) }
            for (key, episode) in patientState.episodes where alerts.openAlert(patient: patient, key: key) == nil {
                guard let condition = episode.said else { continue }
                let latest = try await store.latestAlert(patient: patient, key: key)
                let decidedByAPerson = latest?.resolution.map { $0.by != nil && $0.at >= since } ?? false
                if !decidedByAPerson { reconcile.append((patient, .raise(condition))) }
            }
            loaded[patient] = PatientRuntime(state: patientState, context: context, recorded: recorded)
        }
        return (loaded, reconcile)
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
