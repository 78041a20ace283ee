import VigilClinical
import VigilCore

/// What the analysis service is handed.
enum AnalysisInput: Sendable {
    /// A group commit: the readings it stored (with their ids), and per device how many readings
    /// were refused, and how many of those were dated ahead of the server's clock.
    case committed(readings: [StoredReading], refused: [String: Int], clockAhead: [String: Int], received: Int64)
    /// Observations someone stored through FHIR.
    case observations(patient: String, [ClinicalObservation])
    /// A patient's record changed where the rules read it (birth date, care plan).
    case patientChanged(String)
    /// Time passed.
    case tick
    /// Everything sent before has been analysed: finish the stream.
    case flush(AsyncStream<Void>.Continuation)

    /// How much of the inbox it takes: its readings.
    var weight: Int {
        if case .committed(let readings, _, _, _) = self { return max(1, readings.count) }
        return 1
    }
}
