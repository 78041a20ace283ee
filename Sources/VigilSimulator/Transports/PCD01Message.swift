import HL7v2

/// The IHE PCD-01 ORU^R01 a bedside monitor's gateway sends for a batch of readings: PID-3 names
/// the patient's identifier, each OBX-18 the monitor's, OBX-14 the time of the measurement. The
/// control id (MSH-10) and the OBX set ids follow from the first seq, so a message sent again after
/// a lost ACK is the same message and is stored once.
enum PCD01Message {
    /// MDC measurement and unit codes of the vital signs a monitor reports, by LOINC code
    /// (the inverse of `HL7v2.PCD01Codes` for one preferred code each).
    static let mdc: [String: (code: String, unit: String)] = [
        "8867-4": ("147842^MDC_ECG_HEART_RATE^MDC", "264864^MDC_DIM_BEAT_PER_MIN^MDC"),
        "9279-1": ("151562^MDC_RESP_RATE^MDC", "264928^MDC_DIM_RESP_PER_MIN^MDC"),
        "59408-5": ("150456^MDC_PULS_OXIM_SAT_O2^MDC", "262688^MDC_DIM_PERCENT^MDC"),
        "8480-6": ("150301^MDC_PRESS_CUFF_SYS^MDC", "266016^MDC_DIM_MMHG^MDC"),
        "8462-4": ("150302^MDC_PRESS_CUFF_DIA^MDC", "266016^MDC_DIM_MMHG^MDC"),
        "8310-5": ("150364^MDC_TEMP_BODY^MDC", "268192^MDC_DIM_DEGC^MDC"),
    ]

    static func text(_ readings: [SimulatedReading], device: String, patient: String, facility: String, boot: String) -> String {
        let first = readings.first?.seq ?? 0
        func time(_ ms: Int64) -> String { HL7Time.text(milliseconds: ms) + "+0000" }
        let sent = time(readings.last?.time ?? 0)
        var segments = [
            "MSH|^~\\&|VIGIL-SIM|\(facility)|VIGIL|VIGIL|\(sent)||ORU^R01^ORU_R01|\(device)-\(boot)-\(first)|P|2.6",
            "PID|||\(patient)^^^SIM^MR", "OBR|1|||182777000^monitoring of patient^SNOMED-CT|||\(time(readings.first?.time ?? 0))",
        ]
        for (index, reading) in readings.enumerated() {
            guard let code = mdc[reading.code] else { continue }
            segments.append(
                "OBX|\(index + 1)|NM|\(code.code)|1.1.1.\(index + 1)|\(reading.value.formatted)|\(code.unit)|||||F|||\(time(reading.time))||||\(device)"
            )
        }
        return segments.joined(separator: "\r")
    }
}

extension Double {
    /// The shortest text of the number (`37.2`, `98`).
    var formatted: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}
