import Foundation

/// Nightscout's AR2 glucose forecast (`lib/plugins/ar2.js`): an AR(2) model in log space around
/// 140 mg/dL, stepped every 5 minutes for 30 minutes. Kept beside the linear forecast Vigil alerts on, for comparison: AR2
/// damps a steady fall (120 → 105 mg/dL predicts 83 at +20 minutes).
public enum AR2 {
    public enum Level: String, Sendable, Equatable { case none, warn, urgent }

    public struct Forecast: Sendable, Equatable {
        /// Predicted values at +5 … +30 minutes.
        public var points: [Int]
        public var averageLoss: Double
        public var level: Level
    }

    /// The forecast from the mean 5 minutes ago and the current mean (mg/dL), or nil below 36.
    public static func forecast(previous: Double, current: Double) -> Forecast? {
        guard current >= 36, previous > 0 else { return nil }
        var prev = log(previous / 140), curr = log(current / 140)
        var points: [Int] = []
        for _ in 0..<6 {
            let next = -0.723 * prev + 1.716 * curr
            prev = curr
            curr = next
            points.append(min(400, max(36, Int((140 * exp(curr)).rounded()))))
        }
        let loss = points.map { pow(log10(Double($0) / 120), 2) / 5 }.reduce(0, +)
        let level: Level = loss > 0.10 ? .urgent : loss > 0.05 ? .warn : .none
        return Forecast(points: points, averageLoss: loss, level: level)
    }
}
