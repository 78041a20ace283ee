import VigilClinical
import VigilCore

extension VitalRange {
    /// The range of `code` for one patient: their age from the analysis's context, else from the
    /// Patient's birth date; their SpO2 scale from the context (scale 1 without one).
    init?(code: String, unit: String, context: PatientContext?, record: JSON?, now: Int64, policy: ClinicalPolicy) {
        let birth = context?.birth ?? record?["birthDate"]?.stringValue.flatMap(Birth.init(fhirDate:))
        self.init(code: code, unit: unit, context: context ?? PatientContext(), ageInMonths: birth?.ageInMonths(at: now), policy: policy)
    }
}
