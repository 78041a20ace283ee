import VigilClinical
import VigilCore

extension PatientContext {
    /// A patient exactly `months` old at `now`, with the other settings given.
    static func aged(_ months: Int, at now: Int64, peakFlowBest: Double? = nil) -> PatientContext {
        PatientContext(birth: Birth(monthsOld: months, at: now), peakFlowBest: peakFlowBest)
    }
}

extension ClinicalPolicy {
    /// The standard policy with every condition its own alert, no band hold and scores read from
    /// the newest values alone, for tests of one rule at a time.
    static let conditionByCondition: ClinicalPolicy = {
        var policy = ClinicalPolicy.standard
        policy.episodes = .none
        policy.scoreSmoothingSeconds = 0
        return policy
    }()
}
