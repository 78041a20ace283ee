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

extension AnalysisInput {
    /// Whether ``merged(_:)`` can take it.
    var isCommit: Bool {
        if case .committed = self { return true }
        return false
    }

    /// Commits that came one after the other, as one (their readings in order, refusals added
    /// up, received when the last was), so that the rules take them in one pass.
    /// - Precondition: every input is a commit.
    static func merged(_ commits: [AnalysisInput]) -> AnalysisInput {
        var readings: [StoredReading] = []
        readings.reserveCapacity(commits.reduce(0) { $0 + $1.weight })
        var refused: [String: Int] = [:]
        var clockAhead: [String: Int] = [:]
        var received: Int64 = 0
        for case .committed(let more, let moreRefused, let moreAhead, let time) in commits {
            readings += more
            refused.merge(moreRefused, uniquingKeysWith: +)
            clockAhead.merge(moreAhead, uniquingKeysWith: +)
            received = time
        }
        return .committed(readings: readings, refused: refused, clockAhead: clockAhead, received: received)
    }
}
