public import VigilCore

/// Peak expiratory flow zones against the patient's personal best (NAEPP/NHLBI action plan).
public enum PeakFlow {
    public enum Zone: String, Sendable, Codable { case green, yellow, red }

    /// The zone of `flow` for a personal best of `best` (both L/min).
    public static func zone(flow: Double, best: Double, policy: AsthmaPolicy) -> Zone {
        let ratio = flow / best
        if ratio >= policy.greenAtLeast { return .green }
        if ratio >= policy.yellowAtLeast { return .yellow }
        return .red
    }
}

/// Asthma thresholds, as data. They apply to patients whose care plan gives a personal best.
public struct AsthmaPolicy: Sendable, Codable, Equatable {
    public var peakFlowCode: String
    /// Share of personal best at or above which the zone is green.
    public var greenAtLeast: Double
    /// Share of personal best at or above which the zone is yellow (below: red).
    public var yellowAtLeast: Double
    public var yellowPriority: Priority
    public var redPriority: Priority
    /// SpO2 below this is a red flag (BTS/SIGN: < 92 %).
    public var spo2Below: Double
    /// Respiratory-rate red flags by age: above `above` for ages below `belowAgeInMonths`.
    public struct RateFlag: Sendable, Codable, Equatable {
        public var belowAgeInMonths: Int
        public var above: Double
    }
    public var respiratoryRateFlags: [RateFlag]
    public var redFlagPriority: Priority
    /// A raised red flag clears only this far inside the limit (SpO2 points above `spo2Below`,
    /// breaths per minute below the rate limit), so that a value hovering at the limit does not
    /// raise a storm. Absent in a policy file: 2.
    public var redFlagClearMargin: Double?

    var clearMargin: Double { redFlagClearMargin ?? 2 }

    /// NAEPP zones (80 % / 50 %), BTS/SIGN acute-severe flags: SpO2 < 92 %, RR > 40 (1–5 y),
    /// > 30 (5–16 y), ≥ 25 adults (as > 24).
    public static let standard = AsthmaPolicy(
        peakFlowCode: "19935-6", greenAtLeast: 0.80, yellowAtLeast: 0.50, yellowPriority: .medium, redPriority: .high,
        spo2Below: 92,
        respiratoryRateFlags: [
            RateFlag(belowAgeInMonths: 60, above: 40), RateFlag(belowAgeInMonths: 192, above: 30), RateFlag(belowAgeInMonths: 10_000, above: 24),
        ],
        redFlagPriority: .high,
        redFlagClearMargin: 2
    )
}

/// Fever, as data: a temperature at or above the limit (clinical definition, 38.0 °C).
public struct FeverPolicy: Sendable, Codable, Equatable {
    public var atLeastCelsius: Double
    /// The fever clears below this (hysteresis).
    public var clearBelowCelsius: Double
    public var priority: Priority

    public static let standard = FeverPolicy(atLeastCelsius: 38.0, clearBelowCelsius: 37.8, priority: .low)

    /// A temperature reading in °C, or nil when the unit is not a temperature unit.
    public static func celsius(_ value: Double, unit: String) -> Double? {
        switch unit {
        case "Cel": value
        case "[degF]": (value - 32) * 5 / 9
        default: nil
        }
    }
}
