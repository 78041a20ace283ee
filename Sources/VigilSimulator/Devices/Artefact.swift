/// Something that goes wrong with a device, as it does with real ones, during a window of
/// physiological time.
///
/// ```json
/// {"kind": "probe-off", "atHour": 1.5, "minutes": 4}
/// {"kind": "clock-drift", "atHour": 0, "secondsPerHour": 20}
/// ```
public struct Artefact: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A finger probe falls off: no SpO2 or pulse while it is off.
        case probeOff = "probe-off"
        /// The patient moves: pulse reads high and SpO2 low and noisy.
        case motion
        /// The battery drains to empty by `atHour`; from then the device is silent.
        case batteryDead = "battery-dead"
        /// The device stops sending (for `minutes`, or for good).
        case silent
        /// The device's clock runs ahead by `secondsPerHour` from `atHour`.
        case clockDrift = "clock-drift"
        /// Each upload is sent twice with this `probability` (a retry after a lost answer).
        case duplicates
    }

    public var kind: Kind
    public var atHour: Double
    /// How long it lasts; nil: to the end.
    public var minutes: Double?
    public var secondsPerHour: Double?
    public var probability: Double?

    public init(kind: Kind, atHour: Double, minutes: Double? = nil, secondsPerHour: Double? = nil, probability: Double? = nil) {
        self.kind = kind
        self.atHour = atHour
        self.minutes = minutes
        self.secondsPerHour = secondsPerHour
        self.probability = probability
    }

    /// Whether it is happening at `hour`.
    public func isActive(atHour hour: Double) -> Bool {
        hour >= atHour && minutes.map { hour < atHour + $0 / 60 } ?? true
    }
}

extension [Artefact] {
    func active(_ kind: Artefact.Kind, atHour hour: Double) -> Artefact? {
        first { $0.kind == kind && $0.isActive(atHour: hour) }
    }
}
