import Foundation
import VigilClinical
import VigilCore

/// `vigil bench rules`: what the clinical rules cost per committed reading, on one core, without
/// I/O: the pure ``ClinicalEngine`` over batches of a patient's vital signs, as the analysis runs
/// them after each group commit.
public struct RulesBenchmark: Sendable {
    public struct Options: Sendable {
        public var patients = 10_000
        public var readings = 5_000_000
        /// Readings per patient per batch.
        public var batch = 100
        public init() {}
    }

    public struct Report: Sendable {
        public var options: Options
        public var seconds: Double
        public var scores: Int
        public var conditions: Int
        public var nanosecondsPerReading: Double { seconds * 1e9 / Double(options.readings) }

        public var text: String {
            [
                "Vigil rules benchmark: \(ProcessInfo.processInfo.activeProcessorCount) cores (one used)",
                "  load:        \(options.readings) readings of \(options.patients) patients, \(options.batch) per batch (the five NEWS2 vitals, drifting)",
                String(
                    format: "  cost:        %.0f ns per reading = %.0f readings/s on one core", nanosecondsPerReading, 1e9 / nanosecondsPerReading),
                "  produced:    \(scores) score changes, \(conditions) condition changes",
            ].joined(separator: "\n")
        }
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run() -> Report {
        let engine = ClinicalEngine(policy: .standard)
        var states = [PatientState](repeating: PatientState(), count: options.patients)
        let context = PatientContext()
        let patientIDs = (0..<options.patients).map { "bench-p\($0)" }
        let start = Int64(Date().timeIntervalSince1970 * 1000) - Int64(options.readings / options.patients + 1) * 1000
        var elapsed = Duration.zero
        var scores = 0, conditions = 0, sent = 0, round = 0
        var batch: [ClinicalObservation] = []
        batch.reserveCapacity(options.batch)
        while sent < options.readings {
            for patient in 0..<options.patients where sent < options.readings {
                batch.removeAll(keepingCapacity: true)
                let count = min(options.batch, options.readings - sent)
                for i in 0..<count {
                    let n = round * options.batch + i
                    let vital = BenchVitals.reading(n, phase: patient)
                    batch.append(
                        ClinicalObservation(
                            code: vital.code, value: .quantity(vital.value, unit: vital.unit), time: start + Int64(n) * 1000, id: String(n)))
                }
                let now = start + Int64(round * options.batch + count) * 1000
                let began = ContinuousClock.now
                let outputs = engine.process(batch, state: &states[patient], context: context, patient: patientIDs[patient], now: now)
                elapsed += ContinuousClock.now - began
                for output in outputs {
                    if case .score = output { scores += 1 } else { conditions += 1 }
                }
                sent += count
            }
            round += 1
        }
        let seconds = elapsed.seconds
        return Report(options: options, seconds: seconds, scores: scores, conditions: conditions)
    }
}
