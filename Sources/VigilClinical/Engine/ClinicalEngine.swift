import VigilCore

/// Continuous analysis of one patient at a time: committed observations go in, scores and
/// condition changes come out. Pure: the state is a value the caller keeps, the time is a parameter.
///
/// ```swift
/// var state = PatientState()
/// let outputs = engine.process(observations, state: &state, context: context, patient: "p1", now: now)
/// ```
public struct ClinicalEngine: Sendable {
    public let policy: ClinicalPolicy

    public init(policy: ClinicalPolicy = .standard) { self.policy = policy }

    /// Processes a batch of a patient's observations (any order; taken in time order).
    public func process(_ observations: [ClinicalObservation], state: inout PatientState, context: PatientContext, patient: String, now: Int64)
        -> [EngineOutput]
    {
        var outputs: [EngineOutput] = []
        let rules = context.rules(policy: policy)
        var scoreInputsChanged = false
        for observation in observations.sorted(by: { $0.time < $1.time }) {
            state.record(observation)  // a late, older measurement still runs the rules below
            if ClinicalCodes.scoreInputs.contains(observation.code) { scoreInputsChanged = true }
            guard let quantity = observation.quantity else { continue }
            for rule in rules where rule.codes.contains(observation.code) && rule.unit == quantity.unit {
                outputs += threshold(rule, quantity.value, observation.time, &state)
            }
            if policy.glucose.codes.contains(observation.code), let mgdl = Glucose.milligramsPerDeciliter(quantity.value, unit: quantity.unit) {
                outputs += glucose(
                    Glucose.Sample(time: observation.time, mgdl: mgdl), cgm: policy.glucose.cgmCodes.contains(observation.code), &state)
            }
            if observation.code == ClinicalCodes.temperature, let celsius = FeverPolicy.celsius(quantity.value, unit: quantity.unit) {
                outputs += fever(celsius, observation.time, &state)
            }
            if let best = context.peakFlowBest {
                outputs += asthma(observation.code, quantity.value, observation.time, best: best, age: context.ageInMonths, &state)
            }
        }
        if scoreInputsChanged { outputs += scores(&state, context: context, now: now) }
        return outputs
    }

    /// Sets whether a condition holds, emitting raise, upgrade/priority change or clear.
    func set(_ key: String, _ condition: AlertCondition?, clearValues: JSON = nil, _ state: inout PatientState) -> [EngineOutput] {
        switch (condition, state.raised[key]) {
        case (let condition?, nil):
            state.raised[key] = condition.priority
            return [.raise(condition)]
        case (let condition?, let priority?):
            guard condition.priority != priority else { return [] }
            state.raised[key] = condition.priority
            return [.update(condition)]
        case (nil, _?):
            state.raised[key] = nil
            return [.clear(key: key, values: clearValues)]
        case (nil, nil):
            return []
        }
    }

    /// Whole months between a birth date and `now` (both milliseconds).
    public static func ageInMonths(birth: Int64, now: Int64) -> Int {
        let (by, bm, bd) = civil(birth), (ny, nm, nd) = civil(now)
        return (ny - by) * 12 + (nm - bm) - (nd < bd ? 1 : 0)
    }

    private static func civil(_ ms: Int64) -> (Int, Int, Int) {
        let parts = FHIRDateTime.date(milliseconds: ms).split(separator: "-").compactMap { Int($0) }
        return (parts[0], parts[1], parts[2])
    }
}
