/// The FHIR resource types Vigil stores, and where each one names its patient.
///
/// Their structure comes from the R4 definitions (``FHIRSchema``); what is written here is what
/// Vigil adds: the patient compartment that decides who may see a resource, and which types care
/// roles may write. A type not listed is refused with a reason, never stored unchecked.
public enum FHIRResourceType: String, CaseIterable, Sendable, Codable, Comparable {
    // People, places, devices, teams, organisations: the directory.
    case patient = "Patient"
    case practitioner = "Practitioner"
    case practitionerRole = "PractitionerRole"
    case relatedPerson = "RelatedPerson"
    case organization = "Organization"
    case device = "Device"
    case group = "Group"
    case location = "Location"
    case careTeam = "CareTeam"
    case medication = "Medication"
    case endpoint = "Endpoint"
    // A patient's clinical record.
    case observation = "Observation"
    case condition = "Condition"
    case immunization = "Immunization"
    case diagnosticReport = "DiagnosticReport"
    case imagingStudy = "ImagingStudy"
    case medicationStatement = "MedicationStatement"
    case medicationRequest = "MedicationRequest"
    case medicationAdministration = "MedicationAdministration"
    case procedure = "Procedure"
    case carePlan = "CarePlan"
    case encounter = "Encounter"
    case allergyIntolerance = "AllergyIntolerance"
    case goal = "Goal"
    case serviceRequest = "ServiceRequest"
    case specimen = "Specimen"
    case documentReference = "DocumentReference"
    case familyMemberHistory = "FamilyMemberHistory"
    // A patient's administrative and financial record.
    case claim = "Claim"
    case explanationOfBenefit = "ExplanationOfBenefit"
    case coverage = "Coverage"
    case consent = "Consent"
    // Who did what to which resource: seen by administrators only (its targets are many).
    case provenance = "Provenance"
    // A research project (its population, profile, types and researchers): seen by administrators only.
    case researchStudy = "ResearchStudy"

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// The element that names the patient whose record holds a resource of this type (its
    /// patient compartment), or nil for types that belong to no patient. A `Patient` is its own.
    public var patientElement: String? {
        switch self {
        case .patient, .practitioner, .practitionerRole, .organization, .group, .location, .medication, .endpoint, .provenance, .researchStudy: nil
        case .relatedPerson, .device, .immunization, .allergyIntolerance, .familyMemberHistory, .claim, .explanationOfBenefit, .consent:
            "patient"
        case .coverage: "beneficiary"
        case .careTeam, .observation, .condition, .diagnosticReport, .imagingStudy, .medicationStatement, .medicationRequest,
            .medicationAdministration, .procedure, .carePlan, .encounter, .goal, .serviceRequest, .specimen, .documentReference:
            "subject"
        }
    }

    /// Whether the patient element may name a Group instead (R4 lets every `subject` of these
    /// types be one: a ward's observation, a care team for a class): the resource is then in the
    /// Group's compartment, seen by the Group's care teams, and in no patient's record.
    public var groupMayBeSubject: Bool { patientElement == "subject" }

    /// Whether the patient element is required for this type (a resource of this type must belong to a patient).
    public var requiresPatient: Bool {
        switch self {
        case .relatedPerson, .immunization, .condition, .imagingStudy, .medicationStatement, .procedure, .carePlan, .medicationRequest,
            .medicationAdministration, .allergyIntolerance, .goal, .serviceRequest, .familyMemberHistory, .claim, .explanationOfBenefit,
            .coverage:
            true
        default: false
        }
    }

    /// Whether a resource of this type is part of a patient's clinical record, which care roles
    /// write (as opposed to the directory, and to administrative and financial data).
    public var isClinicalRecord: Bool {
        switch self {
        case .observation, .condition, .immunization, .diagnosticReport, .imagingStudy, .medicationStatement, .medicationRequest,
            .medicationAdministration, .procedure, .carePlan, .encounter, .allergyIntolerance, .goal, .serviceRequest, .specimen,
            .documentReference, .familyMemberHistory:
            true
        default: false
        }
    }
}
