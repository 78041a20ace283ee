import Foundation

/// A simulated body: the mean of each vital sign at a moment of physiological time, from the
/// person's baseline, the 24-hour rhythm and the scenario's course. What a device reads around
/// that mean (noise, artefacts) belongs to the device.
public struct PatientModel: Sendable, Equatable {
    /// How a story is told over and over (`vigil demo`): it begins `fromHour` into the course;
    /// once told, the body recovers over ``recoveryHours``, stays at its baseline as long, and
    /// the story begins again from hour 0.
    public struct Replay: Sendable, Equatable {
        public static let recoveryHours = 1.0
        public var fromHour: Double

        /// How far the course has moved the mean at `hour` of the replay.
        func change(of vital: Vital, in course: Course, atHour hour: Double) -> Double {
            let told = course.hours, recovery = Self.recoveryHours
            let story = (hour + fromHour).truncatingRemainder(dividingBy: told + 2 * recovery)
            guard story > told else { return course.change(of: vital, atHour: story) }
            return course.change(of: vital, atHour: told) * max(0, 1 - (story - told) / recovery)
        }
    }

    public var baseline: [Vital: Double]
    public var course: Course
    /// Set: the course is told over and over.
    public var replay: Replay?

    public init(baseline: [Vital: Double], course: Course) {
        self.baseline = baseline
        self.course = course
    }

    /// This body with its course told over and over, beginning `fromHour` in.
    public func replaying(fromHour: Double) -> PatientModel {
        var body = self
        body.replay = Replay(fromHour: fromHour)
        return body
    }

    /// The mean of `vital` `hour` hours of physiological time after the start, at `hourOfDay`
    /// (0–24) of the body's clock.
    public func mean(_ vital: Vital, hour: Double, hourOfDay: Double) -> Double {
        let base = baseline[vital] ?? 0
        // Lowest around 04:00; temperature highest around 18:00.
        let phase = vital == .temperature ? hourOfDay - 18 : hourOfDay - 16
        let rhythm = vital.circadianAmplitude * cos(2 * .pi * phase / 24)
        let change = replay?.change(of: vital, in: course, atHour: hour) ?? course.change(of: vital, atHour: hour)
        return base + rhythm + change
    }
}
