/// An insulin pump's basal delivery: a programmed rate that a suspension stops for a while.
/// Takes `suspend-basal` (`minutes`), `resume-basal` and `set-basal-rate` (`rate`, U/h), and
/// refuses rates beyond its own maximum whatever the server allowed.
public struct InsulinPump: Actuator, Equatable {
    /// The programmed basal rate (U/h).
    public var programmedRate: Double
    /// Until when basal delivery is suspended (milliseconds), when it is.
    public var suspendedUntil: Int64?
    /// The highest rate the pump runs (U/h).
    public var maximumRate: Double

    public init(programmedRate: Double, maximumRate: Double = 10) {
        (self.programmedRate, self.maximumRate) = (programmedRate, maximumRate)
    }

    /// The basal rate delivered at `time` (U/h): 0 while suspended.
    public func basalRate(at time: Int64) -> Double {
        if let suspendedUntil, time < suspendedUntil { return 0 }
        return programmedRate
    }

    public mutating func execute(_ command: String, parameters: [String: Double], at time: Int64) -> ActuatorOutcome {
        switch command {
        case "suspend-basal":
            guard let minutes = parameters["minutes"], minutes > 0, minutes <= 240 else { return .rejected(reason: "minutes must be 1 to 240") }
            suspendedUntil = time + Int64(minutes * 60_000)
            return .completed(detail: "basal suspended for \(Int(minutes)) min")
        case "resume-basal":
            suspendedUntil = nil
            return .completed(detail: "basal resumed at \(programmedRate) U/h")
        case "set-basal-rate":
            guard let rate = parameters["rate"], rate >= 0, rate <= maximumRate else {
                return .rejected(reason: "rate must be 0 to \(maximumRate) U/h")
            }
            programmedRate = rate
            return .completed(detail: "basal rate \(rate) U/h")
        default:
            return .rejected(reason: "an insulin pump does not \(command)")
        }
    }
}
