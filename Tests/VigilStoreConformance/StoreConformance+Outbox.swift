import Testing
import VigilCore

extension StoreConformance {
    static let outboxChecks: [(name: String, check: Check)] = [
        (
            "outbox messages are written with their alert step, each with a stable event id and the alert's id in its payload",
            { store in
                let raised = AlertHistoryEntry(kind: .raised, at: Fixture.t0, actor: nil, detail: "NEWS2 7", recipients: [])
                let escalated = AlertHistoryEntry(kind: .escalated, at: Fixture.t0 + 1, actor: nil, detail: "level 1", recipients: [])
                let messages = [
                    OutboxMessage(
                        step: 0, channel: .webhook, target: "webhook/1", address: "https://a.example/x", payload: #"{"alert":"{alert}"}"#,
                        created: Fixture.t0),
                    OutboxMessage(
                        step: 1, channel: .webhook, target: "webhook/1", address: "https://a.example/x", payload: "{}", created: Fixture.t0 + 1,
                        nextAttempt: Fixture.t0 + 500),
                ]
                let change = AlertChange(alert: sampleAlert(), history: [raised, escalated], audit: [], messages: messages)
                guard case .alerts(let stored) = try await store.applyOne(Change(.alerts([change], derived: [])), sealer: Fixture.sealer).applied
                else { Issue.record("not stored"); return }
                let id = stored[0].id
                let written = try await store.messages(alert: id)
                #expect(written.count == 2 && written.allSatisfy { $0.alert == id && $0.state == .pending && $0.attempts == 0 })
                #expect(written[0].payload == #"{"alert":\#(id)}"#)
                #expect(Set(written.map(\.eventID)).count == 2 && written.allSatisfy { $0.eventID.hasSuffix(":webhook/1:webhook") })
                #expect(try await store.dueMessages(at: Fixture.t0 + 499, limit: 10).map(\.id) == [written[0].id], "the second is not due yet")
                #expect(try await store.dueMessages(at: Fixture.t0 + 500, limit: 10).map(\.id) == written.map(\.id))
                #expect(try await store.pendingMessageCount() == 2)
                // A retry, then a delivery with its history step; a message delivered is never due again.
                let delivered = AlertHistoryEntry(kind: .delivered, at: Fixture.t0 + 9, actor: nil, detail: "webhook/1: 200", recipients: [])
                _ = try await store.applyOne(
                    Change(
                        .deliveries([
                            DeliveryOutcome(
                                message: written[0].id, alert: id, at: Fixture.t0 + 5, result: .retry(next: Fixture.t0 + 60, error: "500")),
                            DeliveryOutcome(
                                message: written[1].id, alert: id, at: Fixture.t0 + 9, result: .delivered(detail: "200"), history: delivered),
                        ])), sealer: Fixture.sealer)
                let after = try await store.messages(alert: id)
                #expect(
                    after[0].state == .pending && after[0].attempts == 1 && after[0].nextAttempt == Fixture.t0 + 60 && after[0].lastError == "500")
                #expect(after[1].state == .delivered && after[1].attempts == 1 && after[0].eventID == written[0].eventID)
                #expect(try await store.dueMessages(at: Fixture.t0 + 10_000, limit: 10).map(\.id) == [written[0].id])
                #expect(try await store.alertHistory(id: id).last == delivered)
                _ = try await store.applyOne(
                    Change(.deliveries([DeliveryOutcome(message: written[0].id, alert: id, at: Fixture.t0 + 61, result: .failed(error: "gone"))])),
                    sealer: Fixture.sealer)
                #expect(try await store.pendingMessageCount() == 0)
                #expect(try await store.messages(alert: id)[0].state == .failed)
            }
        ),
        (
            "webhooks are added and removed, and a removed webhook's pending messages are given up",
            { store in
                guard
                    case .webhook(let hook) = try await store.applyOne(
                        Change(.addWebhook(Webhook(url: "https://a.example/x", priorities: [.high, .medium], created: Fixture.t0))),
                        sealer: Fixture.sealer
                    ).applied
                else { Issue.record("no webhook"); return }
                #expect(try await store.webhooks() == [hook] && hook.id > 0)
                let message = OutboxMessage(step: 0, channel: .webhook, target: hook.target, address: hook.url, payload: "{}", created: Fixture.t0)
                let raised = AlertHistoryEntry(kind: .raised, at: Fixture.t0, actor: nil, detail: nil, recipients: [])
                _ = try await store.applyOne(
                    Change(.alerts([AlertChange(alert: sampleAlert(), history: [raised], audit: [], messages: [message])], derived: [])),
                    sealer: Fixture.sealer)
                _ = try await store.applyOne(Change(.removeWebhook(id: hook.id, at: Fixture.t0 + 1)), sealer: Fixture.sealer)
                #expect(try await store.webhooks().isEmpty)
                #expect(try await store.pendingMessageCount() == 0)
                let missing = await #expect(throws: VigilError.self) {
                    try await store.applyOne(Change(.removeWebhook(id: hook.id, at: Fixture.t0 + 2)), sealer: Fixture.sealer)
                }
                #expect(missing?.code == .notFound)
            }
        ),
    ]
}
