import Foundation

/// A simulated body: the mean of each vital sign at a moment of physiological time, from the
/// person's baseline, the 24-hour rhythm and the scenario's course. What a device reads around
/// that mean (noise, artefacts) belongs to the device.
public struct PatientModel: Sendable, Equatable {
    public var baseline: [Vital: Double]
    public var course: Course

    public init(baseline: [Vital: Double], course: Course) {
        self.baseline = baseline
        self.course = course
    }

    /// The mean of `vital` `hour` hours of physiological time after the start, at `hourOfDay`
    /// (0–24) of the body's clock.
    public func mean(_ vital: Vital, hour: Double, hourOfDay: Double) -> Double {
        let base = baseline[vital] ?? 0
        // Lowest around 04:00; temperature highest around 18:00.
        let phase = vital == .temperature ? hourOfDay - 18 : hourOfDay - 16
        let rhythm = vital.circadianAmplitude * cos(2 * .pi * phase / 24)
        return base + rhythm + course.change(of: vital, atHour: hour)
    }
}
