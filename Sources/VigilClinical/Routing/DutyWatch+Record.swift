public import VigilCore

extension DutyWatch.Handoff {
    /// The handoff record, as the alert's history keeps it: who hands over to whom, what is open
    /// since when, who acknowledged it, and the comments so far.
    /// `from user/nina to user/nate; open since 2026-03-03T23:40:00Z: NEWS2 7; acknowledged by
    /// user/nina at 2026-03-03T23:45:00Z; comments: user/nina at 2026-03-03T23:50:00Z "fluids started"`
    public func record(of alert: Alert, history: [AlertHistoryEntry]) -> String {
        func people(_ accounts: [String]) -> String { accounts.isEmpty ? "nobody" : accounts.joined(separator: ", ") }
        let acknowledged =
            alert.acknowledgements.isEmpty
            ? "not acknowledged"
            : "acknowledged by " + alert.acknowledgements.map { "\($0.by) at \(FHIRDateTime.instant(milliseconds: $0.at))" }.joined(separator: ", ")
        let comments = history.filter { $0.kind == .commented }.map {
            "\($0.actor ?? "system") at \(FHIRDateTime.instant(milliseconds: $0.at)) \"\($0.detail ?? "")\""
        }
        return [
            "from \(people(from)) to \(people(to))", "open since \(FHIRDateTime.instant(milliseconds: alert.raised)): \(alert.message)", acknowledged,
        ]
        .joined(separator: "; ") + (comments.isEmpty ? "" : "; comments: " + comments.joined(separator: ", "))
    }
}
