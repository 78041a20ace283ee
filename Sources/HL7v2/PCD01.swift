/// Readings of an IHE PCD-01 ORU^R01 message (Device Enterprise Communication).
///
/// Each OBX with a numeric value (OBX-2 `NM`) and a final or corrected result status (OBX-11 `F`,
/// `R` or `C`) is a reading: OBX-3 the MDC code (mapped to LOINC), OBX-5 the value, OBX-6 the MDC
/// unit (mapped to UCUM; a unit already written in UCUM is kept), OBX-18 the equipment instance
/// identifier (the device), OBX-14, else OBR-7, else MSH-7 the time. Rows describing the device
/// hierarchy (no value, status `X`) are not readings, but a row without OBX-18 takes the one of
/// the nearest device row above it in that hierarchy (OBX-4 `MDS.VMD.CHANNEL.METRIC`: `1.5.1.1`
/// is under the VMD `1.5.0.0`, under the MDS `1.0.0.0`), as gateways that name the monitor once
/// send it. PID-3 identifies the patient.
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
        /// What kind of problem, and the OBX field at fault.
        public var condition: HL7Problem.Condition
        public var field: Int

        public init(setID: String, reason: String, _ condition: HL7Problem.Condition, field: Int) {
            (self.setID, self.reason, self.condition, self.field) = (setID, reason, condition, field)
        }

        public var problem: HL7Problem { HL7Problem(condition, reason, segment: "OBX", sequence: setID, field: field) }
    }

    /// MSH-3.1 and MSH-4.1: who sent it.
    public var sendingApplication: String
    public var sendingFacility: String
    /// PID-3.1.
    public var patient: String
    /// PID-3.4, the assigning authority of the patient identifier, by subcomponent: namespace id,
    /// universal id, universal id type (`Hospital&1.2.840.1&ISO`); empty when not sent.
    public var patientAuthority: [String]
    public var readings: [Reading]
    public var refused: [Refusal]

    /// Reads the readings of a PCD-01 message; times written without an offset are the sender's
    /// local time by `localOffset` (UTC without it).
    /// - Throws: ``HL7Error`` `unsupportedMessage` for anything but ORU^R01, `badField` without PID-3.
    public init(_ message: HL7Message, localOffset: HL7Time.LocalOffset? = nil) throws(HL7Error) {
        guard message.type.code == "ORU", message.type.event == "R01" else {
            throw HL7Error(
                .unsupportedMessage, "Vigil takes ORU^R01 (IHE PCD-01) and ADT^A01, A02, A03, A08, not \(message.type.code)^\(message.type.event)")
        }
        let msh = message.first("MSH")!
        sendingApplication = msh[3]
        sendingFacility = msh[4]
        patient = message.first("PID")?[3] ?? ""
        let authority = message.first("PID")?.field(3).repetitions.first.flatMap { $0.count > 3 ? $0[3] : nil } ?? []
        patientAuthority = authority.allSatisfy(\.isEmpty) ? [] : authority
        guard !patient.isEmpty else { throw HL7Error(.badField, "PID-3 (the patient identifier) is empty") }
        let fallbackTime =
            HL7Time.milliseconds(message.first("OBR")?[7] ?? "", localOffset: localOffset) ?? HL7Time.milliseconds(msh[7], localOffset: localOffset)
        readings = []
        refused = []
        let rows = message.all("OBX")
        var equipmentByPlace: [String: String] = [:]
        for obx in rows where !obx[4].isEmpty && !obx[18].isEmpty {
            let place = Self.place(obx[4]).joined(separator: ".")
            if equipmentByPlace[place] == nil { equipmentByPlace[place] = obx[18] }
        }
        for (position, obx) in rows.enumerated() {
            let setID = obx[1].isEmpty ? String(position + 1) : obx[1]
            let status = obx[11]
            guard obx[2] == "NM", ["F", "R", "C"].contains(status) else {
                if !obx[2].isEmpty, obx[2] != "NM" {
                    refused.append(Refusal(setID: setID, reason: "OBX-2 \(obx[2]) is not a number (NM)", .dataType, field: 2))
                }
                continue
            }
            let equipment = obx[18].isEmpty ? Self.equipment(above: obx[4], in: equipmentByPlace) : obx[18]
            switch Self.reading(obx, setID: setID, equipment: equipment, fallbackTime: fallbackTime, localOffset: localOffset) {
            case .success(let reading): readings.append(reading)
            case .failure(let refusal): refused.append(refusal)
            }
        }
    }

    /// OBX-4 as a place in the device hierarchy, trailing zero levels dropped: `1.5.0.0` is `1.5`.
    private static func place(_ subID: String) -> [Substring] {
        var levels = subID.split(separator: ".", omittingEmptySubsequences: false)
        while levels.last == "0" { levels.removeLast() }
        return levels
    }

    /// The OBX-18 of the nearest device row above the place `subID` that has one.
    private static func equipment(above subID: String, in byPlace: [String: String]) -> String? {
        guard !subID.isEmpty else { return nil }
        var levels = place(subID)
        while !levels.isEmpty {
            levels.removeLast()
            if let equipment = byPlace[levels.joined(separator: ".")] { return equipment }
        }
        return nil
    }

    private static func reading(
        _ obx: HL7Segment, setID: String, equipment: String?, fallbackTime: Int64?, localOffset: HL7Time.LocalOffset?
    ) -> Result<Reading, Refusal> {
        let mdc = obx[3]
        guard let loinc = PCD01Codes.loinc[mdc] else {
            return .failure(
                Refusal(
                    setID: setID, reason: "OBX-3 \(mdc) \(obx[3, component: 2]) has no LOINC code in Vigil's PCD-01 table", .tableValueNotFound,
                    field: 3))
        }
        guard let value = HL7Numeric.value(obx[5]) else {
            return .failure(
                Refusal(
                    setID: setID, reason: "OBX-5 '\(obx[5].prefix(64))' is not a number (HL7 NM: sign, digits, decimal point)", .dataType, field: 5))
        }
        let unitCode = obx[6]
        let unit = PCD01Codes.ucum[unitCode] ?? (obx[6, component: 3] == "UCUM" ? unitCode : nil)
        guard let unit else {
            return .failure(Refusal(setID: setID, reason: "OBX-6 \(unitCode) is not a unit Vigil knows", .tableValueNotFound, field: 6))
        }
        guard let equipment, !equipment.isEmpty else {
            return .failure(
                Refusal(
                    setID: setID,
                    reason: "OBX-18 (the equipment identifier) is empty on the row and on the device rows above it (OBX-4 '\(obx[4].prefix(32))')",
                    .requiredFieldMissing, field: 18))
        }
        guard let time = HL7Time.milliseconds(obx[14], localOffset: localOffset) ?? fallbackTime else {
            return .failure(Refusal(setID: setID, reason: "no observation time (OBX-14, OBR-7 or MSH-7)", .requiredFieldMissing, field: 14))
        }
        return .success(Reading(setID: setID, mdc: mdc, loinc: loinc, value: value, unit: unit, equipment: equipment, time: time))
    }
}

extension PCD01.Refusal: Error {}
