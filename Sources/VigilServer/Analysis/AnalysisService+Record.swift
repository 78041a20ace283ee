import VigilClinical
import VigilCore

extension AnalysisService {
    /// Hands what people stored through FHIR to the rules: observations to analyse, and patients
    /// whose birth date or care plan changed.
    func recordChanged(_ resources: [StoredResource]) async {
        for resource in resources {
            switch resource.type {
            case .observation:
                guard let patient = resource.patient else { continue }
                let observations = ClinicalObservation.from(observation: resource.json, id: resource.id)
                if !observations.isEmpty { await submit(.observations(patient: patient, observations)) }
            case .patient, .carePlan:
                if let patient = resource.patient { await submit(.patientChanged(patient)) }
            default:
                continue
            }
        }
    }
}
