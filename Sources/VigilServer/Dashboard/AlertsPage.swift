import VigilCore

/// The alert inbox as the page shows it: open alerts of the person's patients, highest priority
/// first and then the oldest, each with who was notified, who acknowledged, and the person's own
/// actions (acknowledge once; resolve with a reason). The alert a notification's link names
/// (`/alerts?alert=12`) comes first, marked; one not in the list is said to be so.
enum AlertsPage {
    /// An account name as people read it (`user/nina` → `nina`).
    static func person(_ name: String) -> String { name.hasPrefix("user/") ? String(name.dropFirst(5)) : name }

    static func values(
        _ alerts: [Alert], histories: [Int64: [AlertHistoryEntry]], names: [String: String], user: UserAccount, csrf: String, now: Int64,
        focus: Int64? = nil
    ) -> [String: Any] {
        let ordered = alerts.sorted {
            ($0.id == focus ? 1 : 0, $0.priority, $1.raised) > ($1.id == focus ? 1 : 0, $1.priority, $0.raised)
        }
        let items: [[String: Any]] = ordered.map { alert in
            let notified = Array(Set((histories[alert.id] ?? []).flatMap(\.recipients))).sorted().map(person)
            let acknowledgedBy = alert.acknowledgements.map { person($0.by) }
            var item: [String: Any] = [
                "id": String(alert.id), "priority": alert.priority.rawValue, "symbol": BoardPage.symbol(alert.priority.rawValue),
                "priorityText": BoardPage.levelText(alert.priority.rawValue), "patientName": names[alert.patient] ?? "Patient/\(alert.patient)",
                "patient": alert.patient, "message": alert.message, "ago": BoardPage.ago(seconds: max(0, (now - alert.raised) / 1000)),
                "statusText": alert.status == .acknowledged ? "acknowledged" : "not acknowledged",
                "escalated": alert.escalation > 0, "escalation": String(alert.escalation),
                "notified": notified.isEmpty ? "nobody yet" : notified.joined(separator: ", "),
                "canAcknowledge": !acknowledgedBy.contains(user.username), "csrf": csrf, "focus": alert.id == focus,
            ]
            // Absent, not an empty string (which the template would show as "acknowledged by").
            if !acknowledgedBy.isEmpty { item["acknowledgedBy"] = acknowledgedBy.joined(separator: ", ") }
            return item
        }
        var values: [String: Any] = ["alerts": items, "count": String(items.count)]
        if let focus, !alerts.contains(where: { $0.id == focus }) { values["missing"] = String(focus) }
        return values
    }
}
