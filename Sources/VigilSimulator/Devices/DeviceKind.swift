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
    /// Measures nothing; carries out commands (suspend or resume basal delivery, set its rate).
    case insulinPump = "insulin-pump"

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
        case .insulinPump: [:]
        }
    }

    /// The device type it is registered as for commands (`urn:vigil:device-type`, the command
    /// policy's names), when it carries any out: over MQTT it obeys and answers them.
    public var commandType: String? {
        switch self {
        case .insulinPump: "insulin-pump"
        case .bedsideMonitor, .spotCheckMonitor: "vital-signs-monitor"
        default: nil
        }
    }

    /// What listens for its commands on the broker and carries them out, when it takes any.
    func commandListener(device: String, token: String, host: String, port: Int) -> (any CommandListener)? {
        switch self {
        case .insulinPump: ActuatorLink(device: device, token: token, host: host, port: port, actuator: InsulinPump(programmedRate: 0.8))
        case .bedsideMonitor, .spotCheckMonitor: ActuatorLink(device: device, token: token, host: host, port: port, actuator: MonitorSettings())
        default: nil
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
