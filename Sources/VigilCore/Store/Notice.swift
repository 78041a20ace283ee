/// Something to tell once the ``Change`` carrying it is stored: the live events of dashboards,
/// typed, and what every node's own state must count.
public enum Notice: Sendable, Equatable, Codable {
    case score(ScoreNotice)
    case alert(AlertNotice)
    /// Counted by the sign-in throttle of every node; never shown.
    case signIn(SignInAttempt)
}

/// A score the rules computed, stored as an Observation.
public struct ScoreNotice: Sendable, Equatable, Codable {
    public var patient: String
    /// `news2`, `pews`, `qsofa`.
    public var score: String
    public var total: Int
    public var band: String?
    /// Whether some of its parameters were assumed normal.
    public var partial: Bool
    /// `Observation/ID`.
    public var observation: String
    /// When it applies, in milliseconds since the epoch.
    public var time: Int64

    public init(patient: String, score: String, total: Int, band: String?, partial: Bool, observation: String, time: Int64) {
        (self.patient, self.score, self.total, self.band, self.partial, self.observation, self.time) =
            (patient, score, total, band, partial, observation, time)
    }
}

/// One step of an alert's lifecycle: the alert as the step left it, and whom it notifies.
public struct AlertNotice: Sendable, Equatable, Codable {
    public var transition: AlertTransition.Kind
    /// Who acted (`user/NAME`), nil for the rules and the clock.
    public var by: String?
    public var alert: Alert
    /// Those told (`user/NAME`), at escalation levels 0 through ``level``.
    public var recipients: [String]
    public var level: Int
    /// Whether it tells them the condition has cleared.
    public var allClear: Bool
    /// What a person wrote (a comment).
    public var text: String?
    /// For an alert not stored yet (id 0): its index among the change's alerts, so that the
    /// writer can give the notice the stored id.
    public var index: Int?

    public init(
        transition: AlertTransition.Kind, by: String?, alert: Alert, recipients: [String] = [], level: Int = 0, allClear: Bool = false,
        text: String? = nil, index: Int? = nil
    ) {
        (self.transition, self.by, self.alert, self.recipients, self.level, self.allClear, self.text, self.index) =
            (transition, by, alert, recipients, level, allClear, text, index)
    }
}
