import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// Handoff at a shift change (docs/routing.md#handoff): the open alerts pass to those coming on
/// duty with a record, nobody off duty keeps being reminded, and an alert left with nobody on duty
/// escalates at once.
@Suite struct HandoffTests {
    static func at(_ instant: String) -> Int64 { FHIRDateTime(instant)!.lowerBound }

    static func history(_ client: Client, _ id: Int64) async throws -> [JSON] {
        try await client.get("/api/alerts/\(id)", token: try await client.adminToken()).json?["history"]?.arrayValue ?? []
    }

    /// Ward A is in New York: 23:40 UTC on Tuesday 3 March is 18:40 there.
    @Test func alertsOpenAtSevenBelongToTheNightNurseAtOneSecondPast() async throws {
        let harness = try Harness(clock: TestClock(Self.at("2026-03-03T23:40:00Z")))
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await OnDutyTests.roster(client, world)
            try await AlertRoutesTests.deteriorate(client, world)
            await harness.settle()
            let alert = try #require(try await AlertRoutesTests.alerts(client, world.admin).first)
            let id = try #require(alert["id"]?.int64Value)
            #expect(try await Self.history(client, id).first?["notified"] == ["user/doc", "user/nina", "user/rory"], "the day's people")
            harness.clock.advance(seconds: 5 * 60)
            #expect(try await client.post("/api/alerts/\(id)/ack", token: try await client.token("nina", "password-of-nina"), [:]).status == .ok)
            harness.clock.advance(seconds: 5 * 60)
            let comment = try await client.post(
                "/api/alerts/\(id)/comments", token: try await client.token("nina", "password-of-nina"), ["text": "fluids started"])
            #expect(comment.status == .created)
            harness.clock.advance(seconds: 9 * 60 + 59)
            await harness.settle()
            #expect(try await Self.history(client, id).allSatisfy { $0["kind"] != "handed-over" }, "18:59:59: the day shift still")
            harness.clock.advance(seconds: 2)
            await harness.settle()
            var history = try await Self.history(client, id)
            let handoff = try #require(history.first { $0["kind"] == "handed-over" })
            #expect(handoff["at"] == "2026-03-04T00:00:01Z")
            #expect(handoff["notified"] == ["user/nate", "user/olive"], "the night nurse and the on-call physician; rapid response stays")
            let record = handoff["detail"]?.stringValue ?? ""
            #expect(record.hasPrefix("from user/doc, user/nina to user/nate, user/olive; open since 2026-03-03T23:40:00Z: NEWS2 7"), "\(record)")
            #expect(record.contains("acknowledged by user/nina at 2026-03-03T23:45:00Z"), "\(record)")
            #expect(record.contains(#"comments: user/nina at 2026-03-03T23:50:00Z "fluids started""#), "\(record)")
            // Hers now: open in her list, and the day nurse's acknowledgement no longer stands.
            let mine = try await AlertRoutesTests.alerts(client, try await client.token("nate", "password-of-nate"), "?status=active")
            #expect(mine.map { $0["id"] } == [alert["id"]], "\(mine)")
            var browser = DashboardTests.Browser(client: client)
            _ = try await browser.signIn("nate", "password-of-nate")
            let inbox = try await browser.send(.get, "/alerts")
            #expect(inbox.status == .ok && inbox.text.contains("NEWS2 7"), "the night nurse's inbox")
            // Reminders go to the night, never to the day nurse who went home.
            harness.clock.advance(seconds: 10 * 60)
            await harness.settle()
            history = try await Self.history(client, id)
            let reminders = history.filter { $0["at"]?.stringValue ?? "" > "2026-03-04T00:00:01Z" && $0["kind"] == "renotified" }
            #expect(!reminders.isEmpty, "\(history)")
            #expect(reminders.allSatisfy { ($0["notified"]?.arrayValue ?? []).contains("user/nate") })
            #expect(
                history.filter { $0["at"]?.stringValue ?? "" > "2026-03-04T00:00:00Z" }.allSatisfy {
                    !($0["notified"]?.arrayValue ?? []).contains("user/nina") && !($0["notified"]?.arrayValue ?? []).contains("user/doc")
                })
        }
    }

    /// With the night nurse on leave, the fever alert of the day (the bedside's) goes up to the on-call
    /// physician the second the day nurse leaves, not after an escalation timer.
    @Test func aHandoffToNobodyEscalatesAtOnce() async throws {
        let harness = try Harness(clock: TestClock(Self.at("2026-03-03T23:50:00Z")))
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await OnDutyTests.roster(client, world)
            try await client.put(
                [
                    "resourceType": "PractitionerRole", "practitioner": ["reference": "Practitioner/n3"],
                    "availableTime": [["availableStartTime": "19:00:00", "availableEndTime": "07:00:00"]],
                    "notAvailable": [["description": "leave", "during": ["start": "2026-03-01", "end": "2026-03-10"]]],
                ], id: "n3-night", token: world.admin)
            let reply = try await client.ingest(client.vitals(from: 1, temperature: 38.6), token: world.devices["d1"]!)
            #expect(reply.json?["accepted"] == 5)
            await harness.settle()
            let fever = try #require(try await AlertRoutesTests.alerts(client, world.admin).first { $0["escalation"] == 0 }, "a bedside alert")
            let id = try #require(fever["id"]?.int64Value)
            #expect(try await Self.history(client, id).first?["notified"] == ["user/nina"])
            harness.clock.advance(seconds: 10 * 60 + 1)
            await harness.settle()
            let history = try await Self.history(client, id)
            let handoff = try #require(history.first { $0["kind"] == "handed-over" })
            #expect(handoff["detail"]?.stringValue?.hasPrefix("from user/nina to nobody") == true, "\(history)")
            let escalated = try #require(history.first { $0["kind"] == "escalated" })
            #expect(escalated["at"] == "2026-03-04T00:00:01Z" && escalated["notified"] == ["user/olive"], "\(history)")
            #expect(escalated["detail"] == "level 1: physician; nobody on duty at level 0")
        }
    }
}
