public import VigilCore

/// A paediatric early-warning score for patients under 16: the vital-sign items of the Bedside
/// Paediatric Early Warning System (Parshuram et al., Crit Care 2009;13:R135, Table 1): heart rate,
/// systolic blood pressure and respiratory rate, each scored 0, 1, 2 or 4 against age-banded
/// thresholds.
///
/// The other Bedside PEWS items (capillary refill, respiratory effort, SpO2, oxygen therapy) are not
/// scored: the reference could not confirm their columns, and devices do not report most of them.
/// The total is therefore 0–12; the published alarm cut-off of 8 applies to it unchanged.
/// Age bands are lower-inclusive, upper-exclusive: [0, 3 months), [3, 12 months), [1, 4 years),
/// [4, 12 years), [12, 16 years).
public enum PEWS {
    public struct Inputs: Sendable, Equatable {
        public var ageInMonths: Int
        public var heartRate: Double
        public var systolicBP: Double
        public var respiratoryRate: Double

        public init(ageInMonths: Int, heartRate: Double, systolicBP: Double, respiratoryRate: Double) {
            self.ageInMonths = ageInMonths
            self.heartRate = heartRate
            self.systolicBP = systolicBP
            self.respiratoryRate = respiratoryRate
        }
    }

    public struct Result: Sendable, Equatable {
        public var heartRate: Int
        public var systolicBP: Int
        public var respiratoryRate: Int
        public var total: Int { heartRate + systolicBP + respiratoryRate }
        /// The highest single item.
        public var highestItem: Int { max(heartRate, systolicBP, respiratoryRate) }
    }

    /// The score, or nil when the age is outside the policy's bands (16 or older).
    public static func score(_ inputs: Inputs, policy: PEWSPolicy) -> Result? {
        guard let band = policy.bands.first(where: { inputs.ageInMonths < $0.belowAgeInMonths }) else { return nil }
        return Result(
            heartRate: band.heartRate.points(for: inputs.heartRate),
            systolicBP: band.systolicBP.points(for: inputs.systolicBP),
            respiratoryRate: band.respiratoryRate.points(for: inputs.respiratoryRate)
        )
    }

    /// The alert priority of a result, or nil for none.
    public static func priority(_ result: Result, policy: PEWSPolicy) -> Priority? {
        if result.total >= policy.highAt { return .high }
        if result.total >= policy.mediumAt || result.highestItem >= policy.mediumItem { return .medium }
        return nil
    }
}

/// PEWS tables by age and its alert thresholds, as data.
public struct PEWSPolicy: Sendable, Codable, Equatable {
    public struct AgeBand: Sendable, Codable, Equatable {
        /// The band covers ages below this (and at or above the previous band's).
        public var belowAgeInMonths: Int
        public var heartRate: BandTable
        public var systolicBP: BandTable
        public var respiratoryRate: BandTable
    }

    public var bands: [AgeBand]
    /// Total for a high-priority alert (the published cut-off: sensitivity 82 %, specificity 93 %).
    public var highAt: Int
    /// Total for a medium-priority alert.
    public var mediumAt: Int
    /// A single item scoring this much raises a medium-priority alert.
    public var mediumItem: Int

    /// Bedside PEWS, vital-sign rows, with Vigil's default alert thresholds (8 high, 5 or an item of 4 medium).
    public static let bedside2009 = PEWSPolicy(
        bands: [
            AgeBand(
                belowAgeInMonths: 3,
                heartRate: BandTable([(80, 4), (90, 2), (110, 1), (149, 0), (179, 1), (189, 2)], above: 4),
                systolicBP: BandTable([(45, 4), (50, 2), (60, 1), (79, 0), (99, 1), (129, 2)], above: 4),
                respiratoryRate: BandTable([(15, 4), (19, 2), (29, 1), (60, 0), (80, 1), (90, 2)], above: 4)
            ),
            AgeBand(
                belowAgeInMonths: 12,
                heartRate: BandTable([(70, 4), (80, 2), (100, 1), (149, 0), (169, 1), (179, 2)], above: 4),
                systolicBP: BandTable([(60, 4), (70, 2), (80, 1), (99, 0), (119, 1), (149, 2)], above: 4),
                respiratoryRate: BandTable([(15, 4), (19, 2), (24, 1), (50, 0), (70, 1), (80, 2)], above: 4)
            ),
            AgeBand(
                belowAgeInMonths: 48,
                heartRate: BandTable([(60, 4), (70, 2), (90, 1), (119, 0), (149, 1), (169, 2)], above: 4),
                systolicBP: BandTable([(65, 4), (75, 2), (90, 1), (109, 0), (124, 1), (159, 2)], above: 4),
                respiratoryRate: BandTable([(12, 4), (15, 2), (19, 1), (40, 0), (60, 1), (70, 2)], above: 4)
            ),
            AgeBand(
                belowAgeInMonths: 144,
                heartRate: BandTable([(50, 4), (60, 2), (70, 1), (109, 0), (129, 1), (150, 2)], above: 4),
                systolicBP: BandTable([(70, 4), (80, 2), (90, 1), (119, 0), (139, 1), (169, 2)], above: 4),
                respiratoryRate: BandTable([(10, 4), (14, 2), (19, 1), (30, 0), (40, 1), (50, 2)], above: 4)
            ),
            AgeBand(
                belowAgeInMonths: 192,
                heartRate: BandTable([(40, 4), (49, 2), (60, 1), (99, 0), (119, 1), (139, 2)], above: 4),
                systolicBP: BandTable([(75, 4), (85, 2), (100, 1), (129, 0), (149, 1), (189, 2)], above: 4),
                respiratoryRate: BandTable([(9, 4), (10, 2), (11, 1), (16, 0), (22, 1), (29, 2)], above: 4)
            ),
        ],
        highAt: 8,
        mediumAt: 5,
        mediumItem: 4
    )
}
