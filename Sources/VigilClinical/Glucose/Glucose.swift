public import VigilCore

/// Glucose values, levels and trend, in mg/dL.
public enum Glucose {
    /// mg/dL per mmol/L (Nightscout's constant).
    public static let mgdlPerMmol = 18.01559

    /// A glucose reading's value in mg/dL, or nil when the unit is not a glucose unit.
    public static func milligramsPerDeciliter(_ value: Double, unit: String) -> Double? {
        switch unit {
        case "mg/dL": value
        case "mmol/L": value * mgdlPerMmol
        default: nil
        }
    }

    /// Hypoglycaemia by the current ADA levels: level 2 below 54, level 1 below 70 (and 54 or more).
    public enum Level: Int, Sendable, Equatable { case none = 0, one = 1, two = 2 }

    public static func level(_ mgdl: Double, policy: GlucosePolicy) -> Level {
        if mgdl < policy.level2Below { return .two }
        if mgdl < policy.level1Below { return .one }
        return .none
    }

    /// Trend arrows as Nightscout shows them (xDrip's slope bands, mg/dL per minute).
    public enum Direction: String, Sendable, Codable {
        case doubleUp = "DoubleUp", singleUp = "SingleUp", fortyFiveUp = "FortyFiveUp", flat = "Flat"
        case fortyFiveDown = "FortyFiveDown", singleDown = "SingleDown", doubleDown = "DoubleDown"
        case notComputable = "NOT COMPUTABLE"

        /// The arrow of a slope in mg/dL per minute.
        public init(slope: Double) {
            switch slope {
            case ...(-3.5): self = .doubleDown
            case ...(-2): self = .singleDown
            case ...(-1): self = .fortyFiveDown
            case ...1: self = .flat
            case ...2: self = .fortyFiveUp
            case ...3.5: self = .singleUp
            case ...40: self = .doubleUp
            default: self = .notComputable
            }
        }

        public var arrow: String {
            switch self {
            case .doubleUp: "⇈"
            case .singleUp: "↑"
            case .fortyFiveUp: "↗"
            case .flat: "→"
            case .fortyFiveDown: "↘"
            case .singleDown: "↓"
            case .doubleDown: "⇊"
            case .notComputable: "?"
            }
        }
    }

    /// A glucose value at a time (milliseconds since the epoch).
    public struct Sample: Sendable, Equatable {
        public var time: Int64
        public var mgdl: Double

        public init(time: Int64, mgdl: Double) {
            self.time = time
            self.mgdl = mgdl
        }
    }

    /// The least-squares slope, in mg/dL per minute, of the samples (nil with fewer than two, or
    /// all at one time).
    public static func slope(_ samples: [Sample]) -> Double? {
        guard samples.count >= 2 else { return nil }
        let t0 = samples[0].time
        let xs = samples.map { Double($0.time - t0) / 60_000 }
        let ys = samples.map(\.mgdl)
        let n = Double(samples.count)
        let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        let sxx = zip(xs, xs).map { ($0 - mx) * ($1 - mx) }.reduce(0, +)
        guard sxx > 0 else { return nil }
        let sxy = zip(xs, ys).map { ($0 - mx) * ($1 - my) }.reduce(0, +)
        return sxy / sxx
    }

    /// Linear forecast: the value `minutes` after the newest sample, following the least-squares
    /// slope of the samples. Vigil's documented predictor for "low soon".
    public static func linearForecast(_ samples: [Sample], minutes: Double) -> Double? {
        guard let slope = slope(samples), let last = samples.last else { return nil }
        let t0 = samples[0].time
        let n = Double(samples.count)
        let mx = samples.map { Double($0.time - t0) / 60_000 }.reduce(0, +) / n
        let my = samples.map(\.mgdl).reduce(0, +) / n
        let lastX = Double(last.time - t0) / 60_000
        return my + slope * (lastX - mx) + slope * minutes
    }
}

/// Glucose thresholds, as data.
public struct GlucosePolicy: Sendable, Codable, Equatable {
    /// Codes of glucose readings (mg/dL or mmol/L).
    public var codes: [String]
    /// Codes of continuous glucose monitors (interstitial fluid), watched for staleness.
    public var cgmCodes: [String]
    public var level1Below: Double
    public var level2Below: Double
    public var highAbove: Double
    /// A low or high clears once the value is this far back inside (hysteresis).
    public var clearMargin: Double
    /// Predicted low: the linear forecast `predictionMinutes` ahead falls below `predictedBelow`,
    /// from at least `minimumSamples` readings of the last `windowMinutes`.
    public var predictedBelow: Double
    public var predictionMinutes: Double
    public var windowMinutes: Double
    public var minimumSamples: Int
    /// Falling fast: slope at or below this (mg/dL per minute).
    public var fallingFastAtOrBelow: Double
    /// A CGM with no reading for this long is stale (seconds).
    public var staleAfterSeconds: Int
    public var level1Priority: Priority
    public var level2Priority: Priority
    public var highPriority: Priority
    public var predictedLowPriority: Priority
    public var fallingFastPriority: Priority
    public var stalePriority: Priority

    /// ADA levels (2018 onwards), TAR level 2 as high, a 20-minute linear forecast of a level-1 low.
    public static let standard = GlucosePolicy(
        codes: ["2339-0", "2345-7", "99504-3", "15074-8", "14749-6", "105272-9"],
        cgmCodes: ["99504-3", "105272-9"],
        level1Below: 70, level2Below: 54, highAbove: 250, clearMargin: 5,
        predictedBelow: 70, predictionMinutes: 20, windowMinutes: 15, minimumSamples: 3,
        fallingFastAtOrBelow: -3, staleAfterSeconds: 20 * 60,
        level1Priority: .medium, level2Priority: .high, highPriority: .medium,
        predictedLowPriority: .medium, fallingFastPriority: .low, stalePriority: .medium
    )
}
