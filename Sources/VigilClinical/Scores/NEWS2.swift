public import VigilCore

/// The National Early Warning Score 2 (Royal College of Physicians, 2017), for adults.
///
/// Seven parameters, each scored by a ``BandTable`` of the policy; air or oxygen is its own
/// parameter (+2 on oxygen, on both scales); on SpO2 scale 2, values of 93 % or more score 0 on
/// air but 1–3 on oxygen. The response band is HIGH at 7 or more, MEDIUM at 5–6, LOW-MEDIUM when a
/// single parameter scores 3, otherwise LOW.
public enum NEWS2 {
    /// Which SpO2 scale a patient is scored on. Scale 2 is for a clinician-prescribed target of
    /// 88–92 % (hypercapnic respiratory failure); scale 1 is the default.
    public enum Scale: Int, Sendable, Codable { case one = 1, two = 2 }

    public struct Inputs: Sendable, Equatable {
        public var respirationRate: Double
        public var spo2: Double
        /// Nil when not recorded: scored as air, and the result is partial.
        public var onOxygen: Bool?
        public var systolicBP: Double
        public var pulse: Double
        /// Nil when not recorded: scored as alert, and the result is partial.
        public var consciousness: ACVPU?
        public var temperature: Double
        public var scale: Scale

        public init(
            respirationRate: Double, spo2: Double, onOxygen: Bool?, systolicBP: Double, pulse: Double, consciousness: ACVPU?,
            temperature: Double, scale: Scale = .one
        ) {
            self.respirationRate = respirationRate
            self.spo2 = spo2
            self.onOxygen = onOxygen
            self.systolicBP = systolicBP
            self.pulse = pulse
            self.consciousness = consciousness
            self.temperature = temperature
            self.scale = scale
        }
    }

    public enum Band: String, Sendable, Codable, Comparable {
        case low0 = "low-0", low, lowMedium = "low-medium", medium, high

        private var rank: Int {
            switch self {
            case .low0: 0
            case .low: 1
            case .lowMedium: 2
            case .medium: 3
            case .high: 4
            }
        }
        public static func < (a: Band, b: Band) -> Bool { a.rank < b.rank }
    }

    /// The seven parameters, in the order of the chart.
    public enum Parameter: String, Sendable, CaseIterable, Codable {
        case respirationRate, spo2, airOrOxygen, systolicBP, pulse, consciousness, temperature
    }

    public struct Result: Sendable, Equatable {
        public var points: [Parameter: Int]
        public var total: Int
        public var band: Band
        /// What was assumed because it was not recorded: consciousness alert, breathing air.
        public var assumed: [String]
        public var scale: Scale

        public var isPartial: Bool { !assumed.isEmpty }
    }

    public static func score(_ inputs: Inputs, policy: NEWS2Policy) -> Result {
        let onOxygen = inputs.onOxygen ?? false
        let spo2Table: BandTable =
            switch inputs.scale {
            case .one: policy.spo2Scale1
            case .two: onOxygen ? policy.spo2Scale2OnOxygen : policy.spo2Scale2OnAir
            }
        let points: [Parameter: Int] = [
            .respirationRate: policy.respirationRate.points(for: inputs.respirationRate),
            .spo2: spo2Table.points(for: inputs.spo2),
            .airOrOxygen: onOxygen ? policy.oxygenPoints : 0,
            .systolicBP: policy.systolicBP.points(for: inputs.systolicBP),
            .pulse: policy.pulse.points(for: inputs.pulse),
            .consciousness: (inputs.consciousness ?? .alert).isAlert ? 0 : policy.notAlertPoints,
            .temperature: policy.temperature.points(for: inputs.temperature),
        ]
        let total = points.values.reduce(0, +)
        var assumed: [String] = []
        if inputs.consciousness == nil { assumed.append("consciousness alert") }
        if inputs.onOxygen == nil { assumed.append("breathing air") }
        return Result(points: points, total: total, band: band(total: total, points: points, policy: policy), assumed: assumed, scale: inputs.scale)
    }

    static func band(total: Int, points: [Parameter: Int], policy: NEWS2Policy) -> Band {
        if total >= policy.highAt { return .high }
        if total >= policy.mediumAt { return .medium }
        if points.values.contains(where: { $0 >= policy.redScore }) { return .lowMedium }
        return total == 0 ? .low0 : .low
    }
}

/// NEWS2's tables and trigger thresholds, as data.
public struct NEWS2Policy: Sendable, Codable, Equatable {
    public var respirationRate: BandTable
    public var spo2Scale1: BandTable
    public var spo2Scale2OnAir: BandTable
    public var spo2Scale2OnOxygen: BandTable
    public var oxygenPoints: Int
    public var systolicBP: BandTable
    public var pulse: BandTable
    public var notAlertPoints: Int
    public var temperature: BandTable
    public var highAt: Int
    public var mediumAt: Int
    /// A single parameter scoring this much makes the band LOW-MEDIUM (a "red score").
    public var redScore: Int
    /// The alert priority of each band that raises one (bands not listed raise none).
    public var alertPriority: [String: Priority]

    /// The Royal College of Physicians' 2017 chart.
    public static let rcp2017 = NEWS2Policy(
        respirationRate: BandTable([(8, 3), (11, 1), (20, 0), (24, 2)], above: 3),
        spo2Scale1: BandTable([(91, 3), (93, 2), (95, 1)], above: 0),
        spo2Scale2OnAir: BandTable([(83, 3), (85, 2), (87, 1)], above: 0),
        spo2Scale2OnOxygen: BandTable([(83, 3), (85, 2), (87, 1), (92, 0), (94, 1), (96, 2)], above: 3),
        oxygenPoints: 2,
        systolicBP: BandTable([(90, 3), (100, 2), (110, 1), (219, 0)], above: 3),
        pulse: BandTable([(40, 3), (50, 1), (90, 0), (110, 1), (130, 2)], above: 3),
        notAlertPoints: 3,
        temperature: BandTable([(35.0, 3), (36.0, 1), (38.0, 0), (39.0, 1)], above: 2, decimals: 1),
        highAt: 7,
        mediumAt: 5,
        redScore: 3,
        alertPriority: [NEWS2.Band.high.rawValue: .high, NEWS2.Band.medium.rawValue: .medium, NEWS2.Band.lowMedium.rawValue: .medium]
    )
}
