import Foundation
public import VigilClinical
public import VigilCore
public import VigilSimulator

/// `vigil bench alarms`: alarm quality on a virtual clock. Stable patients with a full set of
/// vital signs and a nurse's entries, and patients who deteriorate into sepsis on a script, run
/// through the clinical engine and the alert lifecycle (``VirtualPatient``) with device artefacts
/// at their rates and a staff that acknowledges after a delay. Thousands of patient-days take
/// minutes; nothing waits for the wall clock.
public struct AlarmBenchmark: Sendable {
    public struct Options: Sendable {
        /// Stable patient-days to simulate.
        public var patientDays = 1000.0
        /// Days each stable patient is simulated.
        public var daysPerPatient = 7.0
        /// Patients who deteriorate on a script.
        public var deteriorations = 100
        public var artefacts = ArtefactRates.standard
        public var policy = ClinicalPolicy.standard
        public var staff = StaffModel()
        public var seed: UInt64 = 42
        public init() {}
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    /// The patients the options call for, deterministic for the seed: a fifth children (spot
    /// checks and an oximeter), the adults half on continuous bedside monitors and half on ward
    /// rounds (spot checks every 4 hours and an oximeter); the deteriorating adults on bedside
    /// monitors, a sepsis course starting between hours 2 and 10 and ramping over 3 to 8 hours.
    func plans() -> [VirtualPatient.Plan] {
        var generator = SeededGenerator(seed: options.seed, name: "alarm-bench")
        let stable = Int((options.patientDays / options.daysPerPatient).rounded(.up))
        var plans: [VirtualPatient.Plan] = []
        for index in 0..<stable {
            let child = index % 5 == 4
            let age = child ? 1 + generator.unit() * 14 : 20 + generator.unit() * 70
            let devices: [DeviceKind] = child || index % 2 == 1 ? [.spotCheckMonitor, .pulseOximeter] : [.bedsideMonitor]
            plans.append(
                .init(
                    id: "stable-\(index)", ageYears: age, body: PatientModel(baseline: Baseline.forAge(age), course: Course()),
                    devices: devices.map { .init(kind: $0) }, hours: options.daysPerPatient * 24))
        }
        for index in 0..<options.deteriorations {
            let start = 2 + generator.unit() * 8, ramp = 3 + generator.unit() * 5, severity = 0.9 + generator.unit() * 0.4
            let course = Course([
                Course.Frame(hour: start),
                Course.Frame(
                    hour: start + ramp,
                    changes: [
                        .heartRate: 45 * severity, .respiratoryRate: 13 * severity, .temperature: 2.2 * severity, .systolic: -38 * severity,
                        .spo2: -6 * severity,
                    ]),
            ])
            let age = 30 + generator.unit() * 55
            plans.append(
                .init(
                    id: "sepsis-\(index)", ageYears: age, body: PatientModel(baseline: Baseline.forAge(age), course: course),
                    devices: [.init(kind: .bedsideMonitor)], hours: start + ramp + 4, deteriorationStart: start))
        }
        return plans
    }

    /// Runs every patient, on all cores.
    public func run() async -> AlarmReport {
        let started = ContinuousClock.now
        let outcomes = await Self.run(plans(), options: options)
        return AlarmReport(options: options, outcomes: outcomes, seconds: (ContinuousClock.now - started).seconds)
    }

    /// Every patient of built-in or given scenarios on the virtual clock from ``virtualStart``,
    /// with the devices, artefacts and courses the scenario gives (no random artefacts), for
    /// `hours` (default: the story and half an hour), told once or over and over as `vigil demo`
    /// tells them: each patient's alerts, and the kinds of condition they named, at the highest
    /// priority and when first named (ms).
    public static func replay(
        _ scenarios: [Scenario], replaying: Bool = false, hours: Double? = nil, seed: UInt64 = 42
    ) async -> [String: [(kind: String, priority: Priority, first: Int64)]] {
        var options = Options()
        options.artefacts = .none
        options.seed = seed
        let plans = scenarios.flatMap { scenario in
            scenario.patients.map { patient in
                VirtualPatient.Plan(
                    id: patient.id, ageYears: patient.ageYears, body: scenario.body(of: patient, replaying: replaying),
                    devices: patient.devices.map { .init(kind: $0.kind, every: $0.every, artefacts: $0.artefacts ?? []) },
                    peakFlowBest: patient.peakFlowBest, hours: hours ?? scenario.hours + 0.5)
            }
        }
        var named: [String: [(kind: String, priority: Priority, first: Int64)]] = [:]
        for outcome in await run(plans, options: options) {
            named[outcome.plan.id] = outcome.alerts.flatMap(\.named.values).map { ($0.kind, $0.priority, $0.first) }.sorted { $0.first < $1.first }
        }
        return named
    }

    /// When the virtual clock starts (ms since 1970).
    public static let virtualStart = FHIRDateTime("2026-03-02T00:00:00Z")!.lowerBound

    static func run(_ plans: [VirtualPatient.Plan], options: Options) async -> [VirtualPatient.Outcome] {
        let start = virtualStart
        let outcomes = await withTaskGroup(of: [VirtualPatient.Outcome].self) { group in
            let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
            for worker in 0..<workers {
                group.addTask { [options] in
                    stride(from: worker, to: plans.count, by: workers).map { index in
                        VirtualPatient(
                            plan: plans[index], policy: options.policy, artefacts: options.artefacts, staff: options.staff, seed: options.seed,
                            start: start
                        ).run()
                    }
                }
            }
            var all: [VirtualPatient.Outcome] = []
            for await batch in group { all += batch }
            return all.sorted { $0.plan.id < $1.plan.id }
        }
        return outcomes
    }
}
