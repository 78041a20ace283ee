/// What one group commit writes for devices: readings, screenings of public-place kiosks,
/// location pings and quarantined readings (duplicates of each skipped). Its audit events travel with the ``Change`` that carries it.
public struct IngestCommit: Sendable, Equatable {
    public var readings: [Reading]
    /// Anonymous screenings (kiosks: a Device with a location and no patient).
    public var screenings: [ScreeningEvent]
    /// Wearers' whereabouts (only of patients who consent).
    public var pings: [LocationPing]
    public var quarantine: [QuarantineEntry]
    /// Per device, how many of its quarantined readings were dated ahead of the server's clock:
    /// not stored, told to the analysis (the device's clock-skew alert).
    public var clockAhead: [String: Int]

    public init(
        readings: [Reading] = [], screenings: [ScreeningEvent] = [], pings: [LocationPing] = [], quarantine: [QuarantineEntry] = [],
        clockAhead: [String: Int] = [:]
    ) {
        self.readings = readings
        self.screenings = screenings
        self.pings = pings
        self.quarantine = quarantine
        self.clockAhead = clockAhead
    }
}
