import HTTPTypes
import HummingbirdTesting
import Testing
import VigilBench
import VigilCore

@testable import VigilServer

/// `/api/stream`: live events only for people who may see the patient, authenticated by the first
/// message (never the URL), resumable from the last event id, re-checked while open.
@Suite struct StreamTests {
    static func about(_ patient: String, _ type: String? = nil) -> (JSON) -> Bool {
        { $0["patient"]?.stringValue == "Patient/\(patient)" && (type == nil || $0["type"]?.stringValue == type) }
    }

    @Test func theCareTeamReceivesTheAlertAndAnotherWardsNurseNothingOfThePatient() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let world = try await World.build(client)
            let nina = try await client.stream(token: world["nina"])
            let nora = try await client.stream(token: world["nora"])
            let doc = try await client.stream(token: world["doc"])
            try await AlertRoutesTests.deteriorate(client, world)
            let alert = try #require(await nina.next(where: Self.about("p1", "alert")))
            #expect(alert.json["data"]?["transition"] == "raised")
            #expect(alert.json["data"]?["alert"]?["priority"] == "high")
            #expect(alert.json["data"]?["alert"]?["kind"] == "news2")
            let notification = try #require(await nina.next(where: Self.about("p1", "notification")))
            #expect(notification.json["data"]?["level"] == 2)
            #expect(await nina.next(where: Self.about("p1", "readings")) != nil)
            let score = try #require(await nina.next(where: Self.about("p1", "score")))
            #expect(score.json["data"]?["total"] == 7)
            #expect(await doc.next(where: Self.about("p1", "alert")) != nil)
            #expect(await doc.next(where: Self.about("p1", "notification")) != nil, "NEWS2 7 tells the physician at once")
            // A marker on nora's own ward: once it arrives, p1's events would have too.
            _ = try await client.ingest(client.vitals(from: 1), token: world.devices["d2"]!)
            #expect(await nora.next(where: Self.about("p2", "readings")) != nil)
            #expect(!nora.messages.contains { Self.about("p1")($0.json) })
            #expect(!nina.messages.contains { Self.about("p2")($0.json) })
            for stream in [nina, nora, doc] { await stream.close() }
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            #expect(audit.contains { $0.actor == "user/nina" && $0.resource == "stream" && $0.patient == "p1" })
        }
    }

    @Test func authenticationIsTheFirstMessageNeverTheURL() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let world = try await World.build(client)
            let inURL = client.stream(first: nil, query: "?access_token=\(world["nina"])")
            #expect(await inURL.waitForEnd())
            #expect(inURL.messages.isEmpty)
            for (first, expected) in [
                (StreamClient.authMessage(token: "not-a-token"), "not valid"),
                (StreamClient.authMessage(token: world["ph"]), "de-identified"),
                (StreamClient.authMessage(token: world.devices["d1"]!), "people, not devices"),
                (#"{"type":"subscribe"}"#, "only {\"type\":\"auth\""),
                (#"{"type":"auth","token":"x","lastEventId":"soon"}"#, "lastEventId"),
            ] {
                let stream = client.stream(first: first)
                let error = await stream.next { $0["type"] == "error" }
                #expect(error?.json["message"]?.stringValue?.contains(expected) == true, "\(first): \(stream.messages.map(\.json.text))")
                #expect(await stream.waitForEnd())
                #expect(stream.closeCode == 1008)
            }
            #expect(try await client.get("/api/stream", token: nil).status == .unauthorized)
            let plain = try await client.get("/api/stream", token: world["nina"])
            #expect(plain.status == .upgradeRequired && plain.isOperationOutcome)
        }
    }

    @Test func aReconnectingClientGetsWhatItMissedInOrder() async throws {
        let harness = try Harness()
        try await harness.run(.live) { client in
            let world = try await World.build(client)
            var nina = try await client.stream(token: world["nina"])
            _ = try await client.ingest(client.vitals(from: 1), token: world.devices["d1"]!)
            let seen = try #require(await nina.next(where: Self.about("p1", "score")))
            let lastID = try #require(seen.json["id"]?.int64Value)
            await nina.close()
            try await AlertRoutesTests.deteriorate(client, world, from: 10)
            await harness.settle()
            nina = try await client.stream(token: world["nina"], lastEventID: lastID)
            #expect(nina.messages.first?.json["type"] == "ready")
            #expect(await nina.next { $0["type"] == "alert" && $0["data"]?["transition"] == "raised" } != nil)
            let missed = nina.messages.dropFirst().map(\.json)
            let ids = missed.compactMap { $0["id"]?.int64Value }
            #expect(ids.first.map { $0 > lastID } == true)
            #expect(ids == ids.sorted())
            #expect(missed.contains { $0["type"] == "score" && $0["data"]?["total"] == 7 })
            #expect(missed.allSatisfy { Self.about("p1")($0) })
            await nina.close()
            let tooOld = try await client.stream(token: world["nina"], lastEventID: 1)
            #expect(tooOld.messages.first?.json["type"] == "reset")
            await tooOld.close()
        }
    }

    @Test func leavingTheCareTeamOrLettingTheTokenExpireStopsTheEvents() async throws {
        let harness = try Harness { $0.streamRecheck = .milliseconds(200) }
        try await harness.run(.live) { client in
            let world = try await World.build(client)
            let nina = try await client.stream(token: world["nina"])
            let admin = try await client.stream(token: world.admin)
            try await client.put(
                [
                    "resourceType": "CareTeam", "status": "active", "subject": ["reference": "Group/wardA"],
                    "participant": [["member": ["reference": "Practitioner/doc1"]]],
                ], id: "tA", token: world.admin)
            try await Task.sleep(for: .milliseconds(600))
            _ = try await client.ingest(client.vitals(from: 1), token: world.devices["d1"]!)
            #expect(await admin.next(where: Self.about("p1", "score")) != nil)
            try await Task.sleep(for: .milliseconds(100))
            #expect(!nina.messages.contains { Self.about("p1")($0.json) })
            client.clock.advance(seconds: 901)
            #expect(await nina.next { $0["type"] == "expired" } != nil)
            #expect(await nina.waitForEnd())
            await admin.close()
        }
    }
}
