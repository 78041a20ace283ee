import Synchronization
import VigilClinical
import VigilCore

extension AnalysisService {
    /// Runs `body` on a patient's rule state, building it first if needed from the store, without
    /// the observations about to be processed (`pending`: they are stored already).
    func withPatient<T>(_ patient: String, pending: [ClinicalObservation] = [], _ body: (inout PatientRuntime) -> T) async throws -> T {
        if state.withLock({ $0.patients[patient] == nil }) {
            let runtime = try await load(patient, excluding: Set(pending.map(\.id)))
            state.withLock { state in
                if state.patients[patient] == nil { state.patients[patient] = runtime }
            }
        }
        return state.withLock { state in
            var runtime = state.patients[patient]!
            defer { state.patients[patient] = runtime }
            return body(&runtime)
        }
    }

    /// Copies of patients' rule states (built when needed), for the board.
    func snapshot(_ patients: [String]) async throws -> [String: PatientRuntime] {
        var result: [String: PatientRuntime] = [:]
        for patient in patients {
            result[patient] = try await withPatient(patient) { $0 }
        }
        return result
    }

    /// A patient's context: age from the Patient, thresholds from active CarePlans.
    func loadContext(_ patient: String) async throws -> PatientContext {
        let resource = try await store.resource(.patient, id: patient)
        var query = try FHIRSearchQuery.parse(type: .carePlan, parameters: [("patient", patient), ("status", "active"), ("_count", "100")])
        query.scope = .all
        let plans = try await store.search(query).resources.map(\.json)
        return PatientContext.from(patient: resource?.json, carePlans: plans, now: clock.now())
    }

    /// Builds a patient's rule state from the store: replays the readings of the freshness window
    /// and the observations people entered within the assessment window (less `excluding`), takes
    /// over the conditions of open alerts, and raises what should be open but is not (a crash
    /// between a commit and its alert).
    func load(_ patient: String, excluding: Set<String> = []) async throws -> PatientRuntime {
        let policy = engine.policy
        let now = clock.now()
        let context = try await loadContext(patient)
        let window = max(policy.freshnessSeconds, Int(policy.glucose.windowMinutes * 60), policy.thresholds.map(\.sustainedSeconds).max() ?? 0)
        let since = now - Int64(window) * 1000
        var observations = try await store.readings(patient: patient, since: since).map(ClinicalObservation.init)
        var query = try FHIRSearchQuery.parse(
            type: .observation,
            parameters: [
                ("patient", patient), ("date", "ge" + FHIRDateTime.instant(milliseconds: now - Int64(policy.assessmentFreshnessSeconds) * 1000)),
                ("performer:missing", "false"), ("_count", "1000"),
            ])
        query.scope = .all
        for resource in try await store.search(query).resources {
            observations += ClinicalObservation.from(observation: resource.json, id: resource.id)
        }
        observations.removeAll { excluding.contains($0.id) }
        var patientState = PatientState()
        let replay = engine.process(observations, state: &patientState, context: context, patient: patient, now: now)
        var lastCondition: [String: AlertCondition] = [:]
        for output in replay {
            switch output {
            case .raise(let condition), .update(let condition): lastCondition[condition.key] = condition
            default: continue
            }
        }
        for alert in alerts.openAlerts(patients: [patient]) {
            patientState.adopt(key: alert.key, priority: alert.priority, since: alert.raised)
        }
        for key in patientState.raised.keys where alerts.openAlert(patient: patient, key: key) == nil {
            guard let condition = lastCondition[key] else { continue }
            let latest = try await store.latestAlert(patient: patient, key: key)
            let decidedByAPerson = latest?.resolution.map { $0.by != nil && $0.at >= since } ?? false
            if !decidedByAPerson { await alerts.handle(.raise(condition), patient: patient) }
        }
        return PatientRuntime(state: patientState, context: context)
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
