import VigilClinical
import VigilCore
import VigilSimulator

/// One simulated patient on the virtual clock: their body (``PatientModel``), their devices
/// (``DeviceModel`` with artefacts), a nurse's entries every 4 hours (level of consciousness,
/// oxygen; respiratory effort and capillary refill for a child), all carried through the clinical
/// engine, the devices' technical checks and the alert lifecycle exactly as the server does, every
/// 30 seconds of simulated time. No wall-clock waits: days run in milliseconds.
struct VirtualPatient: Sendable {
    /// Who the patient is and what happens to them.
    struct Plan: Sendable {
        /// One device: its kind, cadence, and artefacts (nil: drawn at the bench's rates).
        struct Device: Sendable {
            var kind: DeviceKind
            var every: [Vital: Double]? = nil
            var artefacts: [Artefact]? = nil
        }

        var id: String
        var ageYears: Double
        var body: PatientModel
        var devices: [Device]
        var peakFlowBest: Double? = nil
        var hours: Double
        /// When a scripted deterioration (in the body's course) starts, in hours.
        var deteriorationStart: Double? = nil
    }

    /// What happened.
    struct Outcome: Sendable {
        var plan: Plan
        var alerts: [AlertLedger.Record]
        /// When the true NEWS2 (from the body's means, alert, on air) first reached 7.
        var news2ReachedSeven: Int64?
        var start: Int64
        var readings = 0
        var duplicatesDropped = 0
    }

    static let step: Int64 = 30_000
    static let entryEvery: Int64 = 4 * 3_600_000

    let plan: Plan
    let policy: ClinicalPolicy
    let artefacts: ArtefactRates
    let staff: StaffModel
    let seed: UInt64
    let start: Int64

    func run() -> Outcome {
        var generator = SeededGenerator(seed: seed, name: plan.id)
        let body = plan.body
        let clock = SimulationClock(start: start, speed: 1)
        var devices = plan.devices.enumerated().map { index, device in
            DeviceModel(
                id: "\(plan.id)-\(device.kind.rawValue)-\(index)", kind: device.kind, patient: body, cadence: device.every,
                artefacts: device.artefacts ?? artefacts.schedule(hours: plan.hours, generator: &generator), clock: clock,
                seed: seed &+ UInt64(index),
                noiseScale: artefacts.noiseScale)
        }
        var monitors = [DeviceMonitor](repeating: DeviceMonitor(), count: devices.count)
        let engine = ClinicalEngine(policy: policy)
        let months = Int(plan.ageYears * 12)
        let context = PatientContext(birth: Birth(monthsOld: months, at: start), peakFlowBest: plan.peakFlowBest)
        var state = PatientState()
        var ledger = AlertLedger(policy: policy.escalation, staff: staff)
        var outcome = Outcome(plan: plan, alerts: [], start: start)
        var seen = Set<String>()
        let end = start + Int64(plan.hours * 3_600_000)
        var now = start
        var nextEntry = start + 60_000
        while now < end {
            now += Self.step
            let seconds = Double(now - start) / 1000
            for index in devices.indices {
                let due = devices[index].readings(until: seconds)
                guard !due.isEmpty else { continue }
                let twice = devices[index].sendsTwice(atSeconds: seconds)
                var fresh: [ClinicalObservation] = []
                for reading in due + (twice ? due : []) {
                    guard seen.insert("\(devices[index].id)/\(reading.seq)").inserted else {
                        outcome.duplicatesDropped += 1
                        continue
                    }
                    fresh.append(
                        ClinicalObservation(
                            code: reading.code, value: .quantity(reading.value, unit: reading.unit), time: reading.time, id: "\(reading.seq)",
                            device: devices[index].id))
                }
                outcome.readings += fresh.count
                ledger.apply(engine.process(fresh, state: &state, context: context, patient: plan.id, now: now), clinical: true, now: now)
                let technical = monitors[index].received(
                    at: now, readings: fresh.compactMap { o in o.quantity.map { (code: o.code, value: $0.value, unit: $0.unit) } }, rejected: 0,
                    device: devices[index].id, policy: policy.technical)
                ledger.apply(technical, clinical: false, now: now)
            }
            if now >= nextEntry {
                ledger.apply(
                    engine.process(entries(at: now, months: months), state: &state, context: context, patient: plan.id, now: now), clinical: true,
                    now: now)
                nextEntry += Self.entryEvery
            }
            ledger.apply(engine.tick(&state, now: now), clinical: true, now: now)
            for index in monitors.indices {
                ledger.apply(monitors[index].tick(now: now, device: devices[index].id, policy: policy.technical), clinical: false, now: now)
            }
            ledger.tick(now: now)
            if outcome.news2ReachedSeven == nil, plan.deteriorationStart != nil, plan.ageYears >= 16,
                trueNEWS2(body, clock: clock, seconds: seconds) >= 7
            {
                outcome.news2ReachedSeven = now
            }
        }
        outcome.alerts = ledger.records
        return outcome
    }

    /// What a nurse records on her round: alert, on air; for a child also normal effort and a
    /// capillary refill of a second.
    private func entries(at now: Int64, months: Int) -> [ClinicalObservation] {
        var entries = [
            ClinicalObservation(code: "67775-7", value: .consciousness(.alert), time: now, id: "acvpu@\(now)"),
            ClinicalObservation(code: ClinicalCodes.oxygenFlow, value: .quantity(0, unit: "L/min"), time: now, id: "o2@\(now)"),
        ]
        if months < policy.paediatricBelowAgeInMonths {
            entries.append(
                ClinicalObservation(code: ClinicalCodes.respiratoryEffort, value: .respiratoryEffort(.normal), time: now, id: "effort@\(now)"))
            entries.append(ClinicalObservation(code: ClinicalCodes.capillaryRefill, value: .quantity(1, unit: "s"), time: now, id: "crt@\(now)"))
        }
        return entries
    }

    /// NEWS2 of the body's means (no noise, no artefacts), alert and on air.
    private func trueNEWS2(_ body: PatientModel, clock: SimulationClock, seconds: Double) -> Int {
        let hour = seconds / 3600, day = clock.hourOfDay(seconds)
        func mean(_ vital: Vital) -> Double { body.mean(vital, hour: hour, hourOfDay: day) }
        return NEWS2.score(
            .init(
                respirationRate: mean(.respiratoryRate), spo2: mean(.spo2), onOxygen: false, systolicBP: mean(.systolic), pulse: mean(.heartRate),
                consciousness: .alert, temperature: mean(.temperature)),
            policy: policy.news2
        ).total
    }
}
