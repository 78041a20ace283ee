import Foundation
import HTTPTypes
import Testing
import VigilBench
import VigilCore

@testable import VigilServer

/// People told beyond the dashboard (docs/notifications.md#people): e-mail through a real SMTP
/// server (Python's aiosmtpd) and texts through an HTTP gateway, by each person's choice of
/// channels per priority and quiet hours; a person who cannot be reached escalates the alert.
@Suite struct PeopleNotificationTests {
    static func harness(_ receivers: LocalNotificationReceivers) throws -> Harness {
        try Harness { configuration in
            (configuration.smtpHost, configuration.smtpPort, configuration.smtpFrom) = ("127.0.0.1", receivers.smtpPort, "vigil@hospital.example")
            configuration.smsGateway = receivers.gatewayURL
            configuration.smsGatewayToken = "gateway-token"
            configuration.publicURL = "https://vigil.hospital.example"
        }
    }

    /// Nina wants e-mail for everything and texts for high priority, with quiet hours around the
    /// test clock's 08:00 in London.
    static let nina: JSON = [
        "channels": [
            ["kind": "email", "address": "nina@hospital.example"], ["kind": "sms", "address": "+4520304050", "priorities": ["high"]],
        ],
        "quietHours": ["start": "07:00", "end": "09:00", "timeZone": "Europe/London"],
    ]

    @Test func aHighAlertReachesTheNurseByMailAndTextAndQuietHoursHoldBackTheRest() async throws {
        let receivers = try LocalNotificationReceivers()
        let harness = try Self.harness(receivers)
        try await harness.run { client in
            let world = try await World.build(client)
            let stored = try await client.put("/api/me/notifications", token: world["nina"], Self.nina)
            #expect(stored.status == .ok && stored.json?["channels"]?[0]?["priorities"] == ["high", "medium", "low"], "\(stored.text)")
            #expect(try await client.get("/api/me/notifications", token: world["nina"]).json == stored.json)
            // A fever (low priority) in quiet hours: told on the dashboard, not by mail.
            _ = try await client.ingest(client.vitals(from: 1, temperature: 38.6), token: world.devices["d1"]!)
            await harness.settle()
            let fever = try #require(try await AlertRoutesTests.alerts(client, world.admin).first)
            #expect(fever["priority"] == "low")
            #expect(receivers.messages.isEmpty, "quiet hours hold back a low-priority alert")
            // High priority goes through quiet hours.
            try await AlertRoutesTests.deteriorate(client, world, from: 10)
            await harness.settle()
            let high = try #require(try await AlertRoutesTests.alerts(client, world.admin, "?priority=high").first)
            let id = try #require(high["id"]?.int64Value)
            let messages = receivers.messages
            let mail = try #require(messages.first { $0.channel == "email" }, "\(messages)")
            #expect(mail.to == "nina@hospital.example" && mail.subject?.hasPrefix("Vigil: HIGH upgraded: NEWS2 7") == true, "\(mail)")
            #expect(mail.body?.contains("https://vigil.hospital.example/alerts?alert=\(id)") == true, "\(mail.body ?? "")")
            #expect(mail.body?.contains("Patient-p1") == false && mail.subject?.contains("p1") == false, "nothing that names the patient")
            let text = try #require(messages.first { $0.channel == "sms" })
            #expect(text.to == "+4520304050" && text.authorization == "Bearer gateway-token")
            #expect(text.text?.hasSuffix("https://vigil.hospital.example/alerts?alert=\(id)") == true && (text.text?.count ?? 999) <= 300)
            #expect(messages.count == 2, "doc and rory chose nothing: \(messages)")
            let history = try await client.get("/api/alerts/\(id)", token: world.admin).json?["history"]?.arrayValue ?? []
            let delivered = history.filter { $0["kind"] == "delivered" }.compactMap { $0["detail"]?.stringValue }
            #expect(delivered.contains { $0.hasPrefix("email to user/nina accepted") && $0.contains("250") }, "\(delivered)")
            #expect(delivered.contains { $0.hasPrefix("sms to user/nina accepted") }, "\(delivered)")
            #expect(mail.messageId == "<2.user.nina.email@vigil>", "the event id, for the mail to be recognised if sent twice")
        }
    }

    @Test func preferencesThatCannotBeReadAreRefused() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            for (body, place) in [
                (["channels": [["kind": "fax", "address": "123456"]]] as JSON, "channels[0].kind"),
                (["channels": [["kind": "email", "address": "nina@localhost"]]], "channels[0].address"),
                (["channels": [["kind": "email", "address": "nina@x.org\r\nBcc: all@x.org"]]], "channels[0].address"),
                (["channels": [["kind": "sms", "address": "+45 20 30"]]], "channels[0].address"),
                (["channels": [["kind": "email", "address": "n@x.org", "priorities": ["urgent"]]]], "channels[0].priorities"),
                (["channels": [], "quietHours": ["start": "22:00", "end": "07:00", "timeZone": "Mars/Olympus"]], "quietHours"),
                (
                    ["channels": [], "quietHours": ["start": "25:00", "end": "07:00", "timeZone": "UTC"]],
                    "quietHours.availableTime[0].availableStartTime"
                ),
            ] {
                let reply = try await client.put("/api/me/notifications", token: world["nina"], body)
                #expect(reply.status == .badRequest || reply.status == .unprocessableContent, "\(body): \(reply.text)")
                #expect(reply.json?["issue"]?[0]?["expression"] == [.string(place)], "\(reply.text)")
            }
            #expect(try await client.put("/api/me/notifications", token: world.devices["d1"]!, ["channels": []]).status == .forbidden)
            #expect(try await client.get("/api/me/notifications", token: world["nina"]).json == ["channels": []], "nothing stored")
        }
    }

    /// NEWS2 5 (medium) tells the nurse and the physician; the nurse's mail keeps failing, so
    /// after three tries the alert goes up to rapid response.
    @Test func aPersonWhoCannotBeReachedEscalatesTheAlert() async throws {
        let receivers = try LocalNotificationReceivers()
        let harness = try Self.harness(receivers)
        try await harness.run { client in
            let world = try await World.build(client)
            #expect(
                try await client.put(
                    "/api/me/notifications", token: world["nina"], ["channels": [["kind": "email", "address": "nina@hospital.example"]]]
                )
                .status == .ok)
            receivers.failing(true)
            let reply = try await client.ingest(
                client.vitals(from: 1, respiratoryRate: 21, spo2: 95, systolic: 110, heartRate: 95), token: world.devices["d1"]!)
            #expect(reply.json?["accepted"] == 5)
            await harness.settle()
            let alert = try #require(try await AlertRoutesTests.alerts(client, world.admin).first)
            #expect(alert["priority"] == "medium" && alert["escalation"] == 1, "\(alert)")
            let id = try #require(alert["id"]?.int64Value)
            for seconds: Int64 in [5, 10] {
                harness.clock.advance(seconds: seconds)
                await harness.settle()
            }
            let history = try await client.get("/api/alerts/\(id)", token: world.admin).json?["history"]?.arrayValue ?? []
            let escalated = try #require(history.first { $0["kind"] == "escalated" }, "\(history)")
            #expect(escalated["detail"]?.stringValue?.hasPrefix("level 2: rapid response; email to user/nina failed 3 times") == true, "\(escalated)")
            #expect(escalated["notified"]?.arrayValue?.contains("user/rory") == true)
            #expect(history.contains { $0["kind"] == "delivery-failed" && $0["detail"]?.stringValue?.contains("451") == true })
            #expect(receivers.messages.isEmpty)
        }
    }
}
