public import VigilCore

/// What the rules remember about one patient between readings: the latest value of each code,
/// the state of every sustained condition, recent glucose, the last score of each kind and the
/// conditions currently raised. A value; rebuilt from the store by replaying recent readings.
public struct PatientState: Sendable, Equatable {
    public struct Latest: Sendable, Equatable {
        public var value: ClinicalObservation.Value
        public var time: Int64
        public var id: String

        mutating func keepNewer(_ other: Latest) {
            if other.time >= time { self = other }
        }
    }

    public var latest: [String: Latest] = [:]
    public var sustained: [String: SustainedCondition] = [:]
    /// Glucose samples (mg/dL) of the last window, oldest first.
    public var glucose: [Glucose.Sample] = []
    /// The time of the newest CGM reading, for staleness.
    public var lastCGM: Int64?
    /// The last two totals of each score, oldest first (for the trend).
    public var scoreTotals: [ScoreRecord.Kind: [Int]] = [:]
    /// The last score record of each kind (a new one is emitted only when its result differs).
    public var scores: [ScoreRecord.Kind: ScoreRecord] = [:]
    /// The conditions raised now, by key, with their priority.
    public var raised: [String: Priority] = [:]

    public init() {}

    /// Takes over a condition whose alert is open in the store but that the replayed readings did
    /// not raise (the data that raised it is older than the replay), so that its clearing is noticed.
    public mutating func adopt(key: String, priority: Priority, since: Int64) {
        guard raised[key] == nil else { return }
        raised[key] = priority
        if key.hasPrefix("threshold:") {
            sustained[String(key.dropFirst("threshold:".count))] = SustainedCondition(state: .raised(since: since))
        }
    }

    /// Keeps `observation` as the latest of its code unless a newer one is already kept (a late
    /// measurement arriving after a newer one).
    public mutating func record(_ observation: ClinicalObservation) {
        let entry = Latest(value: observation.value, time: observation.time, id: observation.id)
        latest[observation.code, default: entry].keepNewer(entry)
    }

    /// The latest value of any of `codes` measured at or after `since`.
    func latest(_ codes: [String], since: Int64) -> Latest? {
        var newest: Latest?
        for code in codes {
            if let entry = latest[code], entry.time >= since, entry.time > newest?.time ?? .min { newest = entry }
        }
        return newest
    }

    func quantity(_ codes: [String], since: Int64) -> (value: Double, latest: Latest)? {
        guard let entry = latest(codes, since: since), case .quantity(let value, _) = entry.value else { return nil }
        return (value, entry)
    }
}

/// What the engine says after a batch: scores to store and conditions that began, held or ended.
public enum EngineOutput: Sendable, Equatable {
    case score(ScoreRecord)
    case raise(AlertCondition)
    case update(AlertCondition)
    case clear(key: String, values: JSON)
}
