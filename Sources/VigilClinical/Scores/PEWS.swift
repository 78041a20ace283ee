public import VigilCore

/// The Bedside Paediatric Early Warning System score for patients under 16 (Parshuram et al.,
/// Crit Care 2009;13:R135): seven items, each scored 0, 1, 2 or 4 (SpO2 0–2), total 0–26.
///
/// Heart rate, systolic blood pressure and respiratory rate against age bands (Table 1, read
/// verbatim); capillary refill (≥ 3 s: 4), respiratory effort (mild 1, moderate 2, severe or any
/// apnoea 4), SpO2 (91–94 %: 1, ≤ 90 %: 2) and oxygen therapy (under 4 L/min or 50 %: 2, more: 4).
/// The last four come from entries or devices; one not recorded is scored as normal and the
/// result says so (``Result/assumed``). Age bands are lower-inclusive, upper-exclusive:
/// [0, 3 months), [3, 12 months), [1, 4 years), [4, 12 years), [12, 16 years).
public enum PEWS {
    /// Work of breathing as a nurse records it.
    public enum RespiratoryEffort: String, Sendable, Codable, CaseIterable {
        case normal, mild, moderate, severe

        /// Phrasings, as ``ACVPU/normalized(_:)`` leaves them.
        static let phrases: [String: RespiratoryEffort] = [
            "normal": .normal, "none": .normal, "no increase": .normal, "mild": .mild, "mild increase": .mild, "moderate": .moderate,
            "moderate increase": .moderate, "severe": .severe, "severe increase": .severe, "apnoea": .severe, "apnea": .severe,
            "any apnoea": .severe, "any apnea": .severe, "severe increase or any apnoea": .severe,
        ]

        public static let acceptedDescription = phrases.keys.sorted().joined(separator: ", ")

        public init?(recorded text: String) {
            guard let effort = Self.phrases[ACVPU.normalized(text)] else { return nil }
            self = effort
        }
    }

    /// Supplemental oxygen as recorded: a flow (L/min) or an inspired fraction (%).
    public struct OxygenTherapy: Sendable, Equatable {
        public var litresPerMinute: Double?
        public var percent: Double?

        public init(litresPerMinute: Double? = nil, percent: Double? = nil) {
            self.litresPerMinute = litresPerMinute
            self.percent = percent
        }
    }

    public struct Inputs: Sendable, Equatable {
        public var ageInMonths: Int
        public var heartRate: Double
        public var systolicBP: Double
        public var respiratoryRate: Double
        /// Nil when not recorded (scored as under 3 s).
        public var capillaryRefillSeconds: Double?
        public var respiratoryEffort: RespiratoryEffort?
        public var spo2: Double?
        /// Nil when not recorded (scored as room air).
        public var oxygen: OxygenTherapy?

        public init(
            ageInMonths: Int, heartRate: Double, systolicBP: Double, respiratoryRate: Double, capillaryRefillSeconds: Double? = nil,
            respiratoryEffort: RespiratoryEffort? = nil, spo2: Double? = nil, oxygen: OxygenTherapy? = nil
        ) {
            self.ageInMonths = ageInMonths
            self.heartRate = heartRate
            self.systolicBP = systolicBP
            self.respiratoryRate = respiratoryRate
            self.capillaryRefillSeconds = capillaryRefillSeconds
            self.respiratoryEffort = respiratoryEffort
            self.spo2 = spo2
            self.oxygen = oxygen
        }
    }

    /// The seven items, in the order of the score sheet.
    public enum Item: String, Sendable, CaseIterable {
        case heartRate, systolicBP, capillaryRefill, respiratoryRate, respiratoryEffort, spo2, oxygenTherapy
    }

    public struct Result: Sendable, Equatable {
        public var points: [Item: Int]
        /// What was scored as normal because it was not recorded.
        public var assumed: [String]
        public var total: Int { points.values.reduce(0, +) }
        /// The highest single item.
        public var highestItem: Int { points.values.max() ?? 0 }
        public var isPartial: Bool { !assumed.isEmpty }
    }

    /// The score, or nil when the age is outside the policy's bands (16 or older).
    public static func score(_ inputs: Inputs, policy: PEWSPolicy) -> Result? {
        guard let band = policy.bands.first(where: { inputs.ageInMonths < $0.belowAgeInMonths }) else { return nil }
        var points: [Item: Int] = [
            .heartRate: band.heartRate.points(for: inputs.heartRate),
            .systolicBP: band.systolicBP.points(for: inputs.systolicBP),
            .respiratoryRate: band.respiratoryRate.points(for: inputs.respiratoryRate),
        ]
        var assumed: [String] = []
        if let refill = inputs.capillaryRefillSeconds {
            points[.capillaryRefill] = refill >= policy.capillaryRefillProlongedAtLeast ? policy.capillaryRefillProlongedPoints : 0
        } else {
            points[.capillaryRefill] = 0
            assumed.append("capillary refill under \(Int(policy.capillaryRefillProlongedAtLeast)) s")
        }
        if let effort = inputs.respiratoryEffort {
            points[.respiratoryEffort] = policy.respiratoryEffortPoints[effort] ?? 0
        } else {
            points[.respiratoryEffort] = 0
            assumed.append("respiratory effort normal")
        }
        if let spo2 = inputs.spo2 {
            points[.spo2] = policy.spo2.points(for: spo2)
        } else {
            points[.spo2] = 0
            assumed.append("SpO2 normal")
        }
        if let oxygen = inputs.oxygen {
            let flow = oxygen.litresPerMinute ?? 0, percent = oxygen.percent ?? 21
            if flow >= policy.highOxygenLitresPerMinute || percent >= policy.highOxygenPercent {
                points[.oxygenTherapy] = policy.highOxygenPoints
            } else if flow > 0 || percent > 21 {
                points[.oxygenTherapy] = policy.anyOxygenPoints
            } else {
                points[.oxygenTherapy] = 0
            }
        } else {
            points[.oxygenTherapy] = 0
            assumed.append("room air")
        }
        return Result(points: points, assumed: assumed)
    }

    /// The alert priority of a result, or nil for none; with `margin`, of a total that many points higher.
    public static func priority(_ result: Result, policy: PEWSPolicy, margin: Int = 0) -> Priority? {
        if result.total + margin >= policy.highAt { return .high }
        if result.total + margin >= policy.mediumAt || result.highestItem >= policy.mediumItem { return .medium }
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
    /// Capillary refill of this many seconds or more scores ``capillaryRefillProlongedPoints``.
    public var capillaryRefillProlongedAtLeast: Double
    public var capillaryRefillProlongedPoints: Int
    public var respiratoryEffortPoints: [PEWS.RespiratoryEffort: Int]
    /// Transcutaneous SpO2 (%).
    public var spo2: BandTable
    /// Any supplemental oxygen scores this; at least ``highOxygenLitresPerMinute`` or
    /// ``highOxygenPercent``, ``highOxygenPoints``.
    public var anyOxygenPoints: Int
    public var highOxygenLitresPerMinute: Double
    public var highOxygenPercent: Double
    public var highOxygenPoints: Int
    /// Total for a high-priority alert (the published cut-off: sensitivity 82 %, specificity 93 %).
    public var highAt: Int
    /// Total for a medium-priority alert.
    public var mediumAt: Int
    /// A single item scoring this much raises a medium-priority alert.
    public var mediumItem: Int

    /// Bedside PEWS with Vigil's default alert thresholds (8 high, 5 or an item of 4 medium).
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
        capillaryRefillProlongedAtLeast: 3, capillaryRefillProlongedPoints: 4,
        respiratoryEffortPoints: [.normal: 0, .mild: 1, .moderate: 2, .severe: 4],
        spo2: BandTable([(90, 2), (94, 1)], above: 0),
        anyOxygenPoints: 2, highOxygenLitresPerMinute: 4, highOxygenPercent: 50, highOxygenPoints: 4,
        highAt: 8,
        mediumAt: 5,
        mediumItem: 4
    )
}
extension PEWS.RespiratoryEffort: CodingKeyRepresentable {}
