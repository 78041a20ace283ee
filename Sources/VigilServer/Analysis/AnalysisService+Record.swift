import Synchronization
import VigilClinical
public import VigilCore

extension AnalysisService: CommitSubscriber {
    /// Takes what a commit stored into the inbox without waiting: device readings and refusals,
    /// observations people stored through FHIR, and patients whose birth date or care plan changed;
    /// notes the screening sites to look at on the next tick.
    public func committed(_ commit: Committed) async {
        guard accepting.load(ordering: .relaxed) else { return }
        if !commit.readings.isEmpty || !commit.refused.isEmpty {
            let input = AnalysisInput.committed(
                readings: commit.readings, refused: commit.refused, clockAhead: commit.clockAhead, received: commit.received ?? clock.now())
            inbox.post(input, weight: input.weight)
        }
        if !commit.screenings.isEmpty { state.withLock { $0.screened.formUnion(commit.screenings.map(\.site)) } }
        for resource in commit.resources {
            switch resource.type {
            case .observation:
                guard !resource.isDeleted, let patient = resource.patient else { continue }
                let observations = ClinicalObservation.from(observation: resource.json, id: resource.id)
                if !observations.isEmpty { inbox.post(.observations(patient: patient, observations)) }
            case .patient, .carePlan:
                if let patient = resource.patient { inbox.post(.patientChanged(patient)) }
            default:
                continue
            }
        }
    }
}
