import AsyncAlgorithms
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
/// a channel without a buffer, so analysis keeps up with ingest or slows it, never falls behind
/// unbounded. A patient's state is built on first use by replaying their recent readings from
/// the store, so a restarted server reaches the same conditions.
public final class AnalysisService: Service {
    let store: any VigilStore
    let engine: ClinicalEngine
    let alerts: AlertCenter
    let hub: EventHub
    let clock: any VigilClock
    let sealer: any AuditSealer
    let anchor: AuditAnchor?
    let logger: Logger
    private let inputs = AsyncChannel<AnalysisInput>()
    let state = Mutex<State>(State())

    struct PatientRuntime {
        var state: PatientState
        var context: PatientContext
    }

    struct State {
        var patients: [String: PatientRuntime] = [:]
        var devices: [String: (monitor: DeviceMonitor, patient: String)] = [:]
    }

    init(
        store: any VigilStore, policy: ClinicalPolicy, alerts: AlertCenter, hub: EventHub, clock: any VigilClock, sealer: any AuditSealer,
        anchor: AuditAnchor?, logger: Logger
    ) {
        self.store = store
        self.engine = ClinicalEngine(policy: policy)
        self.alerts = alerts
        self.hub = hub
        self.clock = clock
        self.sealer = sealer
        self.anchor = anchor
        self.logger = logger
    }

    /// Hands an input over; suspends until the analysis takes it.
    func submit(_ input: AnalysisInput) async {
        await inputs.send(input)
    }

    public func run() async throws {
        try await alerts.load()
        try await loadDevices()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        await self.inputs.send(.tick)
                    }
                }
                for await input in inputs {
                    await process(input)
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.inputs.finish()
        }
    }

    func process(_ input: AnalysisInput) async {
        do {
            switch input {
            case .committed(let readings, let refused, let received):
                try await analyse(readings: readings, refused: refused, received: received)
            case .observations(let patient, let observations):
                let outputs = try await withPatient(patient, pending: observations) { runtime in
                    engine.process(observations, state: &runtime.state, context: runtime.context, patient: patient, now: clock.now())
                }
                try await act(on: outputs, patient: patient)
            case .patientChanged(let patient):
                let context = try await loadContext(patient)
                state.withLock { $0.patients[patient]?.context = context }
            case .tick:
                try await tick()
            }
        } catch {
            logger.error("analysis failed", metadata: ["error": "\(error)"])
        }
    }

    private func analyse(readings: [StoredReading], refused: [String: Int], received: Int64) async throws {
        var byPatient: [String: [ClinicalObservation]] = [:]
        var byDevice: [String: [(code: String, value: Double, unit: String, ahead: Bool)]] = [:]
        var devicePatient: [String: String] = [:]
        for stored in readings {
            let r = stored.reading
            byPatient[r.patient, default: []].append(ClinicalObservation(stored))
            byDevice[r.key.device, default: []].append((r.code, r.value, r.unit, r.flags.contains(.futureTimestamp)))
            devicePatient[r.key.device] = r.patient
        }
        for (patient, observations) in byPatient {
            let now = clock.now()
            let outputs = try await withPatient(patient, pending: observations) { runtime in
                engine.process(observations, state: &runtime.state, context: runtime.context, patient: patient, now: now)
            }
            publishReadings(observations, patient: patient)
            try await act(on: outputs, patient: patient)
        }
        for device in Set(byDevice.keys).union(refused.keys) {
            let (outputs, patient) = state.withLock { state -> ([EngineOutput], String?) in
                guard let patient = devicePatient[device] ?? state.devices[device]?.patient else { return ([], nil) }
                var entry = state.devices[device] ?? (DeviceMonitor(), patient)
                entry.patient = patient
                let outputs = entry.monitor.received(
                    at: received, readings: byDevice[device] ?? [], rejected: refused[device] ?? 0, device: device, policy: engine.policy.technical)
                state.devices[device] = entry
                return (outputs, patient)
            }
            if let patient { try await act(on: outputs, patient: patient) }
        }
    }

    private func tick() async throws {
        let now = clock.now()
        let (patientOutputs, deviceOutputs) = state.withLock { state in
            var patients: [(String, [EngineOutput])] = []
            for key in state.patients.keys {
                let outputs = engine.tick(&state.patients[key]!.state, now: now)
                if !outputs.isEmpty { patients.append((key, outputs)) }
            }
            var devices: [(String, [EngineOutput])] = []
            for key in state.devices.keys {
                let outputs = state.devices[key]!.monitor.tick(now: now, device: key, policy: engine.policy.technical)
                if !outputs.isEmpty { devices.append((state.devices[key]!.patient, outputs)) }
            }
            return (patients, devices)
        }
        for (patient, outputs) in patientOutputs + deviceOutputs { try await act(on: outputs, patient: patient) }
        await alerts.tick()
    }

    /// Stores new scores, then publishes them and hands conditions to the alert center.
    private func act(on outputs: [EngineOutput], patient: String) async throws {
        let now = clock.now()
        var writes: [ResourceWrite] = []
        var audit: [AuditEvent] = []
        var events: [JSON] = []
        for case .score(let record) in outputs {
            let write = ResourcePreparation.write(
                record.observation(patient: patient), type: .observation, id: WritePlanner.newID(), version: 1, lastUpdated: now, mode: .create)
            writes.append(write)
            audit.append(
                AuditEvent(
                    time: now, actor: "system/rules", role: "rules", patient: patient, action: .create,
                    resource: "Observation/\(write.resource.id)", detail: "\(record.kind.rawValue) \(record.total)"))
            events.append([
                "score": .string(record.kind.rawValue), "total": .integer(record.total), "band": record.band.map { .string($0) } ?? nil,
                "partial": .bool(!record.assumed.isEmpty), "observation": .string("Observation/\(write.resource.id)"),
                "time": .string(FHIRDateTime.instant(milliseconds: record.time)),
            ])
        }
        if !writes.isEmpty {
            if let head = try await store.write(writes, audit: audit, sealer: sealer) { try anchor?.advance(to: head) }
            for event in events { hub.publish("score", patient: patient, data: event) }
        }
        for output in outputs {
            if case .score = output { continue }
            await alerts.handle(output, patient: patient)
        }
    }

    private func publishReadings(_ observations: [ClinicalObservation], patient: String) {
        var latest: [String: ClinicalObservation] = [:]
        for observation in observations where (latest[observation.code]?.time ?? .min) <= observation.time { latest[observation.code] = observation }
        let items: [JSON] = latest.values.sorted { $0.code < $1.code }.compactMap { observation in
            guard let quantity = observation.quantity else { return nil }
            return [
                "code": .string(observation.code), "value": .double(quantity.value), "unit": .string(quantity.unit),
                "time": .string(FHIRDateTime.instant(milliseconds: observation.time)), "observation": .string("Observation/\(observation.id)"),
            ]
        }
        if !items.isEmpty { hub.publish("readings", patient: patient, data: ["readings": .array(items), "count": .integer(observations.count)]) }
    }
}
