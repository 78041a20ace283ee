import Foundation
import HTTPTypes
import Testing
import VigilBench
import VigilCore

@testable import VigilServer

/// Webhooks (docs/notifications.md): every alert step written to the outbox in the alert's own
/// commit, delivered signed to a real HTTPS receiver, retried through an outage, and never sent to
/// an address inside the network.
@Suite struct WebhookTests {
    static func harness(_ receiver: LocalWebhookReceiver) throws -> Harness {
        try Harness { configuration in
            configuration.webhookAllow = [try! IPNetwork("127.0.0.1/32")]
            configuration.webhookCA = receiver.certificate
        }
    }

    static func addWebhook(_ client: Client, _ receiver: LocalWebhookReceiver, priorities: JSON? = nil) async throws -> JSON {
        var body: JSONObject = ["url": .string(receiver.url)]
        if let priorities { body["priorities"] = priorities }
        let reply = try await client.post("/api/webhooks", token: try await client.adminToken(), .object(body))
        #expect(reply.status == .created, "\(reply.text)")
        let answer = try #require(reply.json)
        try receiver.keep(secret: try #require(answer["secret"]?.stringValue))
        return answer
    }

    @Test func everyStepReachesTheReceiverSignedOnceEvenAfterAnHourOfErrors() async throws {
        let receiver = try LocalWebhookReceiver()
        let harness = try Self.harness(receiver)
        try await harness.run { client in
            let world = try await World.build(client)
            let hook = try await Self.addWebhook(client, receiver)
            #expect(hook["secret"]?.stringValue?.hasPrefix("whsec_") == true && hook["priorities"] == ["high", "medium", "low"])
            let listed = try await client.get("/api/webhooks", token: world.admin)
            #expect(listed.json?["webhooks"]?[0]?["url"]?.stringValue == receiver.url && listed.json?["webhooks"]?[0]?["secret"] == nil)
            // The receiver fails for an hour while the alert is raised, acknowledged and commented on.
            receiver.failing(true)
            try await AlertRoutesTests.deteriorate(client, world)
            await harness.settle()
            let alert = try #require(try await AlertRoutesTests.alerts(client, world.admin).first)
            let id = try #require(alert["id"]?.int64Value)
            #expect(try await client.post("/api/alerts/\(id)/ack", token: world["nina"], [:]).status == .ok)
            for minute in stride(from: 5, through: 60, by: 5) {
                harness.clock.advance(seconds: 5 * 60)
                if minute == 30 {
                    let nina = try await client.token("nina", "password-of-nina")
                    #expect(try await client.post("/api/alerts/\(id)/comments", token: nina, ["text": "on it"]).status == .created)
                }
                await harness.settle()
            }
            let during = receiver.requests
            #expect(!during.isEmpty && during.allSatisfy { $0.status == 500 }, "tried during the outage")
            var messages = try await harness.runtime.store.messages(alert: id)
            #expect(messages.allSatisfy { $0.state == .pending && $0.attempts >= 1 }, "\(messages)")
            var history = try await client.get("/api/alerts/\(id)", token: try await client.adminToken()).json?["history"]?.arrayValue ?? []
            #expect(history.contains { $0["kind"] == "delivery-failed" && $0["detail"]?.stringValue?.contains("answered 500") == true })
            // Back: within the longest wait (15 minutes) every event is accepted, once.
            receiver.failing(false)
            harness.clock.advance(seconds: 15 * 60)
            await harness.settle()
            messages = try await harness.runtime.store.messages(alert: id)
            #expect(messages.count == 3 && messages.allSatisfy { $0.state == .delivered }, "raised, acknowledged, commented: \(messages)")
            let accepted = receiver.requests.filter { $0.status == 200 }
            #expect(Set(accepted.map(\.event)) == Set(messages.map(\.eventID)))
            #expect(accepted.count == messages.count && accepted.allSatisfy { !$0.duplicate })
            #expect(accepted.allSatisfy { $0.valid && $0.idInBody && $0.alert == id }, "signed with the secret; the event id in the body too")
            #expect(accepted.compactMap(\.type).sorted() == ["alert.acknowledged", "alert.commented", "alert.raised"], "reminders are for people")
            #expect(accepted.allSatisfy { $0.link?.hasSuffix("/alerts?alert=\(id)") == true })
            history = try await client.get("/api/alerts/\(id)", token: try await client.adminToken()).json?["history"]?.arrayValue ?? []
            #expect(history.filter { $0["kind"] == "delivered" }.count == messages.count)
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            #expect(audit.filter { $0.actor == "system/outbox" && $0.patient == "p1" }.count == messages.count, "each disclosure audited")
            // Nothing is due any more.
            #expect(try await harness.runtime.store.pendingMessageCount() == 0)
        }
    }

    @Test func onlyTheChosenPrioritiesAreSentAndARemovedWebhookGetsNothing() async throws {
        let receiver = try LocalWebhookReceiver()
        let harness = try Self.harness(receiver)
        try await harness.run { client in
            let world = try await World.build(client)
            let hook = try await Self.addWebhook(client, receiver, priorities: ["low"])
            try await AlertRoutesTests.deteriorate(client, world)
            await harness.settle()
            #expect(receiver.requests.isEmpty, "a high alert is not for a webhook of low priority")
            let id = try #require(hook["id"]?.int64Value)
            #expect(try await client.request(.delete, "/api/webhooks/\(id)", token: world.admin).status == .noContent)
            #expect(try await client.request(.delete, "/api/webhooks/\(id)", token: world.admin).status == .notFound)
            #expect(try await client.get("/api/webhooks", token: world.admin).json?["webhooks"] == [])
        }
    }

    @Test func addressesInsideTheNetworkAreRefusedWhenAddedAndAgainWhenDelivering() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            for url in [
                "http://hooks.example.org/x", "https://127.0.0.1/x", "https://localhost:8443/x", "https://169.254.169.254/latest/meta-data",
                "https://10.1.2.3/x", "https://192.168.1.1/x", "https://[::1]/x", "https://[fd00::1]/x", "https://2130706433/x",
                "https://0x7f000001/x", "https://user:secret@hooks.example.org/x", "ftp://hooks.example.org/x", "not a url",
            ] {
                let reply = try await client.post("/api/webhooks", token: world.admin, ["url": .string(url)])
                #expect(reply.status == .unprocessableContent && reply.isOperationOutcome, "\(url): \(reply.status) \(reply.text)")
            }
            #expect(try await client.post("/api/webhooks", token: world.admin, ["url": 7]).status == .badRequest)
            #expect(
                try await client.post("/api/webhooks", token: world.admin, ["url": "https://a.example/x", "priorities": ["urgent"]]).status
                    == .badRequest)
            for user in ["nina", "doc", "ph", "rita"] {
                #expect(try await client.post("/api/webhooks", token: world[user], ["url": "https://a.example/x"]).status == .forbidden)
                #expect(try await client.get("/api/webhooks", token: world[user]).status == .forbidden)
            }
            // A webhook whose address turned private after it was added (a name that now resolves
            // inside) is refused at delivery, and the refusal is in the alert's history.
            _ = try await harness.runtime.writer.submit(
                Change(.addWebhook(Webhook(url: "https://127.0.0.1:9/x", priorities: [.high], created: harness.clock.now()))))
            try await AlertRoutesTests.deteriorate(client, world)
            await harness.settle()
            let alert = try #require(try await AlertRoutesTests.alerts(client, world.admin).first)
            let history = try await client.get("/api/alerts/\(alert["id"]!.int64Value!)", token: world.admin).json?["history"]?.arrayValue ?? []
            let refused = try #require(history.first { $0["kind"] == "delivery-failed" })
            #expect(refused["detail"]?.stringValue?.contains("127.0.0.1, a loopback, private, link-local or reserved address") == true, "\(refused)")
        }
    }
}
