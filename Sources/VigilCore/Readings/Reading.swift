/// One measurement from a device, validated and assigned to its patient: what the store keeps.
///
/// Readings are append-only: never updated; a correction is a new reading.
public struct Reading: Sendable, Equatable, Codable {
    public struct Flags: OptionSet, Sendable, Hashable, Codable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// The device's time was ahead of the server's by more than the tolerance when it arrived.
        public static let futureTimestamp = Flags(rawValue: 1 << 0)
    }

    public var key: ProducerKey
    /// The Patient's FHIR id: the patient the device was linked to at ``time``.
    public var patient: String
    /// LOINC code.
    public var code: String
    public var value: Double
    /// UCUM unit.
    public var unit: String
    /// When the device measured it, in milliseconds since the epoch (device clock).
    public var time: Int64
    /// When the server received it, in milliseconds since the epoch (server clock).
    public var received: Int64
    public var flags: Flags

    public init(key: ProducerKey, patient: String, code: String, value: Double, unit: String, time: Int64, received: Int64, flags: Flags = []) {
        self.key = key
        self.patient = patient
        self.code = code
        self.value = value
        self.unit = unit
        self.time = time
        self.received = received
        self.flags = flags
    }
}

/// A reading as the store returns it: with the id under which it is served as an Observation.
public struct StoredReading: Sendable, Equatable, Codable {
    /// The Observation id: a number assigned by the store.
    public var id: Int64
    public var reading: Reading

    public init(id: Int64, reading: Reading) {
        self.id = id
        self.reading = reading
    }
}
