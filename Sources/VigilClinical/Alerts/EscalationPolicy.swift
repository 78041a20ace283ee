public import VigilCore

/// Who is told about an alert, and how insistently: re-notification while nobody acknowledges, and
/// escalation to the next level of the patient's care team when nobody acknowledges in time.
public struct EscalationPolicy: Sendable, Codable, Equatable {
    /// The roles notified at each escalation level, first to last (the last is the last resort).
    public var levels: [[String]]
    /// Seconds between re-notifications of an unacknowledged alert, by priority (absent: none).
    public var renotifySeconds: [Priority: Int]
    /// Seconds without acknowledgement before escalating to the next level, by priority (absent: never).
    public var escalateSeconds: [Priority: Int]
    /// Whether one person's acknowledgement stops re-notifying everyone else too.
    public var acknowledgementSilencesAll: Bool

    /// Nurses (ward, school) and carers first, then physicians, then administrators; high
    /// priority escalates after 5 minutes, medium after 15; re-notification every 2 / 5 / 15 minutes.
    public static let standard = EscalationPolicy(
        levels: [["nurse", "school-nurse", "caregiver"], ["physician"], ["admin"]],
        renotifySeconds: [.high: 120, .medium: 300, .low: 900],
        escalateSeconds: [.high: 300, .medium: 900],
        acknowledgementSilencesAll: false
    )
}
