/// What one group commit writes for devices: readings (duplicates skipped) and quarantined
/// readings (duplicates skipped). Its audit events travel with the ``Change`` that carries it.
public struct IngestCommit: Sendable, Equatable {
    public var readings: [Reading]
    public var quarantine: [QuarantineEntry]
    /// Per device, how many of its quarantined readings were dated ahead of the server's clock:
    /// not stored, told to the analysis (the device's clock-skew alert).
    public var clockAhead: [String: Int]

    public init(readings: [Reading] = [], quarantine: [QuarantineEntry] = [], clockAhead: [String: Int] = [:]) {
        self.readings = readings
        self.quarantine = quarantine
        self.clockAhead = clockAhead
    }
}
