/// A device that carries out commands: an insulin pump, a vital-signs monitor. Pure state: the
/// ``CommandResponder`` gives it each command once, with the time.
public protocol Actuator: Sendable {
    /// Carries out `command`, or says why not.
    mutating func execute(_ command: String, parameters: [String: Double], at time: Int64) -> ActuatorOutcome
}

/// What an ``Actuator`` did with a command.
public enum ActuatorOutcome: Sendable, Equatable {
    /// Done; `detail` says what the device now does.
    case completed(detail: String)
    /// Not done, and why.
    case rejected(reason: String)
}
