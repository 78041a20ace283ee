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
    /// What the engine does with each code it reads, looked up once per observation.
    let uses: [String: CodeUse]
    /// The policy's threshold rules by code, for patients whose care plan adds none.
    let policyRules: [String: [ThresholdRule]]

    /// The roles a code plays in the rules.
    struct CodeUse: OptionSet, Sendable {
        let rawValue: UInt8
        static let scoreInput = CodeUse(rawValue: 1)
        static let glucose = CodeUse(rawValue: 2)
        static let cgm = CodeUse(rawValue: 4)
        static let temperature = CodeUse(rawValue: 8)
    }

    public init(policy: ClinicalPolicy = .standard) {
        self.policy = policy
        var uses: [String: CodeUse] = [:]
        for code in ClinicalCodes.scoreInputs { uses[code, default: []].insert(.scoreInput) }
        for code in policy.glucose.codes { uses[code, default: []].insert(.glucose) }
        for code in policy.glucose.cgmCodes { uses[code, default: []].insert(.cgm) }
        uses[ClinicalCodes.temperature, default: []].insert(.temperature)
        self.uses = uses
        self.policyRules = Self.byCode(policy.thresholds)
    }

    static func byCode(_ rules: [ThresholdRule]) -> [String: [ThresholdRule]] {
        var table: [String: [ThresholdRule]] = [:]
        for rule in rules {
            for code in rule.codes { table[code, default: []].append(rule) }
        }
        return table
    }

    /// Processes a batch of a patient's observations (any order; taken in time order).
    public func process(_ observations: [ClinicalObservation], state: inout PatientState, context: PatientContext, patient: String, now: Int64)
        -> [EngineOutput]
    {
        var outputs: [EngineOutput] = []
        let rules = context.thresholdRules.isEmpty ? policyRules : Self.byCode(context.rules(policy: policy))
        var scoreInputsChanged = false
        let inOrder = zip(observations, observations.dropFirst()).allSatisfy { $0.time <= $1.time }
        let ordered = inOrder ? observations : observations.sorted { $0.time < $1.time }
        for observation in ordered {
            state.record(observation)  // a late, older measurement still runs the rules below
            let use = uses[observation.code] ?? CodeUse()
            if use.contains(.scoreInput) { scoreInputsChanged = true }
            guard let quantity = observation.quantity else { continue }
            for rule in rules[observation.code] ?? [] where rule.unit == quantity.unit && rule.applies(toAgeInMonths: context.ageInMonths) {
                outputs += threshold(rule, quantity.value, observation.time, &state)
            }
            if use.contains(.glucose), let mgdl = Glucose.milligramsPerDeciliter(quantity.value, unit: quantity.unit) {
                outputs += glucose(Glucose.Sample(time: observation.time, mgdl: mgdl), cgm: use.contains(.cgm), &state)
            }
            if use.contains(.temperature), let celsius = FeverPolicy.celsius(quantity.value, unit: quantity.unit) {
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
    func set(_ key: String, _ condition: AlertCondition?, clearValues: @autoclosure () -> JSON = nil, _ state: inout PatientState) -> [EngineOutput] {
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
            return [.clear(key: key, values: clearValues())]
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
