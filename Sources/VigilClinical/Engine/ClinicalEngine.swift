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

    /// Processes a batch of a patient's observations (any order; taken in time order). An
    /// observation dated more than the policy's clock tolerance after `now` is not read (it would
    /// hide what is measured until then); one within the tolerance counts as measured `now`.
    public func process(_ observations: [ClinicalObservation], state: inout PatientState, context: PatientContext, patient: String, now: Int64)
        -> [EngineOutput]
    {
        var changes: [EngineOutput] = []
        let age = context.birth?.ageInMonths(at: now)
        let rules = context.thresholdRules.isEmpty ? policyRules : Self.byCode(context.rules(policy: policy, ageInMonths: age))
        var scoreInputsChanged = false
        let latestTrusted = now + Int64(policy.clockToleranceSeconds) * 1000
        var trusted = observations.filter { $0.time <= latestTrusted }
        for index in trusted.indices where trusted[index].time > now { trusted[index].time = now }
        let inOrder = zip(trusted, trusted.dropFirst()).allSatisfy { $0.time <= $1.time }
        let ordered = inOrder ? trusted : trusted.sorted { $0.time < $1.time }
        for observation in ordered {
            state.record(observation, window: Int64(policy.scoreSmoothingSeconds) * 1000)  // a late, older one still runs the rules
            let use = uses[observation.code] ?? CodeUse()
            if use.contains(.scoreInput) { scoreInputsChanged = true }
            guard let quantity = observation.quantity else { continue }
            for rule in rules[observation.code] ?? [] where rule.unit == quantity.unit && rule.applies(toAgeInMonths: age) {
                changes += threshold(rule, quantity.value, observation.time, &state)
            }
            if use.contains(.glucose), let mgdl = Glucose.milligramsPerDeciliter(quantity.value, unit: quantity.unit) {
                changes += glucose(Glucose.Sample(time: observation.time, mgdl: mgdl), cgm: use.contains(.cgm), &state)
            }
            if use.contains(.temperature), let celsius = FeverPolicy.celsius(quantity.value, unit: quantity.unit) {
                changes += fever(celsius, observation.time, &state)
            }
            if let best = context.peakFlowBest {
                changes += asthma(observation.code, quantity.value, observation.time, best: best, age: age, &state)
            }
        }
        if scoreInputsChanged { changes += scores(&state, context: context, age: age, now: now) }
        return episodes(changes, &state, at: now)
    }

    /// Checks what depends on time passing for the patient: a CGM whose data went stale, a score
    /// held at its band long enough.
    public func tick(_ state: inout PatientState, now: Int64) -> [EngineOutput] {
        var changes = endHolds(&state, now: now)
        if let last = state.lastCGM, state.raised["cgm-stale"] == nil, now - last > Int64(policy.glucose.staleAfterSeconds) * 1000 {
            changes += set(
                "cgm-stale",
                AlertCondition(
                    key: "cgm-stale", kind: "cgm-stale", priority: policy.glucose.stalePriority,
                    message: "No CGM glucose for \((now - last) / 60_000) min",
                    values: ["lastReading": .string(FHIRDateTime.instant(milliseconds: last))]
                ), &state)
        }
        return changes.isEmpty ? [] : episodes(changes, &state, at: now)
    }

    /// Sets whether a condition holds: raised when it begins, updated while it holds, cleared when
    /// it ends (the episodes decide what their alerts say).
    func set(_ key: String, _ condition: AlertCondition?, clearValues: @autoclosure () -> JSON = nil, _ state: inout PatientState) -> [EngineOutput] {
        switch (condition, state.raised[key]) {
        case (let condition?, nil):
            state.raised[key] = condition.priority
            return [.raise(condition)]
        case (let condition?, _?):
            state.raised[key] = condition.priority
            return [.update(condition)]
        case (nil, _?):
            state.raised[key] = nil
            return [.clear(key: key, values: clearValues())]
        case (nil, nil):
            return []
        }
    }
}
