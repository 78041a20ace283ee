/// How a fleet runs: where it sends, how fast physiology runs, and the seed of its randomness.
public struct FleetOptions: Sendable {
    /// A broker host and port.
    public struct Endpoint: Sendable, Equatable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// Reads `host:port`, or an `mqtt://host:port` URL.
        public init?(_ text: String) {
            let rest = text.hasPrefix("mqtt://") ? String(text.dropFirst(7)) : text
            guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else {
                return nil
            }
            self.init(host: String(rest[..<colon]), port: port)
        }
    }

    public var speed: Double = 1
    public var seed: UInt64 = 1
    /// The MQTT broker for MQTT devices; nil: they send over HTTPS instead.
    public var mqtt: Endpoint?
    /// Vigil's MLLP listener for HL7 monitors; nil: they send over HTTPS instead.
    public var mllp: Endpoint?
    /// Copies of each scenario's patients and devices (load).
    public var copies = 1
    /// The shortest time between two uploads of one device (real time).
    public var uploadInterval: Duration = .milliseconds(250)
    /// The most readings in one upload.
    public var maximumBatch = 1000
    /// Tell every story over and over, from its scenario's `demoStartHour` (`vigil demo`).
    public var replays = false
    /// An MQTT device sends again what no application ack covered after this long.
    public var resendAfter: Duration = .seconds(15)

    public init() {}

    /// How `device` will actually send with these options.
    func transport(of device: Scenario.Device) -> DeviceTransport {
        switch device.transport ?? device.kind.defaultTransport {
        case .mqtt where mqtt == nil, .hl7 where mllp == nil: .https
        case let transport: transport
        }
    }
}
