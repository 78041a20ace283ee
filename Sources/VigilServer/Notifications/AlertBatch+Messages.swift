import VigilCore

extension AlertBatch {
    /// The steps webhooks are told of: every step of the alert's history but reminders, which are
    /// for people.
    static let webhookSteps: Set<AlertTransition.Kind> = Set(
        [.raised, .upgraded, .worsened, .acknowledged, .escalated, .handedOver, .resolved, .commented])

    /// Adds to each alert change the outbox messages of its history steps: one per webhook whose
    /// priorities include the alert's, written in the same transaction as the step.
    mutating func addMessages(webhooks: [Webhook], at now: Int64) {
        guard !webhooks.isEmpty else { return }
        for i in changes.indices {
            let alert = changes[i].alert
            let hooks = webhooks.filter { $0.priorities.contains(alert.priority) }
            guard !hooks.isEmpty, !alert.isPublicHealth else { continue }
            var messages: [OutboxMessage] = []
            for (index, step) in historySteps(i).enumerated() where Self.webhookSteps.contains(step.entry.kind) {
                let payload = Self.payload(step)
                for hook in hooks {
                    messages.append(
                        OutboxMessage(step: index, channel: .webhook, target: hook.target, address: hook.url, payload: payload, created: now))
                }
            }
            setMessages(messages, of: i)
        }
    }

    /// A webhook's event: its type, the step and the alert as the step left it; the delivery adds
    /// the event id and the link. The alert's id is `"{alert}"` until stored.
    static func payload(_ step: Step) -> String {
        guard case .object(var alert) = step.alert.json else { preconditionFailure("an alert is a JSON object") }
        alert["id"] = .string("{alert}")
        let event: JSONObject = [
            "type": .string("alert.\(step.entry.kind.rawValue)"), "at": .string(FHIRDateTime.instant(milliseconds: step.entry.at)),
            "alert": .object(alert), "step": step.entry.json,
        ]
        return JSON.object(event).text
    }
}
