public import VigilCore

/// How urgently a patient needs attention, to rank a board: who to see first.
///
/// Compared in this order, most urgent first: the highest priority among the patient's open
/// alerts (none last); the highest escalation level of those alerts (nobody answered); how many
/// alerts of that priority are unacknowledged; the early-warning score total (NEWS2 or PEWS); a
/// rising score before a steady one before a falling one; then the oldest open alert first (waiting
/// longest). Ties keep the caller's order.
public struct Urgency: Sendable, Equatable {
    public var topPriority: Priority?
    public var escalation: Int
    public var unacknowledged: Int
    public var score: Int?
    public var trend: Trend?
    /// When the oldest open alert of the top priority was raised.
    public var waitingSince: Int64?

    public init(
        topPriority: Priority? = nil, escalation: Int = 0, unacknowledged: Int = 0, score: Int? = nil, trend: Trend? = nil,
        waitingSince: Int64? = nil
    ) {
        self.topPriority = topPriority
        self.escalation = escalation
        self.unacknowledged = unacknowledged
        self.score = score
        self.trend = trend
        self.waitingSince = waitingSince
    }

    /// The urgency from a patient's open alerts and early-warning score.
    public init(openAlerts: [Alert], score: Int?, trend: Trend?) {
        let top = openAlerts.map(\.priority).max()
        let leading = openAlerts.filter { $0.priority == top }
        self.init(
            topPriority: top, escalation: leading.map(\.escalation).max() ?? 0,
            unacknowledged: leading.filter { $0.status == .active }.count, score: score, trend: trend,
            waitingSince: leading.map(\.raised).min())
    }

    /// Whether `self` should be seen before `other`.
    public func isMoreUrgent(than other: Urgency) -> Bool {
        func rank(_ p: Priority?) -> Int { p.map { Priority.allCases.firstIndex(of: $0)! + 1 } ?? 0 }
        if rank(topPriority) != rank(other.topPriority) { return rank(topPriority) > rank(other.topPriority) }
        if escalation != other.escalation { return escalation > other.escalation }
        if unacknowledged != other.unacknowledged { return unacknowledged > other.unacknowledged }
        if (score ?? -1) != (other.score ?? -1) { return (score ?? -1) > (other.score ?? -1) }
        if (trend?.rank ?? 1) != (other.trend?.rank ?? 1) { return (trend?.rank ?? 1) > (other.trend?.rank ?? 1) }
        return (waitingSince ?? .max) < (other.waitingSince ?? .max)
    }
}

/// Which way a score went between its last two values.
public enum Trend: String, Sendable {
    case rising, steady, falling

    /// The trend of a series of totals, oldest first; nil with fewer than two.
    public init?(_ totals: [Int]) {
        guard totals.count >= 2 else { return nil }
        let (previous, last) = (totals[totals.count - 2], totals[totals.count - 1])
        self = last > previous ? .rising : last < previous ? .falling : .steady
    }

    var rank: Int {
        switch self {
        case .falling: 0
        case .steady: 1
        case .rising: 2
        }
    }
}
