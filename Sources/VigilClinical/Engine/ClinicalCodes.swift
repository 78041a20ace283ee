/// The codes the rules read, in one place.
public enum ClinicalCodes {
    public static let respiratoryRate = "9279-1"
    public static let spo2 = ["59408-5", "2708-6"]
    public static let systolicBP = "8480-6"
    public static let heartRate = "8867-4"
    public static let temperature = "8310-5"
    /// Level of consciousness (ACVPU): SNOMED CT 1104441000000107 or LOINC 67775-7, with the level
    /// as a code or text (``ACVPU``).
    public static let consciousness = ["1104441000000107", "67775-7"]
    /// Inhaled oxygen concentration (%): above 21 means supplemental oxygen.
    public static let inspiredOxygen = "3150-0"
    /// Inhaled oxygen flow (L/min): above 0 means supplemental oxygen.
    public static let oxygenFlow = "3151-8"
    /// Capillary refill time of the nail bed (s), a Bedside PEWS item.
    public static let capillaryRefill = "44963-7"
    /// Work of breathing (a Bedside PEWS item), in Vigil's observation code system.
    public static let respiratoryEffort = "respiratory-effort"
    public static let vigilObservationSystem = "urn:vigil:observation"
    /// Device battery charge (%), in Vigil's device-metric code system.
    public static let batteryLevel = "battery-level"
    public static let deviceMetricSystem = "urn:vigil:device-metric"

    /// Codes that feed early-warning scores.
    public static let scoreInputs: Set<String> = Set(
        [respiratoryRate, systolicBP, heartRate, temperature, inspiredOxygen, oxygenFlow, capillaryRefill, respiratoryEffort] + spo2
            + consciousness)

    /// Codes whose value the rules read, so that a value they cannot read is refused: the score
    /// inputs, glucose, peak flow.
    public static let ruleInputs: Set<String> = scoreInputs.union(GlucosePolicy.standard.codes).union([AsthmaPolicy.standard.peakFlowCode])
}
