import VigilClinical
import VigilCore

extension VitalRange {
    /// The range of `code` for one patient: their age from the analysis's context, else from the
    /// Patient's birth date; their SpO2 scale from the context (scale 1 without one).
    init?(code: String, unit: String, context: PatientContext?, record: JSON?, now: Int64, policy: ClinicalPolicy) {
        let context = context ?? PatientContext.from(patient: record, carePlans: [])
        self.init(code: code, unit: unit, context: context, ageInMonths: context.birth?.ageInMonths(at: now), policy: policy)
    }
}
