/// IEEE 11073-10101 (MDC) context-free codes of PCD-01 OBX-3 and OBX-6, and the LOINC codes and
/// UCUM units Vigil stores them as.
public enum PCD01Codes {
    /// MDC measurement → LOINC. Pulse rates from an oximeter or a cuff count as heart rate, and an
    /// arterial line's systolic as systolic pressure, so that they score like the bedside values.
    public static let loinc: [String: String] = [
        "147842": "8867-4",  // MDC_ECG_HEART_RATE
        "149530": "8867-4",  // MDC_PULS_OXIM_PULS_RATE
        "149546": "8867-4",  // MDC_PULS_RATE_NON_INV
        "150456": "59408-5",  // MDC_PULS_OXIM_SAT_O2
        "150021": "8480-6", "150301": "8480-6", "150033": "8480-6",  // NIBP, cuff, arterial systolic
        "150022": "8462-4", "150302": "8462-4",  // diastolic
        "150023": "8478-0", "150303": "8478-0",  // mean
        "150344": "8310-5", "150364": "8310-5", "150392": "8310-5", "188424": "8310-5", "192780": "8310-5",  // temperature: unspecified, body, tympanic, oral, axillary
        "151562": "9279-1", "151570": "9279-1", "151578": "9279-1", "151594": "9279-1",  // respiratory rate
        "152584": "19935-6",  // MDC_FLOW_AWAY_EXP_FORCED_PEAK
    ]

    /// MDC unit → UCUM.
    public static let ucum: [String: String] = [
        "262688": "%", "264864": "/min", "264928": "/min", "266016": "mm[Hg]", "268192": "Cel", "266560": "[degF]",
        "264274": "mg/dL", "266866": "mmol/L",
    ]
}
