public import VigilCore

/// "Alert when a coded reading stays beyond a limit for a while": SpO2 below 90 % for two minutes,
/// clearing only once it is back at 92 % (hysteresis). Part of the policy, and overridable per
/// patient through the care plan.
public struct ThresholdRule: Sendable, Codable, Equatable {
    public enum Direction: String, Sendable, Codable { case below, above }

    /// Identifies the rule; a care plan rule with the same id replaces the policy's.
    public var id: String
    /// The LOINC codes the rule reads (any of them).
    public var codes: [String]
    /// The unit the limits are in; readings in other units are ignored.
    public var unit: String
    public var direction: Direction
    public var limit: Double
    /// The value at which an alert clears: at or above it for `below`, at or below it for `above`.
    public var clearAt: Double
    /// How long the condition must hold before the alert is raised (seconds; 0 for at once).
    public var sustainedSeconds: Int
    public var priority: Priority
    public var message: String
    /// The rule applies only to patients at least this old (months); nil for everyone.
    public var fromAgeInMonths: Int?

    public init(
        id: String, codes: [String], unit: String, direction: Direction, limit: Double, clearAt: Double, sustainedSeconds: Int,
        priority: Priority, message: String, fromAgeInMonths: Int? = nil
    ) {
        self.id = id
        self.codes = codes
        self.unit = unit
        self.direction = direction
        self.limit = limit
        self.clearAt = clearAt
        self.sustainedSeconds = sustainedSeconds
        self.priority = priority
        self.message = message
        self.fromAgeInMonths = fromAgeInMonths
    }

    /// Whether the rule applies to a patient of this age (unknown ages count as adults).
    public func applies(toAgeInMonths age: Int?) -> Bool {
        guard let minimum = fromAgeInMonths, let age else { return true }
        return age >= minimum
    }

    /// Whether `value` is beyond the limit.
    public func breaches(_ value: Double) -> Bool {
        switch direction {
        case .below: value < limit
        case .above: value > limit
        }
    }

    /// Whether `value` is back enough to clear the alert.
    public func clears(_ value: Double) -> Bool {
        switch direction {
        case .below: value >= clearAt
        case .above: value <= clearAt
        }
    }
}

/// The state of one threshold rule for one patient, as a value: readings go in, a decision comes
/// out. Times are the readings' (device) times in milliseconds.
public struct SustainedCondition: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        case normal
        /// Beyond the limit since this time, not yet for long enough.
        case pending(since: Int64)
        /// Raised.
        case raised(since: Int64)
    }

    public enum Decision: Sendable, Equatable {
        case none
        /// The condition has held for the rule's duration: raise (or keep) the alert with this value.
        case raise(value: Double, since: Int64)
        /// Still raised, with a new value (for the alert's values and a possible upgrade).
        case update(value: Double)
        /// Back inside: clear the alert.
        case clear(value: Double)
    }

    public private(set) var state: State = .normal

    public init(state: State = .normal) { self.state = state }

    /// Takes the next reading of the rule's code (in time order).
    public mutating func observe(_ value: Double, at time: Int64, rule: ThresholdRule) -> Decision {
        switch state {
        case .normal:
            guard rule.breaches(value) else { return .none }
            if rule.sustainedSeconds == 0 {
                state = .raised(since: time)
                return .raise(value: value, since: time)
            }
            state = .pending(since: time)
            return .none
        case .pending(let since):
            guard rule.breaches(value) else {
                state = .normal
                return .none
            }
            guard time - since >= Int64(rule.sustainedSeconds) * 1000 else { return .none }
            state = .raised(since: since)
            return .raise(value: value, since: since)
        case .raised:
            if rule.clears(value) {
                state = .normal
                return .clear(value: value)
            }
            return .update(value: value)
        }
    }
}
