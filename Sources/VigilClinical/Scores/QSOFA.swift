public import VigilCore

/// qSOFA (Sepsis-3, Singer et al., JAMA 2016): one point each for respiratory rate ≥ 22/min,
/// altered mentation, systolic BP ≤ 100 mmHg; positive at 2 or more. Validated in adults only;
/// it has no heart-rate item.
public enum QSOFA {
    public struct Result: Sendable, Equatable {
        public var respiratoryRate: Int
        public var mentation: Int
        public var systolicBP: Int
        public var total: Int { respiratoryRate + mentation + systolicBP }
        /// Consciousness was not recorded and was taken as alert.
        public var assumedAlert: Bool
    }

    public static func score(respiratoryRate: Double, systolicBP: Double, consciousness: ACVPU?, policy: QSOFAPolicy) -> Result {
        Result(
            respiratoryRate: Rounding.round(respiratoryRate, decimals: 0) >= policy.respiratoryRateAtLeast ? 1 : 0,
            mentation: (consciousness ?? .alert).isAlert ? 0 : 1,
            systolicBP: Rounding.round(systolicBP, decimals: 0) <= policy.systolicBPAtMost ? 1 : 0,
            assumedAlert: consciousness == nil
        )
    }
}

public struct QSOFAPolicy: Sendable, Codable, Equatable {
    public var respiratoryRateAtLeast: Double
    public var systolicBPAtMost: Double
    public var positiveAt: Int
    public var priority: Priority
    /// Patients this old or older are scored (months).
    public var fromAgeInMonths: Int

    /// Sepsis-3 (the operators are inclusive), adults of 18 and over.
    public static let sepsis3 = QSOFAPolicy(respiratoryRateAtLeast: 22, systolicBPAtMost: 100, positiveAt: 2, priority: .medium, fromAgeInMonths: 216)
}
