/// A person's resting values by age: the means their vital signs vary around before a scenario's
/// course and the 24-hour rhythm move them. Adult values from the NEWS2 zero-score bands; children's
/// from the middle of the Bedside PEWS age bands (docs/clinical.md).
public enum Baseline {
    /// The resting mean of each vital sign at `ageYears`.
    public static func forAge(_ ageYears: Double) -> [Vital: Double] {
        let (hr, rr, sbp, dbp): (Double, Double, Double, Double) =
            switch ageYears {
            case ..<1: (130, 40, 80, 50)
            case ..<4: (110, 28, 95, 58)
            case ..<12: (88, 20, 105, 65)
            case ..<16: (78, 16, 112, 68)
            case ..<70: (74, 15, 122, 78)
            default: (72, 16, 135, 80)
            }
        return [
            .heartRate: hr, .respiratoryRate: rr, .systolic: sbp, .diastolic: dbp,
            .spo2: ageYears >= 70 ? 96 : 97.5, .temperature: 36.8, .glucose: 105, .peakFlow: 400,
            .steps: ageYears >= 70 ? 4000 : 8000, .sleep: ageYears < 16 ? 9 : 7.5,
        ]
    }
}
