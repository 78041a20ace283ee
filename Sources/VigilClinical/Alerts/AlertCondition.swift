public import VigilCore

/// What a rule says about a condition of a patient: it holds (with its priority, message and
/// values) or it has cleared.
public struct AlertCondition: Sendable, Equatable {
    public var key: String
    public var kind: String
    public var priority: Priority
    public var message: String
    public var values: JSON
    /// How bad it is within its priority (a score's total), for telling when it got worse.
    public var severity: Int?

    public init(key: String, kind: String, priority: Priority, message: String, values: JSON, severity: Int? = nil) {
        self.key = key
        self.kind = kind
        self.priority = priority
        self.message = message
        self.values = values
        self.severity = severity
    }
}
