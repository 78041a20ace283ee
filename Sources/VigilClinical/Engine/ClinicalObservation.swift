public import VigilCore

/// One committed observation of a patient, as the rules see it: a device reading or an
/// observation someone entered.
public struct ClinicalObservation: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case quantity(Double, unit: String)
        /// A coded or text answer (a consciousness level).
        case text(String)
    }

    public var code: String
    public var value: Value
    /// When it was measured (device time), milliseconds since the epoch.
    public var time: Int64
    /// The Observation's id, for `derivedFrom`.
    public var id: String
    /// The device that measured it, if any.
    public var device: String?

    public init(code: String, value: Value, time: Int64, id: String, device: String? = nil) {
        self.code = code
        self.value = value
        self.time = time
        self.id = id
        self.device = device
    }

    /// A device reading.
    public init(_ reading: StoredReading) {
        self.init(
            code: reading.reading.code, value: .quantity(reading.reading.value, unit: reading.reading.unit), time: reading.reading.time,
            id: String(reading.id), device: reading.reading.key.device
        )
    }

    public var quantity: (value: Double, unit: String)? {
        if case .quantity(let value, let unit) = value { return (value, unit) }
        return nil
    }
}

/// What the rules need to know about a patient besides readings: age and care-plan settings.
public struct PatientContext: Sendable, Equatable {
    /// Nil when the birth date is unknown (scored as an adult).
    public var ageInMonths: Int?
    public var news2Scale: NEWS2.Scale
    /// Care-plan threshold rules; each replaces the policy rule with the same id, or adds one.
    public var thresholdRules: [ThresholdRule]
    /// Peak-flow personal best (L/min); asthma rules apply when it is known.
    public var peakFlowBest: Double?

    public init(ageInMonths: Int? = nil, news2Scale: NEWS2.Scale = .one, thresholdRules: [ThresholdRule] = [], peakFlowBest: Double? = nil) {
        self.ageInMonths = ageInMonths
        self.news2Scale = news2Scale
        self.thresholdRules = thresholdRules
        self.peakFlowBest = peakFlowBest
    }

    /// The rules in force: the policy's, overridden and extended by the care plan's, for this age.
    public func rules(policy: ClinicalPolicy) -> [ThresholdRule] {
        var byID: [String: ThresholdRule] = [:]
        var order: [String] = []
        for rule in policy.thresholds + thresholdRules {
            if byID[rule.id] == nil { order.append(rule.id) }
            byID[rule.id] = rule
        }
        return order.compactMap { byID[$0] }.filter { $0.applies(toAgeInMonths: ageInMonths) }
    }
}
