/// The FHIR resource types Vigil stores, and where each one names its patient.
public enum FHIRResourceType: String, CaseIterable, Sendable, Codable, Comparable {
    case patient = "Patient"
    case practitioner = "Practitioner"
    case relatedPerson = "RelatedPerson"
    case device = "Device"
    case group = "Group"
    case location = "Location"
    case careTeam = "CareTeam"
    case observation = "Observation"
    case condition = "Condition"
    case immunization = "Immunization"
    case diagnosticReport = "DiagnosticReport"
    case imagingStudy = "ImagingStudy"
    case medicationStatement = "MedicationStatement"
    case procedure = "Procedure"
    case carePlan = "CarePlan"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// The element that names the patient whose record holds a resource of this type (its
    /// patient compartment), or nil for types that belong to no patient. A `Patient` is its own.
    public var patientElement: String? {
        switch self {
        case .patient, .practitioner, .group, .location: nil
        case .relatedPerson, .device, .immunization: "patient"
        case .careTeam, .observation, .condition, .diagnosticReport, .imagingStudy, .medicationStatement, .procedure, .carePlan:
            "subject"
        }
    }

    /// Whether the patient element is required for this type (a resource of this type must belong to a patient).
    public var requiresPatient: Bool {
        switch self {
        case .relatedPerson, .immunization, .condition, .imagingStudy, .medicationStatement, .procedure, .carePlan: true
        default: false
        }
    }

    /// Whether a resource of this type is part of a patient's clinical record (as opposed to
    /// directory and administrative data: people, places, devices, teams, groups).
    public var isClinicalRecord: Bool {
        switch self {
        case .observation, .condition, .immunization, .diagnosticReport, .imagingStudy, .medicationStatement, .procedure, .carePlan:
            true
        default: false
        }
    }
}
