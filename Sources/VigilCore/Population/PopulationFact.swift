/// What population work (outbreak cohorts, research aggregates) reads of one stored resource: a
/// patient's birth, area and sex, an active condition, a completed dose, a body mass index, a
/// refusal of research.
///
/// The store keeps these beside the search index, replaced with each version of the resource that
/// states them, so that a cohort over a whole population reads a few compact rows per patient
/// instead of every record.
public enum PopulationFact: Sendable, Equatable {
    /// A Patient: its birth date as recorded (nil when absent), its postal code, its administrative
    /// gender, and whether it is recorded as deceased (then it is in no cohort).
    case person(patient: String, birth: String?, area: String?, gender: String?, deceased: Bool)
    /// One coding of an active, not refuted Condition.
    case condition(patient: String, system: String, code: String)
    /// One coding of a completed Immunization with an occurrence date.
    case dose(patient: String, system: String, code: String, time: Int64)
    /// A body mass index Observation (LOINC 39156-5, kg/m2).
    case bmi(patient: String, value: Double, time: Int64)
    /// A Consent refusing research (``ResearchConsent``) in a period (nil ends: open).
    case researchRefusal(patient: String, from: Int64?, to: Int64?)

    public var patient: String {
        switch self {
        case .person(let patient, _, _, _, _), .condition(let patient, _, _), .dose(let patient, _, _, _), .bmi(let patient, _, _),
            .researchRefusal(let patient, _, _):
            patient
        }
    }

    /// The resource types that state facts.
    public static let sourceTypes: [FHIRResourceType] = [.patient, .condition, .immunization, .observation, .consent]

    /// LOINC body mass index.
    public static let bmiCode = "39156-5"

    /// The facts a resource version states; none for other types, or when it says nothing a cohort
    /// reads (a resolved condition, a dose not given, a dose with no date).
    public static func facts(of json: JSON, type: FHIRResourceType, id: String) -> [PopulationFact] {
        switch type {
        case .patient:
            let deceased = json["deceasedBoolean"]?.boolValue == true || json["deceasedDateTime"] != nil
            return [
                .person(
                    patient: id, birth: json["birthDate"]?.stringValue, area: postalCode(json), gender: json["gender"]?.stringValue,
                    deceased: deceased)
            ]
        case .consent:
            guard let patient = patient(json["patient"]), let period = ResearchConsent.refusal(json) else { return [] }
            return [.researchRefusal(patient: patient, from: period.from, to: period.to)]
        case .condition:
            guard let patient = patient(json["subject"]), isActive(condition: json) else { return [] }
            return codings(json["code"]).map { .condition(patient: patient, system: $0.system, code: $0.code) }
        case .immunization:
            guard let patient = patient(json["patient"]), json["status"]?.stringValue == "completed",
                let time = json["occurrenceDateTime"]?.stringValue.flatMap(FHIRDateTime.init)?.lowerBound
            else { return [] }
            return codings(json["vaccineCode"]).map { .dose(patient: patient, system: $0.system, code: $0.code, time: time) }
        case .observation:
            guard let patient = patient(json["subject"]),
                codings(json["code"]).contains(where: { $0.system == "http://loinc.org" && $0.code == bmiCode }),
                !["entered-in-error", "cancelled"].contains(json["status"]?.stringValue ?? ""),
                let value = json["valueQuantity"]?["value"]?.doubleValue,
                let time = (json["effectiveDateTime"] ?? json["effectivePeriod"]?["start"])?.stringValue.flatMap(FHIRDateTime.init)?.lowerBound
            else { return [] }
            return [.bmi(patient: patient, value: value, time: time)]
        default:
            return []
        }
    }

    /// A condition counts while its clinical status is active, recurrence or relapse (or not
    /// recorded and with no abatement), unless its verification says refuted or entered in error.
    private static func isActive(condition json: JSON) -> Bool {
        let verification = codings(json["verificationStatus"]).map(\.code)
        if verification.contains("refuted") || verification.contains("entered-in-error") { return false }
        let clinical = codings(json["clinicalStatus"]).map(\.code)
        if clinical.isEmpty { return json["abatementDateTime"] == nil && json["abatementPeriod"] == nil && json["abatementAge"] == nil }
        return clinical.contains { ["active", "recurrence", "relapse"].contains($0) }
    }

    /// The id of a literal `Patient/ID` reference.
    private static func patient(_ reference: JSON?) -> String? {
        guard let text = reference?["reference"]?.stringValue, let parsed = FHIRReference(text), parsed.type == "Patient" else { return nil }
        return parsed.id
    }

    private static func codings(_ concept: JSON?) -> [(system: String, code: String)] {
        (concept?["coding"]?.arrayValue ?? []).compactMap { coding in
            guard let system = coding["system"]?.stringValue, let code = coding["code"]?.stringValue else { return nil }
            return (system, code)
        }
    }

    /// The postal code of the home address, else of the first address that has one.
    private static func postalCode(_ json: JSON) -> String? {
        let addresses = json["address"]?.arrayValue ?? []
        let home = addresses.first { $0["use"]?.stringValue == "home" && $0["postalCode"] != nil }
        return (home ?? addresses.first { $0["postalCode"] != nil })?["postalCode"]?.stringValue
    }
}
