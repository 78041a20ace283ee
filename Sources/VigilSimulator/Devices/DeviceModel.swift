import Foundation

/// One simulated device on one patient, as a value: ask it for the readings due up to a moment of
/// physiological time and it returns them in time order, with consecutive sequence numbers. The
/// values depend only on the seed, the patient and the moments, not on how often it is asked.
public struct DeviceModel: Sendable {
    public let id: String
    public let kind: DeviceKind
    public let patient: PatientModel
    public let cadence: [Vital: Double]
    public let artefacts: [Artefact]
    public let clock: SimulationClock
    /// Battery charge at the start, percent.
    public let initialBattery: Double
    /// How noisy its measurements are, as a multiple of each vital sign's usual variation.
    public let noiseScale: Double

    private var values: SeededGenerator
    private var uploads: SeededGenerator
    private var due: [Vital: Double] = [:]
    private var batteryDue: Double
    private var deviation: [Vital: Double] = [:]
    /// The last sequence number used.
    public private(set) var seq: Int64 = 0

    public init(
        id: String, kind: DeviceKind, patient: PatientModel, cadence: [Vital: Double]? = nil, artefacts: [Artefact] = [], clock: SimulationClock,
        seed: UInt64, battery: Double = 90, noiseScale: Double = 1
    ) {
        self.id = id
        self.kind = kind
        self.patient = patient
        self.cadence = kind.cadence.merging(cadence ?? [:]) { _, chosen in chosen }
        self.artefacts = artefacts
        self.clock = clock
        self.initialBattery = battery
        self.noiseScale = noiseScale
        values = SeededGenerator(seed: seed, name: id)
        uploads = SeededGenerator(seed: seed, name: id + "/uploads")
        // The first of each measurement comes soon, at a different moment for every device.
        for vital in Vital.allCases {
            if let interval = self.cadence[vital] { due[vital] = values.unit() * min(interval, 60) }
        }
        batteryDue = values.unit() * 60
    }

    /// When (physiological seconds) the next reading is due.
    public var nextDue: Double {
        min(due.values.min() ?? .infinity, kind.batteryPowered ? batteryDue : .infinity)
    }

    /// The readings due at or before `seconds` of physiological time not yet returned.
    public mutating func readings(until seconds: Double) -> [SimulatedReading] {
        var out: [SimulatedReading] = []
        while true {
            let next = Vital.allCases.compactMap { vital in due[vital].map { (vital, $0) } }.min { $0.1 < $1.1 }
            let battery = kind.batteryPowered ? batteryDue : .infinity
            guard let next, next.1 <= seconds || battery <= seconds else { break }
            if battery <= next.1 {
                if let reading = batteryReading(at: battery) { out.append(reading) }
                batteryDue += 3600
                continue
            }
            due[next.0] = next.1 + (cadence[next.0] ?? .infinity)
            if let reading = measure(next.0, at: next.1) { out.append(reading) }
        }
        return out
    }

    /// Whether this upload is sent twice (the duplicates artefact), drawn from its own stream so
    /// that it does not change the values.
    public mutating func sendsTwice(atSeconds seconds: Double) -> Bool {
        guard let artefact = artefacts.active(.duplicates, atHour: seconds / 3600) else { return false }
        return uploads.unit() < (artefact.probability ?? 0.1)
    }

    /// Whether the device sends anything at `seconds`: not while silent or after its battery died.
    public func isSending(atSeconds seconds: Double) -> Bool {
        let hour = seconds / 3600
        if artefacts.active(.silent, atHour: hour) != nil { return false }
        if let dead = artefacts.first(where: { $0.kind == .batteryDead }), hour >= dead.atHour { return false }
        return true
    }

    private mutating func measure(_ vital: Vital, at seconds: Double) -> SimulatedReading? {
        let hour = seconds / 3600
        // Drawn whether or not the reading is sent, so that later values do not depend on gaps.
        let innovation = values.normal()
        let noise = vital.noise * noiseScale
        let previous = deviation[vital] ?? innovation * noise
        let carried = vital.persistence
        let current = carried * previous + (1 - carried * carried).squareRoot() * noise * innovation
        deviation[vital] = current
        guard isSending(atSeconds: seconds) else { return nil }
        if [.spo2, .heartRate].contains(vital), artefacts.active(.probeOff, atHour: hour) != nil, kind != .smartwatch { return nil }
        var value = patient.mean(vital, hour: hour, hourOfDay: clock.hourOfDay(seconds)) + current
        switch vital {
        case .steps:
            // Steps so far today: none at night, spread over 07:00–22:00.
            let day = clock.hourOfDay(seconds)
            value = (patient.baseline[.steps] ?? 0) * min(max((day - 7) / 15, 0), 1)
        case .sleep:
            value += values.normal() * 0.6
        default: break
        }
        if artefacts.active(.motion, atHour: hour) != nil {
            if vital == .heartRate { value += 25 + abs(values.normal()) * 10 }
            if vital == .spo2 { value -= 3 + abs(values.normal()) * 3 }
        }
        let limits = vital.limits
        value = min(max(value, limits.lowerBound), limits.upperBound)
        return reading(code: vital.code, value: rounded(value, decimals: vital.decimals), unit: vital.unit, at: seconds)
    }

    private mutating func batteryReading(at seconds: Double) -> SimulatedReading? {
        guard isSending(atSeconds: seconds) else { return nil }
        let hour = seconds / 3600
        var level = initialBattery - kind.drainPerHour * hour
        if let dead = artefacts.first(where: { $0.kind == .batteryDead }), dead.atHour > 0 {
            level = min(level, initialBattery * (1 - hour / dead.atHour))
        }
        return reading(code: "battery-level", value: rounded(max(level, 0), decimals: 0), unit: "%", at: seconds)
    }

    private mutating func reading(code: String, value: Double, unit: String, at seconds: Double) -> SimulatedReading {
        seq += 1
        var time = clock.realMilliseconds(seconds)
        if let drift = artefacts.active(.clockDrift, atHour: seconds / 3600) {
            time += Int64(((seconds / 3600 - drift.atHour) * (drift.secondsPerHour ?? 0) * 1000).rounded())
        }
        return SimulatedReading(seq: seq, time: time, code: code, value: value, unit: unit)
    }

    private func rounded(_ value: Double, decimals: Int) -> Double {
        let scale = pow(10, Double(decimals))
        return (value * scale).rounded() / scale
    }
}
