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
        samples.count >= 2 ? Line(samples)?.slope : nil
    }

    /// The least-squares line through samples, x in minutes since the first: nil when they are all
    /// at one time.
    private struct Line {
        var xs: [Double], ys: [Double]
        var mx: Double, my: Double, sxx: Double, slope: Double

        init?(_ samples: [Sample]) {
            guard let t0 = samples.first?.time else { return nil }
            xs = samples.map { Double($0.time - t0) / 60_000 }
            ys = samples.map(\.mgdl)
            let n = Double(samples.count)
            mx = xs.reduce(0, +) / n
            my = ys.reduce(0, +) / n
            sxx = xs.reduce(0) { [mx] in $0 + ($1 - mx) * ($1 - mx) }
            guard sxx > 0 else { return nil }
            slope = zip(xs, ys).reduce(0) { [mx, my] in $0 + ($1.0 - mx) * ($1.1 - my) } / sxx
        }

        func value(at x: Double) -> Double { my + slope * (x - mx) }
    }

    /// A least-squares line through glucose samples, extended ahead, with its uncertainty.
    public struct Forecast: Sendable, Equatable {
        /// The line's value at the newest sample (mg/dL).
        public var current: Double
        /// mg/dL per minute.
        public var slope: Double
        /// The line's value the forecast's minutes after the newest sample.
        public var value: Double
        /// The standard error of `value` (mg/dL): the scatter about the line (at least the noise
        /// floor) carried through the fit, larger the further ahead and the fewer the samples.
        public var standardError: Double

        /// Minutes until the line reaches `level` from above, or nil when it is not falling towards it.
        public func minutes(until level: Double) -> Double? {
            guard slope < 0, current > level else { return nil }
            return (current - level) / -slope
        }
    }

    /// Vigil's documented predictor for "low soon": the least-squares line through `samples`
    /// (at least three, over more than one moment), `minutes` past the newest, with the standard
    /// error of a regression prediction, s·√(1/n + (x − x̄)²/Sxx), s being the residual standard
    /// deviation or `noiseFloor`, whichever is larger.
    public static func forecast(_ samples: [Sample], minutes: Double, noiseFloor: Double) -> Forecast? {
        guard samples.count >= 3, let line = Line(samples), let lastX = line.xs.last else { return nil }
        let n = Double(samples.count)
        let residuals = zip(line.xs, line.ys).reduce(0) { sum, point in
            let r = point.1 - line.value(at: point.0)
            return sum + r * r
        }
        let s = max((residuals / (n - 2)).squareRoot(), noiseFloor)
        let ahead = lastX + minutes - line.mx
        return Forecast(
            current: line.value(at: lastX), slope: line.slope, value: line.value(at: lastX + minutes),
            standardError: s * (1 / n + ahead * ahead / line.sxx).squareRoot())
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
    /// Predicted low: the forecast (``Glucose/forecast(_:minutes:noiseFloor:)``) of at least
    /// `minimumSamples` readings of the last `forecastWindowMinutes`, `predictionMinutes` ahead,
    /// is below `predictedBelow` even at its upper bound (`forecastConfidence` standard errors up).
    public var predictedBelow: Double
    public var predictionMinutes: Double
    public var forecastWindowMinutes: Double
    public var minimumSamples: Int
    public var forecastConfidence: Double
    /// The scatter assumed at least (mg/dL), so that a few readings on a line are not trusted too far.
    public var forecastNoiseFloor: Double
    /// Trend arrows and falling fast: the least-squares slope of the last `windowMinutes`.
    public var windowMinutes: Double
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

    /// ADA levels (2018 onwards), TAR level 2 as high; a level-1 low predicted 50 minutes ahead from
    /// the last 25 minutes (upper bound 1.9 standard errors up, scatter at least 8 mg/dL): Gaussian
    /// noise of SD 8 around 110 gives about one false prediction in four patient-weeks, and steady
    /// falls of 2 and 3 mg/dL/min are predicted 25–30 minutes before 70 (docs/clinical.md).
    public static let standard = GlucosePolicy(
        codes: ["2339-0", "2345-7", "99504-3", "15074-8", "14749-6", "105272-9"],
        cgmCodes: ["99504-3", "105272-9"],
        level1Below: 70, level2Below: 54, highAbove: 250, clearMargin: 5,
        predictedBelow: 70, predictionMinutes: 50, forecastWindowMinutes: 25, minimumSamples: 4, forecastConfidence: 1.9, forecastNoiseFloor: 8,
        windowMinutes: 15,
        fallingFastAtOrBelow: -3, staleAfterSeconds: 20 * 60,
        level1Priority: .medium, level2Priority: .high, highPriority: .medium,
        predictedLowPriority: .medium, fallingFastPriority: .low, stalePriority: .medium
    )
}
