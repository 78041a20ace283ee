import VigilClinical
import VigilCore

extension AlertBatch {
    /// The steps webhooks are told of: every step of the alert's history but reminders, which are
    /// for people.
    static let webhookSteps: Set<AlertTransition.Kind> = Set(
        [.raised, .upgraded, .worsened, .acknowledged, .escalated, .handedOver, .resolved, .commented])

    /// Adds to each alert change the outbox messages of its history steps, written in the same
    /// transaction as the step: one per webhook whose priorities include the alert's, and one per
    /// channel that each person told (`people`: their preferences, by account) chose for the
    /// alert's priority, quiet hours allowing.
    mutating func addMessages(webhooks: [Webhook], people: [String: NotificationPreferences], at now: Int64) {
        guard !webhooks.isEmpty || !people.isEmpty else { return }
        for i in changes.indices {
            let alert = changes[i].alert
            let hooks = alert.isPublicHealth ? [] : webhooks.filter { $0.priorities.contains(alert.priority) }
            var messages: [OutboxMessage] = []
            for (index, step) in historySteps(i).enumerated() {
                // Made once per step, and only for a step that has a message.
                var payload: String?
                func message(_ channel: OutboxMessage.Channel, _ target: String, _ address: String) -> OutboxMessage {
                    if payload == nil { payload = Self.payload(step) }
                    return OutboxMessage(step: index, channel: channel, target: target, address: address, payload: payload!, created: now)
                }
                if Self.webhookSteps.contains(step.entry.kind) { messages += hooks.map { message(.webhook, $0.target, $0.url) } }
                for account in step.entry.recipients {
                    for channel in people[account]?.channels(for: alert.priority, at: step.entry.at) ?? [] {
                        messages.append(message(channel.kind, account, channel.address))
                    }
                }
            }
            if !messages.isEmpty { setMessages(messages, of: i) }
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
