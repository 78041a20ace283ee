import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// `/api/alerts`: raised by the rules from committed readings, seen only by the patient's care
/// team, acknowledged, resolved and commented by people, escalated by the clock; every step
/// stored with who was notified, and audited.
@Suite struct AlertRoutesTests {
    /// Vitals scoring NEWS2 7 (respiratory rate 25: 3, SpO2 94: 1, systolic 105: 1, heart rate 115: 2).
    static func deteriorate(_ client: Client, _ world: World, from seq: Int = 1) async throws {
        let reply = try await client.ingest(
            client.vitals(from: seq, respiratoryRate: 25, spo2: 94, systolic: 105, heartRate: 115), token: world.devices["d1"]!)
        #expect(reply.json?["accepted"] == 5, "\(reply.text)")
    }

    static func alerts(_ client: Client, _ token: String, _ query: String = "") async throws -> [JSON] {
        let reply = try await client.get("/api/alerts" + query, token: token)
        #expect(reply.status == .ok, "\(reply.text)")
        return reply.json?["alerts"]?.arrayValue ?? []
    }

    @Test func aNEWS2OfSevenRaisesOneHighAlertSeenOnlyByThePatientsCareTeam() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.deteriorate(client, world)
            await harness.settle()
            let seen = try await Self.alerts(client, world["nina"])
            #expect(seen.count == 1)
            let alert = try #require(seen.first)
            #expect(alert["patient"] == "Patient/p1")
            #expect(alert["kind"] == "news2")
            #expect(alert["priority"] == "high")
            #expect(alert["status"] == "active")
            #expect(alert["condition"] == "deterioration")
            #expect(alert["escalation"] == 2, "NEWS2 7 calls for every level at once")
            #expect(alert["raised"]?.stringValue == client.clock.instant)
            #expect(alert["values"]?["total"] == 7)
            #expect(try await Self.alerts(client, world["doc"]).count == 1)
            #expect(try await Self.alerts(client, world.admin).count == 1)
            #expect(try await Self.alerts(client, world["nora"]).isEmpty)
            #expect(try await Self.alerts(client, world["sally"]).isEmpty)
            // Public health sees only the alerts about places; research none.
            #expect(try await Self.alerts(client, world["ph"]).isEmpty)
            #expect(try await client.get("/api/alerts", token: world["rita"]).status == .forbidden)
            #expect(try await client.get("/api/alerts", token: world.devices["d1"]!).status == .forbidden)
            // The same readings again and more of the same: still one alert.
            try await Self.deteriorate(client, world, from: 10)
            await harness.settle()
            #expect(try await Self.alerts(client, world.admin).count == 1)
            let id = try #require(alert["id"]?.int64Value)
            let detail = try await client.get("/api/alerts/\(id)", token: world["nina"])
            let raised = try #require(detail.json?["history"]?[0])
            #expect(raised["kind"] == "raised")
            #expect(raised["notified"] == ["user/doc", "user/nina", "user/rory"], "the nurse, the physician and rapid response at once")
            #expect(try await client.get("/api/alerts/\(id)", token: world["nora"]).status == .notFound)
            #expect(try await client.get("/api/alerts/999999", token: world.admin).status == .notFound)
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            #expect(audit.contains { $0.actor == "system/rules" && $0.resource == "Alert/\(id)" && $0.detail == "raised" && $0.patient == "p1" })
            #expect(audit.contains { $0.actor == "user/nina" && $0.action == .read && $0.resource == "Alert/\(id)" && $0.patient == "p1" })
            #expect(audit.contains { $0.actor == "user/nora" && $0.resource == "Alert/\(id)" && $0.outcome == .minorFailure })
        }
    }

    /// Several nodes on one database: another node acknowledged the alert (stored, not yet heard
    /// of here) when a nurse acknowledges it here. The store refuses the change that follows the
    /// older state; the alert center reads the alert again and acknowledges that: neither
    /// acknowledgement is lost.
    @Test func anAlertChangedElsewhereMeanwhileIsReadAgainAndNoAcknowledgementIsLost() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.deteriorate(client, world)
            await harness.settle()
            let id = try #require(try await Self.alerts(client, world["nina"]).first?["id"]?.int64Value)
            let store = harness.runtime.store
            let before = try #require(try await store.alert(id: id))
            var elsewhere = before
            elsewhere.status = .acknowledged
            elsewhere.acknowledgements = [Alert.Acknowledgement(by: "user/doc", at: before.updated + 1, level: 1)]
            elsewhere.updated = before.updated + 1
            let entry = AlertHistoryEntry(kind: .acknowledged, at: elsewhere.updated, actor: "user/doc", detail: nil, recipients: [])
            let written = try await store.apply(
                [Change(.alerts([AlertChange(alert: elsewhere, history: [entry], audit: [], follows: before.updated)], derived: []))],
                sealer: harness.runtime.sealer)
            guard case .success = written.outcomes.first else { Issue.record("the other node's change was refused: \(written.outcomes)"); return }
            let ack = try await client.post("/api/alerts/\(id)/ack", token: world["nina"], [:])
            #expect(ack.status == .ok, "\(ack.text)")
            let stored = try #require(try await store.alert(id: id))
            #expect(stored.acknowledgements.map(\.by) == ["user/doc", "user/nina"])
        }
    }

    @Test func filtersNarrowTheListAndBadFiltersAreRefused() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.deteriorate(client, world)
            await harness.settle()
            let admin = world.admin
            #expect(try await Self.alerts(client, admin, "?status=active,acknowledged&priority=high").count == 1)
            #expect(try await Self.alerts(client, admin, "?patient=Patient/p1&kind=news2").count == 1)
            #expect(try await Self.alerts(client, admin, "?patient=p2").isEmpty)
            #expect(try await Self.alerts(client, admin, "?status=resolved").isEmpty)
            #expect(try await Self.alerts(client, admin, "?priority=low,medium").isEmpty)
            #expect(try await Self.alerts(client, admin, "?since=2026-03-01T09:00:00Z").isEmpty)
            #expect(try await Self.alerts(client, admin, "?since=2026-03-01").count == 1)
            #expect(try await Self.alerts(client, admin, "?_count=0").isEmpty)
            for bad in ["?status=open", "?priority=urgent", "?since=yesterday", "?patient=Device/d1", "?sort=raised", "?_count=-1"] {
                let reply = try await client.get("/api/alerts" + bad, token: admin)
                #expect(reply.status == .badRequest && reply.isOperationOutcome, "\(bad): \(reply.status)")
            }
        }
    }

    @Test func peopleAcknowledgeCommentAndResolveWithAReason() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.deteriorate(client, world)
            await harness.settle()
            let id = try #require(try await Self.alerts(client, world["nina"]).first?["id"]?.int64Value)
            #expect(try await client.request(.post, "/api/alerts/\(id)/ack", token: world["nora"]).status == .notFound)
            client.clock.advance(seconds: 30)
            let acknowledged = try await client.request(.post, "/api/alerts/\(id)/ack", token: world["nina"])
            #expect(acknowledged.status == .ok)
            #expect(acknowledged.json?["status"] == "acknowledged")
            #expect(acknowledged.json?["acknowledgements"] == [["by": "user/nina", "at": .string(client.clock.instant), "level": 0]])
            let comment = try await client.post("/api/alerts/\(id)/comments", token: world["doc"], ["text": "Reviewed; fluids started"])
            #expect(comment.status == .created)
            #expect(comment.json?["by"] == "user/doc")
            #expect(try await client.post("/api/alerts/\(id)/resolve", token: world["doc"], ["reason": " "]).status == .badRequest)
            #expect(try await client.post("/api/alerts/\(id)/comments", token: world["doc"], ["note": "x"]).status == .badRequest)
            let resolved = try await client.post("/api/alerts/\(id)/resolve", token: world["doc"], ["reason": "Treated"])
            #expect(resolved.status == .ok)
            #expect(resolved.json?["status"] == "resolved")
            #expect(resolved.json?["resolution"]?["by"] == "user/doc")
            #expect(resolved.json?["resolution"]?["reason"] == "Treated")
            let again = try await client.post("/api/alerts/\(id)/resolve", token: world["doc"], ["reason": "Twice"])
            #expect(again.status == .conflict)
            #expect(try await client.request(.post, "/api/alerts/\(id)/ack", token: world["nina"]).status == .conflict)
            let history = try await client.get("/api/alerts/\(id)", token: world["nina"]).json?["history"]?.arrayValue ?? []
            #expect(history.compactMap { $0["kind"]?.stringValue } == ["raised", "acknowledged", "commented", "resolved"])
            #expect(history[2]["detail"] == "Reviewed; fluids started")
            #expect(history[3]["by"] == "user/doc")
            #expect(try await Self.alerts(client, world["nina"], "?status=active,acknowledged").isEmpty)
        }
    }

    /// NEWS2 5 (medium): the nurse and the physician at once; the nurse's acknowledgement does
    /// not answer it (a physician must), so after 15 minutes it escalates to rapid response,
    /// adding people, and never reaches an administrator.
    @Test func unansweredItEscalatesAddingPeopleToTheLastResortNeverToAnAdministrator() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            // RR 21 (2), SpO2 95 (1), heart rate 95 (1), temperature 38.5 (1): NEWS2 5.
            let reply = try await client.ingest(
                client.vitals(from: 1, respiratoryRate: 21, spo2: 95, heartRate: 95, temperature: 38.5), token: world.devices["d1"]!)
            #expect(reply.json?["accepted"] == 5)
            await harness.settle()
            let alert = try #require(try await Self.alerts(client, world["doc"]).first)
            #expect(alert["priority"] == "medium" && alert["escalation"] == 1)
            let id = try #require(alert["id"]?.int64Value)
            var history = try await client.get("/api/alerts/\(id)", token: world["doc"]).json?["history"]?.arrayValue ?? []
            #expect(history.first?["notified"] == ["user/doc", "user/nina"])
            client.clock.advance(seconds: 60)
            #expect(try await client.request(.post, "/api/alerts/\(id)/ack", token: world["nina"]).json?["acknowledgements"]?[0]?["level"] == 0)
            client.clock.advance(seconds: 840)
            await harness.settle()
            let doc = try await client.token("doc", "password-of-doc")
            let escalated = try await client.get("/api/alerts/\(id)", token: doc)
            #expect(escalated.json?["escalation"] == 2)
            history = escalated.json?["history"]?.arrayValue ?? []
            #expect(history.last?["kind"] == "escalated")
            #expect(history.last?["notified"] == ["user/doc", "user/rory"], "added rapid response; the nurse acknowledged")
            client.clock.advance(seconds: 3600)
            await harness.settle()
            let later = try await client.token("doc", "password-of-doc")
            history = try await client.get("/api/alerts/\(id)", token: later).json?["history"]?.arrayValue ?? []
            #expect(history.allSatisfy { !($0["notified"]?.arrayValue ?? []).contains("user/admin") })
            #expect(history.filter { $0["kind"] == "escalated" }.count == 1, "the last resort is the last level")
            // The physician's acknowledgement answers it: no more escalation.
            #expect(try await client.request(.post, "/api/alerts/\(id)/ack", token: later).json?["acknowledgements"]?[1]?["level"] == 1)
        }
    }

    /// An acknowledgement of a medium alert does not mute the nurse once it becomes high.
    @Test func anUpgradeClearsEarlierAcknowledgements() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await client.ingest(
                client.vitals(from: 1, respiratoryRate: 21, spo2: 95, heartRate: 95, temperature: 38.5), token: world.devices["d1"]!)
            await harness.settle()
            let id = try #require(try await Self.alerts(client, world["nina"]).first?["id"]?.int64Value)
            _ = try await client.request(.post, "/api/alerts/\(id)/ack", token: world["nina"])
            client.clock.advance(seconds: 360)  // beyond the scores' 5-minute median
            try await Self.deteriorate(client, world, from: 10)
            await harness.settle()
            let upgraded = try await client.get("/api/alerts/\(id)", token: world["nina"])
            #expect(upgraded.json?["priority"] == "high" && upgraded.json?["status"] == "active")
            #expect(upgraded.json?["acknowledgements"] == [])
            let step = upgraded.json?["history"]?.arrayValue?.last
            #expect(step?["kind"] == "upgraded" && step?["notified"] == ["user/doc", "user/nina", "user/rory"])
            client.clock.advance(seconds: 121)
            await harness.settle()
            let reminded = try await client.get("/api/alerts/\(id)", token: world["nina"]).json?["history"]?.arrayValue?.last
            #expect(reminded?["kind"] == "renotified" && reminded?["notified"]?.arrayValue?.contains("user/nina") == true)
        }
    }

    /// The alert always says the score that is current, keeps its peak, and a rise of two points
    /// within the priority notifies again.
    @Test func theAlertFollowsTheScoreAndARiseNotifiesAgain() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.deteriorate(client, world)
            await harness.settle()
            let id = try #require(try await Self.alerts(client, world["nina"]).first?["id"]?.int64Value)
            // NEWS2 10: heart rate 135 (3), temperature 39.5 (2), beyond the scores' 5-minute median.
            client.clock.advance(seconds: 360)
            _ = try await client.ingest(
                client.vitals(from: 10, respiratoryRate: 25, spo2: 94, systolic: 105, heartRate: 135, temperature: 39.5), token: world.devices["d1"]!)
            await harness.settle()
            var alert = try await client.get("/api/alerts/\(id)", token: world["nina"])
            #expect(alert.json?["message"]?.stringValue?.hasPrefix("NEWS2 10 (high)") == true, "\(alert.text)")
            #expect(alert.json?["values"]?["total"] == 10)
            let worsened = alert.json?["history"]?.arrayValue?.last { $0["kind"] == "worsened" }
            #expect(worsened?["notified"] == ["user/doc", "user/nina", "user/rory"], "\(alert.text)")
            // Back to 7: the message follows, the peak stays.
            client.clock.advance(seconds: 360)
            try await Self.deteriorate(client, world, from: 20)
            await harness.settle()
            alert = try await client.get("/api/alerts/\(id)", token: world["nina"])
            #expect(alert.json?["message"]?.stringValue?.hasPrefix("NEWS2 7 (high)") == true, "\(alert.text)")
            #expect(alert.json?["values"]?["peak"]?["message"]?.stringValue?.hasPrefix("NEWS2 10") == true)
            let scores = try await client.get(
                "/fhir/Observation?patient=p1&code=http://snomed.info/sct|1104051000000101&_sort=-date", token: world["nina"])
            #expect(scores.json?["entry"]?[0]?["resource"]?["valueQuantity"]?["value"] == 7, "the newest stored score is the alert's")
        }
    }

    @Test func theConditionClearingResolvesItWithAnAllClear() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.deteriorate(client, world)
            await harness.settle()
            client.clock.advance(seconds: 360)
            #expect(try await client.ingest(client.vitals(from: 20), token: world.devices["d1"]!).json?["accepted"] == 5)
            await harness.settle()
            #expect(try await Self.alerts(client, world["nina"]).first?["status"] == "active", "held at its band for 5 minutes")
            client.clock.advance(seconds: 300)
            await harness.settle()
            let alert = try #require(try await Self.alerts(client, world["nina"], "?kind=news2").first)
            #expect(alert["status"] == "resolved")
            #expect(alert["resolution"]?["by"] == nil)
            #expect(alert["resolution"]?["reason"] == "the condition cleared")
            let history = try await client.get("/api/alerts/\(alert["id"]!.int64Value!)", token: world["nina"]).json?["history"]
            #expect(history?.arrayValue?.last?["notified"] == ["user/doc", "user/nina", "user/rory"])
        }
    }
}
