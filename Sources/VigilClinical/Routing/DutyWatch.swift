public import VigilCore

/// Watches who is on duty for each open alert (those on duty at its levels, ``DutyRoster``) and
/// says when that changes: at a shift change the outgoing hand the alert over to the incoming, and
/// when nobody is on duty at its levels it escalates at once. A value, fed the time; it remembers
/// only who held each alert when last seen.
public struct DutyWatch: Sendable {
    /// Who hands an alert over to whom; `staying` are on duty still.
    public struct Handoff: Sendable, Equatable {
        public var from: [String]
        public var to: [String]
        public var staying: [String]
    }

    /// What an alert needs now that duty changed.
    public struct Staffing: Sendable, Equatable {
        public var handoff: Handoff?
        /// The level to escalate to at once, when nobody is on duty at the alert's levels.
        public var escalateTo: Int?
        /// The alert's level when seen.
        var from = 0

        /// The lifecycle events, in order; the handoff with its `record`.
        public func events(record: String) -> [AlertLifecycle.Event] {
            (handoff.map { [.handOver(from: $0.from, to: $0.to, staying: $0.staying, record: record)] } ?? [])
                + (escalateTo.map { [.escalateNow(to: $0, reason: "nobody on duty at " + (from == 0 ? "level 0" : "levels 0–\(from)"))] } ?? [])
        }
    }

    private struct Holding: Sendable {
        var level: Int
        var accounts: Set<String>
    }

    private var holdings: [Int64: Holding] = [:]

    public init() {}

    /// What `alert` needs at `time` given its patient's `roster`, nil when nothing changed. The
    /// first sight of an alert, or of it at a new level, is remembered without a handoff.
    public mutating func staffing(of alert: Alert, roster: DutyRoster, at time: Int64, policy: EscalationPolicy) -> Staffing? {
        guard !roster.members.isEmpty else {
            holdings[alert.id] = nil
            return nil
        }
        let duties = roster.duties(at: time).filter(\.onDuty)
        let holders = Set(duties.filter { $0.level <= alert.escalation }.map(\.account))
        let previous = holdings[alert.id]
        holdings[alert.id] = Holding(level: alert.escalation, accounts: holders)
        var staffing = Staffing(from: alert.escalation)
        if let previous, previous.level == alert.escalation, previous.accounts != holders {
            staffing.handoff = Handoff(
                from: previous.accounts.subtracting(holders).sorted(), to: holders.subtracting(previous.accounts).sorted(),
                staying: holders.intersection(previous.accounts).sorted())
        }
        var remaining = alert
        remaining.acknowledgements.removeAll { staffing.handoff?.from.contains($0.by) == true }
        if holders.isEmpty, alert.escalation + 1 < policy.levels.count, !AlertLifecycle.isAnswered(remaining, policy: policy) {
            staffing.escalateTo =
                (alert.escalation + 1..<policy.levels.count).first { level in duties.contains { $0.level <= level } } ?? policy.levels.count - 1
        }
        return staffing.handoff == nil && staffing.escalateTo == nil ? nil : staffing
    }

    /// Forgets the alerts no longer open.
    public mutating func keep(_ open: Set<Int64>) {
        holdings = holdings.filter { open.contains($0.key) }
    }
}
