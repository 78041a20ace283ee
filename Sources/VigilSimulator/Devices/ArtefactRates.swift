import Foundation

/// How often things go wrong with devices, for simulating many patient-days: each kind of
/// artefact happens at random (a Poisson process) at its rate, for its duration.
///
/// The standard rates are those of a ward's continuous monitoring (`vigil bench alarms`): a probe
/// off a finger six times a day for two minutes, the patient moving eight times a day for two
/// minutes, a device silent (readings dropped) once a day for ten minutes, one upload in twenty
/// sent twice, and measurement noise at its usual size.
public struct ArtefactRates: Sendable, Equatable {
    public var probeOffPerDay: Double
    public var probeOffMinutes: Double
    public var motionPerDay: Double
    public var motionMinutes: Double
    public var silentPerDay: Double
    public var silentMinutes: Double
    /// Share of uploads sent twice.
    public var duplicateShare: Double
    /// Measurement noise, as a multiple of each vital sign's usual variation.
    public var noiseScale: Double

    public init(
        probeOffPerDay: Double, probeOffMinutes: Double, motionPerDay: Double, motionMinutes: Double, silentPerDay: Double,
        silentMinutes: Double, duplicateShare: Double, noiseScale: Double
    ) {
        self.probeOffPerDay = probeOffPerDay
        self.probeOffMinutes = probeOffMinutes
        self.motionPerDay = motionPerDay
        self.motionMinutes = motionMinutes
        self.silentPerDay = silentPerDay
        self.silentMinutes = silentMinutes
        self.duplicateShare = duplicateShare
        self.noiseScale = noiseScale
    }

    public static let standard = ArtefactRates(
        probeOffPerDay: 6, probeOffMinutes: 2, motionPerDay: 8, motionMinutes: 2, silentPerDay: 1, silentMinutes: 10, duplicateShare: 0.05,
        noiseScale: 1)

    /// No artefacts and the usual noise.
    public static let none = ArtefactRates(
        probeOffPerDay: 0, probeOffMinutes: 0, motionPerDay: 0, motionMinutes: 0, silentPerDay: 0, silentMinutes: 0, duplicateShare: 0, noiseScale: 1)

    /// The artefacts of one device over `hours`, drawn from `generator`.
    public func schedule(hours: Double, generator: inout SeededGenerator) -> [Artefact] {
        var artefacts: [Artefact] = []
        for (kind, perDay, minutes) in [
            (Artefact.Kind.probeOff, probeOffPerDay, probeOffMinutes), (.motion, motionPerDay, motionMinutes), (.silent, silentPerDay, silentMinutes),
        ]
        where perDay > 0 {
            var hour = 0.0
            while true {
                // Exponential gaps between events.
                hour += -log(max(generator.unit(), 1e-12)) * 24 / perDay
                guard hour < hours else { break }
                artefacts.append(Artefact(kind: kind, atHour: hour, minutes: minutes))
            }
        }
        if duplicateShare > 0 { artefacts.append(Artefact(kind: .duplicates, atHour: 0, probability: duplicateShare)) }
        return artefacts.sorted { $0.atHour < $1.atHour }
    }
}
