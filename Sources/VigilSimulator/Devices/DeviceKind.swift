/// The kinds of device the simulator knows, what each measures and how often (seconds of
/// physiological time), as the real ones do by default; a scenario may change the cadence.
public enum DeviceKind: String, Sendable, Codable, CaseIterable {
    case pulseOximeter = "pulse-oximeter"
    case bedsideMonitor = "bedside-monitor"
    /// A spot-check vital-signs monitor a nurse takes round the ward: all five NEWS2 vital signs
    /// every 4 hours.
    case spotCheckMonitor = "spot-check-monitor"
    case bloodPressureCuff = "bp-cuff"
    case thermometer
    case cgm
    case peakFlowMeter = "peak-flow-meter"
    case smartwatch

    /// Each vital sign measured, with its default interval in seconds.
    public var cadence: [Vital: Double] {
        switch self {
        case .pulseOximeter: [.spo2: 30, .heartRate: 30]
        // Continuous parameters each minute; non-invasive pressure and temperature every 15 minutes.
        case .bedsideMonitor: [.heartRate: 60, .respiratoryRate: 60, .spo2: 60, .systolic: 900, .diastolic: 900, .temperature: 900]
        case .spotCheckMonitor:
            [.heartRate: 4 * 3600, .respiratoryRate: 4 * 3600, .spo2: 4 * 3600, .systolic: 4 * 3600, .diastolic: 4 * 3600, .temperature: 4 * 3600]
        case .bloodPressureCuff: [.systolic: 4 * 3600, .diastolic: 4 * 3600, .heartRate: 4 * 3600]
        case .thermometer: [.temperature: 4 * 3600]
        case .cgm: [.glucose: 300]
        case .peakFlowMeter: [.peakFlow: 12 * 3600]
        case .smartwatch: [.heartRate: 300, .steps: 3600, .sleep: 24 * 3600]
        }
    }

    /// Whether it runs on a battery (and reports its charge every hour).
    public var batteryPowered: Bool { self != .bedsideMonitor }

    /// Battery charge used per hour, in percent.
    var drainPerHour: Double {
        switch self {
        case .pulseOximeter, .smartwatch: 1.5
        case .cgm: 0.6
        default: 0.2
        }
    }

    /// How such a device usually reaches a server.
    public var defaultTransport: DeviceTransport { self == .bedsideMonitor ? .hl7 : .https }
}

/// How a simulated device sends its readings.
public enum DeviceTransport: String, Sendable, Codable, CaseIterable {
    /// `POST /api/ingest` with the device's token.
    case https
    /// Through the MQTT broker, keeping each reading until the application acknowledgement.
    case mqtt
    /// IHE PCD-01 over MLLP, through a gateway that holds each message until its ACK.
    case hl7
}
