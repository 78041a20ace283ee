/// What an HL7 v2 ADT message says about a patient's stay: admit (A01), transfer (A02),
/// discharge (A03) or update (A08).
///
/// PID-3 identifies the patient (PID-3.4 its assigning authority) and PID-5, -7 and -8 give their
/// name, birth date and sex; PV1-19 is the visit, PV1-2 its class, PV1-3 where the patient lies
/// now (`WARD^ROOM^BED`); PV1-44 and PV1-45 when they were admitted and discharged. The event's
/// time is EVN-6 (when it happened), else EVN-2 (when it was recorded), else MSH-7.
public struct ADT: Sendable, Equatable {
    public enum Event: String, Sendable, CaseIterable {
        case admit = "A01"
        case transfer = "A02"
        case discharge = "A03"
        case update = "A08"
    }

    /// PV1-2, HL7 table 0004, with the FHIR `Encounter.class` each stands for (v3 ActCode).
    public enum PatientClass: String, Sendable, CaseIterable {
        case emergency = "E"
        case inpatient = "I"
        case outpatient = "O"
        case preadmit = "P"
        case recurring = "R"
        case obstetrics = "B"

        /// The v3 ActCode code and display.
        public var actCode: (code: String, display: String) {
            switch self {
            case .emergency: ("EMER", "emergency")
            case .inpatient, .obstetrics: ("IMP", "inpatient encounter")
            case .outpatient, .recurring: ("AMB", "ambulatory")
            case .preadmit: ("PRENC", "pre-admission")
            }
        }
    }

    /// A place in the hospital (PV1-3, PV1-6): point of care (the ward), room, bed.
    public struct Place: Sendable, Equatable, CustomStringConvertible {
        public var ward: String
        public var room: String
        public var bed: String

        public init(ward: String, room: String = "", bed: String = "") { (self.ward, self.room, self.bed) = (ward, room, bed) }

        /// As HL7 writes it, without trailing empty components: `3W^301^A`, `3W`.
        public var description: String {
            var parts = [ward, room, bed]
            while parts.last == "" { parts.removeLast() }
            return parts.joined(separator: "^")
        }
    }

    /// PID-5's first name: family name and given names (given, then further given names).
    public struct Name: Sendable, Equatable {
        public var family: String
        public var given: [String]

        public init(family: String, given: [String]) { (self.family, self.given) = (family, given) }
    }

    public var event: Event
    /// MSH-3.1.
    public var sendingApplication: String
    /// PID-3.1 and its assigning authority (PID-3.4 by subcomponent; empty when not sent).
    public var patient: String
    public var patientAuthority: [String]
    public var name: Name?
    /// PID-7 as a FHIR date (`1961-03-15`, `1961-03`, `1961`).
    public var birthDate: String?
    /// PID-8 as a FHIR administrative gender.
    public var gender: String?
    /// PV1-19.1.
    public var visit: String
    public var patientClass: PatientClass
    /// PV1-3; nil when empty.
    public var place: Place?
    /// Milliseconds since 1970.
    public var occurred: Int64
    public var admitted: Int64?
    public var discharged: Int64?

    /// Reads an ADT message; times written without an offset are the sender's local time by
    /// `localOffset` (UTC without it).
    /// - Throws: the ``HL7Problem`` that keeps it from being read: an event Vigil does not take
    ///   (200), a required field missing (101: PID-3, PV1-2, PV1-19, the event's time), a value not
    ///   in its table (103: PV1-2, PID-8) or not of its type (102: a time, PID-7).
    public init(_ message: HL7Message, localOffset: HL7Time.LocalOffset? = nil) throws(HL7Problem) {
        let type = message.type
        guard type.code == "ADT", let event = Event(rawValue: type.event) else {
            throw HL7Problem(
                .unsupportedMessageType,
                "Vigil takes ADT^A01, A02, A03 and A08 (admit, transfer, discharge, update), not \(type.code)^\(type.event)", segment: "MSH",
                field: 9)
        }
        self.event = event
        let msh = message.first("MSH")!
        let pid = message.first("PID") ?? HL7Segment("PID", [])
        let pv1 = message.first("PV1") ?? HL7Segment("PV1", [])
        let evn = message.first("EVN") ?? HL7Segment("EVN", [])
        sendingApplication = msh[3]
        patient = pid[3]
        guard !patient.isEmpty else { throw HL7Problem(.requiredFieldMissing, "PID-3 (the patient identifier) is empty", segment: "PID", field: 3) }
        let authority = pid.field(3).repetitions.first.flatMap { $0.count > 3 ? $0[3] : nil } ?? []
        patientAuthority = authority.allSatisfy(\.isEmpty) ? [] : authority
        let family = pid[5, component: 1]
        let given = [pid[5, component: 2]] + pid[5, component: 3].split(separator: " ").map(String.init)
        name = family.isEmpty && given.allSatisfy(\.isEmpty) ? nil : Name(family: family, given: given.filter { !$0.isEmpty })
        birthDate = try Self.date(pid[7])
        gender = try Self.gender(pid[8])
        visit = pv1[19]
        guard !visit.isEmpty else {
            throw HL7Problem(.requiredFieldMissing, "PV1-19 (the visit number) is empty: it names the Encounter", segment: "PV1", field: 19)
        }
        guard !pv1[2].isEmpty else { throw HL7Problem(.requiredFieldMissing, "PV1-2 (the patient class) is empty", segment: "PV1", field: 2) }
        guard let patientClass = PatientClass(rawValue: pv1[2]) else {
            throw HL7Problem(
                .tableValueNotFound, "PV1-2 '\(pv1[2].prefix(8))' is not a patient class Vigil takes (HL7 table 0004: E, I, O, P, R, B)",
                segment: "PV1", field: 2)
        }
        self.patientClass = patientClass
        let location = pv1.field(3)
        place = location.text.isEmpty ? nil : Place(ward: location.component(1), room: location.component(2), bed: location.component(3))
        func time(_ segment: HL7Segment, _ field: Int) throws(HL7Problem) -> Int64? {
            let text = segment[field]
            guard !text.isEmpty else { return nil }
            guard let time = HL7Time.milliseconds(text, localOffset: localOffset) else {
                throw HL7Problem(.dataType, "\(segment.id)-\(field) '\(text.prefix(32))' is not an HL7 time", segment: segment.id, field: field)
            }
            return time
        }
        admitted = try time(pv1, 44)
        discharged = try time(pv1, 45)
        var occurred = try time(evn, 6)
        if occurred == nil { occurred = try time(evn, 2) }
        if occurred == nil { occurred = try time(msh, 7) }
        guard let occurred else {
            throw HL7Problem(.requiredFieldMissing, "the event has no time (EVN-6, EVN-2 or MSH-7)", segment: "EVN", field: 2)
        }
        self.occurred = occurred
    }

    /// PID-7 (`YYYY[MM[DD[…]]]`) as a FHIR date.
    private static func date(_ text: String) throws(HL7Problem) -> String? {
        guard !text.isEmpty else { return nil }
        let digits = text.prefix(8)
        guard [4, 6, 8].contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
            HL7Time.milliseconds(String(digits)) != nil
        else {
            throw HL7Problem(.dataType, "PID-7 '\(text.prefix(32))' is not a date (YYYYMMDD)", segment: "PID", field: 7)
        }
        var parts = [String(digits.prefix(4))]
        if digits.count >= 6 { parts.append(String(digits.dropFirst(4).prefix(2))) }
        if digits.count == 8 { parts.append(String(digits.suffix(2))) }
        return parts.joined(separator: "-")
    }

    /// PID-8, HL7 table 0001, as a FHIR administrative gender.
    private static func gender(_ code: String) throws(HL7Problem) -> String? {
        switch code {
        case "": nil
        case "M": "male"
        case "F": "female"
        case "O", "A": "other"
        case "U", "N": "unknown"
        default:
            throw HL7Problem(
                .tableValueNotFound, "PID-8 '\(code.prefix(8))' is not a sex Vigil takes (HL7 table 0001: M, F, O, A, U, N)", segment: "PID",
                field: 8)
        }
    }
}
