/// A vital-signs monitor's settings: its alarm limits, and whether a measurement was asked for.
/// Takes `measure-now` and `set-alarm-limits` (`spo2Low`, `heartRateLow`, `heartRateHigh`).
public struct MonitorSettings: Actuator, Equatable {
    public var alarmLimits: [String: Double] = ["spo2Low": 90, "heartRateLow": 40, "heartRateHigh": 130]
    /// When a measurement was last asked for.
    public var measurementAsked: Int64?

    public init() {}

    public mutating func execute(_ command: String, parameters: [String: Double], at time: Int64) -> ActuatorOutcome {
        switch command {
        case "measure-now":
            measurementAsked = time
            return .completed(detail: "measuring")
        case "set-alarm-limits":
            guard !parameters.isEmpty, parameters.keys.allSatisfy({ alarmLimits[$0] != nil }) else {
                return .rejected(reason: "limits are \(alarmLimits.keys.sorted().joined(separator: ", "))")
            }
            alarmLimits.merge(parameters) { $1 }
            return .completed(
                detail: "alarm limits " + alarmLimits.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        default:
            return .rejected(reason: "a monitor does not \(command)")
        }
    }
}
