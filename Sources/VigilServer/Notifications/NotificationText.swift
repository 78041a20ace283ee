import VigilCore

/// What an e-mail, a text or a page says of an alert step: its priority, what happened and the
/// alert's message, and a link to the dashboard, where signing in is required to see the patient.
/// No name or identifier of the patient: whoever reads it over a shoulder learns nothing about them.
struct NotificationText {
    let subject: String
    let body: String
    /// A text or a page: one line of at most 300 characters.
    let short: String

    /// From an outbox payload (``AlertBatch/payload(_:)``) and the link to the alert.
    init(event: JSON, link: String) {
        let priority = (event["alert"]?["priority"]?.stringValue ?? "").uppercased()
        let step = event["step"]?["kind"]?.stringValue ?? "changed"
        let message = event["alert"]?["message"]?.stringValue ?? ""
        let what: String =
            switch step {
            case "raised": "new alert"
            case "resolved": "all clear"
            case "handed-over": "handed over to you"
            case "renotified": "reminder"
            default: step
            }
        subject = "Vigil: \(priority) \(what): \(message)"
        var lines = ["\(priority) priority, \(what): \(message)"]
        if let detail = event["step"]?["detail"]?.stringValue, detail != message, step != "raised" { lines.append(detail) }
        if let at = event["step"]?["at"]?.stringValue { lines.append("At \(at)") }
        lines += ["", "Open the alert (sign-in required): \(link)", "", "Sent by Vigil. Do not reply: acknowledge on the dashboard."]
        body = lines.joined(separator: "\n")
        short = String("Vigil \(priority) \(what): \(message)".prefix(300 - link.count - 1)) + " " + link
    }
}
