/// Readings of an IHE PCD-01 ORU^R01 message (Device Enterprise Communication).
///
/// Each OBX with a numeric value (OBX-2 `NM`) and a final or corrected result status (OBX-11 `F`,
/// `R` or `C`) is a reading: OBX-3 the MDC code (mapped to LOINC), OBX-5 the value, OBX-6 the MDC
/// unit (mapped to UCUM; a unit already written in UCUM is kept), OBX-18 the equipment instance
/// identifier (the device), OBX-14, else OBR-7, else MSH-7 the time. Rows describing the device
/// hierarchy (no value, status `X`) are not readings. PID-3 identifies the patient.
public struct PCD01: Sendable, Equatable {
    /// One reading.
    public struct Reading: Sendable, Equatable {
        /// OBX-1, the row's set id (or its position when empty).
        public var setID: String
        public var mdc: String
        public var loinc: String
        public var value: Double
        public var unit: String
        /// OBX-18.1.
        public var equipment: String
        /// Milliseconds since 1970.
        public var time: Int64

        public init(setID: String, mdc: String, loinc: String, value: Double, unit: String, equipment: String, time: Int64) {
            (self.setID, self.mdc, self.loinc, self.value, self.unit, self.equipment, self.time) = (setID, mdc, loinc, value, unit, equipment, time)
        }
    }

    /// A row that looked like a reading but cannot be one, and why.
    public struct Refusal: Sendable, Equatable {
        public var setID: String
        public var reason: String
    }

    /// MSH-3.1 and MSH-4.1: who sent it.
    public var sendingApplication: String
    public var sendingFacility: String
    /// PID-3.1.
    public var patient: String
    public var readings: [Reading]
    public var refused: [Refusal]

    /// Reads the readings of a PCD-01 message.
    /// - Throws: ``HL7Error`` `unsupportedMessage` for anything but ORU^R01, `badField` without PID-3.
    public init(_ message: HL7Message) throws {
        guard message.type.code == "ORU", message.type.event == "R01" else {
            throw HL7Error(.unsupportedMessage, "Vigil takes ORU^R01 (IHE PCD-01), not \(message.type.code)^\(message.type.event)")
        }
        let msh = message.first("MSH")!
        sendingApplication = msh[3]
        sendingFacility = msh[4]
        patient = message.first("PID")?[3] ?? ""
        guard !patient.isEmpty else { throw HL7Error(.badField, "PID-3 (the patient identifier) is empty") }
        let fallbackTime = HL7Time.milliseconds(message.first("OBR")?[7] ?? "") ?? HL7Time.milliseconds(msh[7])
        readings = []
        refused = []
        for (position, obx) in message.all("OBX").enumerated() {
            let setID = obx[1].isEmpty ? String(position + 1) : obx[1]
            let status = obx[11]
            guard obx[2] == "NM", ["F", "R", "C"].contains(status) else {
                if !obx[2].isEmpty, obx[2] != "NM" { refused.append(Refusal(setID: setID, reason: "OBX-2 \(obx[2]) is not a number (NM)")) }
                continue
            }
            switch Self.reading(obx, setID: setID, fallbackTime: fallbackTime) {
            case .success(let reading): readings.append(reading)
            case .failure(let refusal): refused.append(refusal)
            }
        }
    }

    private static func reading(_ obx: HL7Segment, setID: String, fallbackTime: Int64?) -> Result<Reading, Refusal> {
        let mdc = obx[3]
        guard let loinc = PCD01Codes.loinc[mdc] else {
            return .failure(Refusal(setID: setID, reason: "OBX-3 \(mdc) \(obx[3, component: 2]) has no LOINC code in Vigil's PCD-01 table"))
        }
        guard let value = HL7Numeric.value(obx[5]) else {
            return .failure(Refusal(setID: setID, reason: "OBX-5 '\(obx[5].prefix(64))' is not a number (HL7 NM: sign, digits, decimal point)"))
        }
        let unitCode = obx[6]
        let unit = PCD01Codes.ucum[unitCode] ?? (obx[6, component: 3] == "UCUM" ? unitCode : nil)
        guard let unit else { return .failure(Refusal(setID: setID, reason: "OBX-6 \(unitCode) is not a unit Vigil knows")) }
        let equipment = obx[18]
        guard !equipment.isEmpty else { return .failure(Refusal(setID: setID, reason: "OBX-18 (the equipment identifier) is empty")) }
        guard let time = HL7Time.milliseconds(obx[14]) ?? fallbackTime else {
            return .failure(Refusal(setID: setID, reason: "no observation time (OBX-14, OBR-7 or MSH-7)"))
        }
        return .success(Reading(setID: setID, mdc: mdc, loinc: loinc, value: value, unit: unit, equipment: equipment, time: time))
    }
}

extension PCD01.Refusal: Error {}
