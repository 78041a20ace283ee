public import VigilCore

/// What the rules remember about one patient between readings: the latest value of each code,
/// the state of every sustained condition, recent glucose, the last score of each kind, the
/// conditions raised now and the episodes they form. A value; rebuilt from the store by replaying
/// recent readings.
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
    /// Each measured code's readings of the last smoothing window (``ClinicalPolicy/scoreSmoothingSeconds``),
    /// oldest first, for the scores' median.
    public var recent: [String: [Latest]] = [:]
    public var sustained: [String: SustainedCondition] = [:]
    /// Glucose samples (mg/dL) of the last window, oldest first, one per time.
    public var glucose: [Glucose.Sample] = []
    /// The time of the newest CGM reading, for staleness.
    public var lastCGM: Int64?
    /// The last two totals of each score, oldest first (for the trend).
    public var scoreTotals: [ScoreRecord.Kind: [Int]] = [:]
    /// The last score record of each kind (a new one is emitted only when its result differs).
    public var scores: [ScoreRecord.Kind: ScoreRecord] = [:]
    /// The conditions raised now, by key, with their priority.
    public var raised: [String: Priority] = [:]
    /// A score's condition held at its band while the score is lower (band hysteresis): since
    /// when, and what the condition becomes once the hold is over (nil: it clears).
    public struct Hold: Sendable, Equatable {
        public var since: Int64
        public var then: AlertCondition?
    }

    /// Score conditions held at their band, by key.
    public var held: [String: Hold] = [:]
    /// Open episodes by key (each is one alert).
    public var episodes: [String: Episode] = [:]

    public init() {}

    /// Takes over an episode whose alert is open in the store but that the replayed readings did
    /// not raise (the data that raised it is older than the replay), with the conditions its alert
    /// lists, so that their clearing is noticed.
    public mutating func adopt(_ alert: Alert) {
        guard episodes[alert.key] == nil else { return }
        var episode = Episode()
        let listed = alert.values["conditions"]?.arrayValue ?? []
        let conditions =
            listed.isEmpty
            ? [AlertCondition(key: alert.key, kind: alert.kind, priority: alert.priority, message: alert.message, values: alert.values)]
            : listed.compactMap { item -> AlertCondition? in
                guard let key = item["condition"]?.stringValue, let kind = item["kind"]?.stringValue else { return nil }
                return AlertCondition(
                    key: key, kind: kind, priority: item["priority"]?.stringValue.flatMap(Priority.init(rawValue:)) ?? alert.priority,
                    message: item["message"]?.stringValue ?? alert.message, values: item["values"] ?? nil)
            }
        for condition in conditions {
            episode.conditions[condition.key] = condition
            raised[condition.key] = condition.priority
            if condition.key.hasPrefix("threshold:") {
                sustained[String(condition.key.dropFirst("threshold:".count))] = SustainedCondition(state: .raised(since: alert.raised))
            }
        }
        episode.said = AlertCondition(key: alert.key, kind: alert.kind, priority: alert.priority, message: alert.message, values: alert.values)
        episode.peak = Episode.Peak(priority: alert.priority, severity: 0, message: alert.message, at: alert.raised)
        episodes[alert.key] = episode
    }

    /// Keeps `observation` as the latest of its code unless a newer one is already kept (a late
    /// measurement arriving after a newer one), and among its code's readings of the last
    /// `window` milliseconds.
    public mutating func record(_ observation: ClinicalObservation, window: Int64 = 0) {
        let entry = Latest(value: observation.value, time: observation.time, id: observation.id)
        latest[observation.code, default: entry].keepNewer(entry)
        guard window > 0, case .quantity = observation.value else { return }
        recent[observation.code, default: []].keep(entry, window: window)
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

    /// The median of the newest code's readings in the window ending at its latest (its latest
    /// alone when it has no others), with that latest: what a score reads, so that one reading of
    /// a moving patient or a loose probe does not move it.
    func representative(_ codes: [String], since: Int64) -> (value: Double, latest: Latest)? {
        guard let (value, entry) = quantity(codes, since: since) else { return nil }
        let code = codes.first { latest[$0] == entry } ?? codes[0]
        let values = (recent[code] ?? []).compactMap { reading -> Double? in
            if case .quantity(let v, _) = reading.value, reading.time <= entry.time { return v }
            return nil
        }.sorted()
        guard values.count > 1 else { return (value, entry) }
        let middle = values.count / 2
        return (values.count.isMultiple(of: 2) ? (values[middle - 1] + values[middle]) / 2 : values[middle], entry)
    }
}

extension [PatientState.Latest] {
    /// Keeps `entry` in time order (replacing one of the same time) and drops what is older than
    /// `window` before the newest. In place, and appending in the usual case of a newer reading.
    mutating func keep(_ entry: PatientState.Latest, window: Int64) {
        if let last, entry.time > last.time {
            append(entry)
        } else {
            removeAll { $0.time == entry.time }
            insert(entry, at: firstIndex { $0.time > entry.time } ?? endIndex)
        }
        let oldest = self[endIndex - 1].time - window
        if let first, first.time < oldest { removeFirst(prefix { $0.time < oldest }.count) }
    }
}

/// What the engine says after a batch: scores to store, and alert conditions (episodes) that
/// began, changed, got worse or ended.
public enum EngineOutput: Sendable, Equatable {
    case score(ScoreRecord)
    case raise(AlertCondition)
    /// Still holds, with new values; not worse than when people were last told.
    case update(AlertCondition)
    /// Still holds and got worse: a higher priority, or a score up by the policy's points.
    case worsen(AlertCondition)
    case clear(key: String, values: JSON)
}
