/// What a simulated device produces, reading after reading, on physiological time: a patient's
/// device (``DeviceModel``), a smartwatch with its wearer's whereabouts (``Wearer``), a screening
/// kiosk (``ScreeningKiosk``).
public protocol ReadingSource: Sendable {
    /// When (physiological seconds) the next reading is due.
    var nextDue: Double { get }
    /// The readings due at or before `seconds` not yet returned.
    mutating func readings(until seconds: Double) -> [SimulatedReading]
    /// Whether this upload is sent twice (the duplicates artefact).
    mutating func sendsTwice(atSeconds seconds: Double) -> Bool
}

extension DeviceModel: ReadingSource {}
