import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// Location pings through ingest, kept only with consent and for the retention period, and
/// exposure tracing by public health alone, audited with its purpose.
@Suite struct WhereaboutsTests {
    static let school: JSON = ["latitude": .double(42.3601), "longitude": .double(-71.0589), "accuracy": 5]

    static func consent(_ patient: String, status: String = "active") -> JSON {
        [
            "resourceType": "Consent", "status": .string(status),
            "scope": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"]]],
            "category": [["coding": [["system": .string(LocationConsent.system), "code": .string(LocationConsent.code)]]]],
            "patient": ["reference": .string("Patient/\(patient)")], "provision": ["type": "permit"],
        ]
    }

    /// A ping `secondsAgo` before the test clock's now.
    static func ping(_ client: Client, _ seq: Int, secondsAgo: Int64, position: JSON? = school, place: String? = nil) -> JSON {
        var object: JSONObject = ["seq": .integer(seq), "time": .string(FHIRDateTime.instant(milliseconds: client.clock.now() - secondsAgo * 1000))]
        if let position { object["position"] = position }
        if let place { object["place"] = .string(place) }
        return .object(object)
    }

    @Test func pingsAreKeptOnlyWithConsentAndErasedWhenItEndsOrTheyAge() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let refused = try await client.ingest([Self.ping(client, 1, secondsAgo: 60)], token: world.devices["d1"])
            #expect(refused.json?["accepted"] == 0, "\(refused.text)")
            #expect(refused.json?["rejected"]?[0]?["reason"]?.stringValue?.contains("Patient/p1 has no active Consent") == true)
            #expect(try await harness.runtime.store.pingPatients().isEmpty)
            #expect(try await harness.runtime.store.quarantine(device: nil, limit: 10, offset: 0).isEmpty, "where someone was is not quarantined")

            try await client.put(Self.consent("p1"), id: "consent-p1", token: world.admin)
            let kept = try await client.ingest(
                [Self.ping(client, 2, secondsAgo: 60), Self.ping(client, 3, secondsAgo: 30, position: nil, place: "Location/school-1")],
                token: world.devices["d1"])
            #expect(kept.json?["accepted"] == 2 && kept.json?["rejected"] == [], "\(kept.text)")
            #expect(try await harness.runtime.store.pings(patient: "p1", from: 0, to: .max).map(\.place) == [nil, "school-1"])
            // Never on the care board or in the record.
            let board = try await client.get("/api/board", token: world["nina"])
            #expect(board.status == .ok && !board.text.contains("42.36") && !board.text.contains("school-1"))
            #expect(try await client.get("/fhir/Patient/p1/$everything", token: world["nina"]).text.contains("42.36") == false)

            // Consent withdrawn: the pings go at once.
            try await client.put(Self.consent("p1", status: "inactive"), id: "consent-p1", token: world.admin)
            await harness.settle()
            #expect(try await harness.runtime.store.pingPatients().isEmpty)
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            #expect(
                audit.contains {
                    $0.actor == "device/d1" && $0.resource == "location-ping" && $0.patient == "p1" && $0.detail == "2 location pings via http"
                })
            #expect(audit.contains { $0.actor == "system/whereabouts" && $0.patient == "p1" && $0.action == .delete })

            // Consent again; the pings outlive the retention period (21 days) and go.
            try await client.put(Self.consent("p1"), id: "consent-p1", token: world.admin)
            _ = try await client.ingest([Self.ping(client, 4, secondsAgo: 60)], token: world.devices["d1"])
            await harness.settle()
            #expect(try await harness.runtime.store.pingPatients() == ["p1"])
            harness.clock.advance(seconds: 20 * 86_400)
            await harness.settle()
            #expect(try await harness.runtime.store.pingPatients() == ["p1"], "20 days is within the retention period")
            harness.clock.advance(seconds: 2 * 86_400)
            await harness.settle()
            #expect(try await harness.runtime.store.pingPatients().isEmpty)
        }
    }

    /// p1 (the index, with measles) spends an hour at the school beside p2; c1, who has measles
    /// too, is at the same spot two hours later; d2's wearer p2 is not a case.
    static func plant(_ client: Client, _ world: World) async throws {
        let linked: JSON = [["url": .string(DeviceLinkHistory.sinceExtension), "valueDateTime": "2026-02-01T00:00:00Z"]]
        try await client.put(
            ["resourceType": "Device", "status": "active", "patient": ["reference": "Patient/c1", "extension": linked]], id: "d3", token: world.admin)
        let d3 = try await client.deviceToken("d3", admin: world.admin)
        for patient in ["p1", "p2", "c1"] { try await client.put(Self.consent(patient), id: "consent-\(patient)", token: world.admin) }
        for patient in ["p1", "c1"] {
            try await client.put(
                [
                    "resourceType": "Condition", "subject": ["reference": .string("Patient/\(patient)")],
                    "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
                    "code": ["coding": [["system": "http://snomed.info/sct", "code": "14189004"]]],
                ], id: "measles-\(patient)", token: world.admin)
        }
        let nearby: JSON = ["latitude": .double(42.36012), "longitude": .double(-71.0589), "accuracy": 5]  // 2 m north
        let hour = (0..<12).map { Int64(4 * 3600 - $0 * 300) }  // 4 h ago, every 5 minutes for an hour
        _ = try await client.ingest(hour.enumerated().map { Self.ping(client, 10 + $0.offset, secondsAgo: $0.element) }, token: world.devices["d1"])
        _ = try await client.ingest(
            hour.enumerated().map { Self.ping(client, 10 + $0.offset, secondsAgo: $0.element - 30, position: nearby) }, token: world.devices["d2"])
        _ = try await client.ingest(hour.prefix(3).enumerated().map { Self.ping(client, $0.offset, secondsAgo: $0.element - 7200) }, token: d3)
    }

    static let query: JSON = [
        "index": "Patient/p1", "from": "2026-02-28", "to": "2026-03-01", "distanceMeters": 5, "minutes": 15,
        "reason": "measles case 7, school exposure",
    ]

    @Test func publicHealthTracesContactsAndSourcesWithAReasonAndNobodyElseCan() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.plant(client, world)
            for name in ["nina", "doc", "sally", "rita"] {
                let reply = try await client.post("/api/exposures", token: world[name], Self.query)
                #expect(reply.status == .forbidden && reply.isOperationOutcome, "\(name)")
            }
            #expect(try await client.post("/api/exposures", token: world.admin, Self.query).status == .forbidden)
            #expect(try await client.post("/api/exposures", token: world.devices["d1"], Self.query).status == .forbidden)
            var unexplained = Self.query.objectValue!
            unexplained["reason"] = " "
            let bad = try await client.post("/api/exposures", token: world["ph"], .object(unexplained))
            #expect(bad.status == .badRequest && bad.text.contains("reason is required"))

            let reply = try await client.post("/api/exposures", token: world["ph"], Self.query)
            #expect(reply.status == .ok, "\(reply.text)")
            let contacts = reply.json?["contacts"]?.arrayValue ?? []
            #expect(contacts.map { $0["patient"] } == ["Patient/p2"], "\(reply.text)")
            #expect(contacts.first?["minutes"]?.int64Value.map { $0 >= 55 } == true && contacts.first?["places"] == ["geo:42.36,-71.059"])
            #expect(reply.json?["source"]?["places"]?[0]?["place"] == "geo:42.36,-71.059")
            #expect(reply.json?["source"]?["cases"] == [["patient": "Patient/c1", "places": ["geo:42.36,-71.059"]]], "\(reply.text)")
            // Too far apart for 1 m; too short for 90 minutes.
            for (name, value) in [("distanceMeters", JSON.integer(1)), ("minutes", .integer(90))] {
                var narrower = Self.query.objectValue!
                narrower[name] = value
                #expect(try await client.post("/api/exposures", token: world["ph"], .object(narrower)).json?["contacts"] == [], "\(name)")
            }

            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event).filter { $0.resource == "exposures" }
            let asked = try #require(audit.first)
            #expect(asked.actor == "user/ph" && asked.patient == "p1" && asked.purpose == "measles case 7, school exposure")
            #expect(asked.detail == "1 contacts, 1 cases")
            #expect(audit.contains { $0.patient == "p2" && $0.purpose == asked.purpose } && audit.contains { $0.patient == "c1" })
            let nobody: JSON = ["index": "Patient/nobody"]
            #expect(try await client.post("/api/exposures", token: world["ph"], nobody.merging(Self.query)).status == .notFound)
        }
    }
}

extension JSON {
    /// This object with `other`'s members where this one has none.
    fileprivate func merging(_ other: JSON) -> JSON {
        var object = objectValue ?? [:]
        for member in other.objectValue ?? [:] where object[member.key] == nil { object[member.key] = member.value }
        return .object(object)
    }
}
