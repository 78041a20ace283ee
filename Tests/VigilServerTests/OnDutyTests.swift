import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// Routing by duty hours (docs/routing.md): PractitionerRole hours in the time zone of the role's
/// location decide who of a care team is told; `GET /api/on-duty` explains it, and alerts follow it.
@Suite struct OnDutyTests {
    /// The school (London) and ward A (New York) rostered on the ``World``: the school nurse on
    /// school days 08:00–15:00 but not in the Easter holidays; on ward A a day nurse (nina,
    /// 07:00–19:00), a night nurse (nate, 19:00–07:00) and an on-call physician (olive, weeknights
    /// 19:00–08:00 and weekends), beside the ward's physician (doc) and rapid response (rory)
    /// without hours.
    static func roster(_ client: Client, _ world: World) async throws -> [String: String] {
        let admin = world.admin
        let zone = "http://hl7.org/fhir/StructureDefinition/timezone"
        try await client.put(
            ["resourceType": "Location", "name": "School", "extension": [["url": .string(zone), "valueCode": "Europe/London"]]], id: "school",
            token: admin)
        try await client.put(
            ["resourceType": "Location", "name": "Ward A", "extension": [["url": .string(zone), "valueCode": "America/New_York"]]], id: "wardA",
            token: admin)
        func role(_ id: String, _ practitioner: String, _ location: String, _ available: [JSON], away: [JSON] = []) async throws {
            var resource: JSONObject = [
                "resourceType": "PractitionerRole", "practitioner": ["reference": .string("Practitioner/\(practitioner)")],
                "location": [["reference": .string("Location/\(location)")]], "availableTime": .array(available),
            ]
            if !away.isEmpty { resource["notAvailable"] = .array(away) }
            try await client.put(.object(resource), id: id, token: admin)
        }
        let weekdays: JSON = ["mon", "tue", "wed", "thu", "fri"]
        try await role(
            "sn1-school", "sn1", "school", [["daysOfWeek": weekdays, "availableStartTime": "08:00:00", "availableEndTime": "15:00:00"]],
            away: [["description": "Easter holidays", "during": ["start": "2026-04-03", "end": "2026-04-17"]]])
        for (id, family) in [("n3", "Night"), ("oc1", "OnCall")] {
            try await client.put(["resourceType": "Practitioner", "name": [["family": .string(family)]]], id: id, token: admin)
        }
        try await role("n1-day", "n1", "wardA", [["availableStartTime": "07:00:00", "availableEndTime": "19:00:00"]])
        try await role("n3-night", "n3", "wardA", [["availableStartTime": "19:00:00", "availableEndTime": "07:00:00"]])
        try await role(
            "oc1-on-call", "oc1", "wardA",
            [
                ["daysOfWeek": weekdays, "availableStartTime": "19:00:00", "availableEndTime": "08:00:00"],
                ["daysOfWeek": ["sat", "sun"], "allDay": true],
            ])
        var team = try #require(try await client.get("/fhir/CareTeam/tA", token: admin).json?.objectValue)
        team["participant"] = .array(
            (team["participant"]?.arrayValue ?? []) + [["member": ["reference": "Practitioner/n3"]], ["member": ["reference": "Practitioner/oc1"]]])
        try await client.put(.object(team), id: "tA", token: admin)
        return [
            "nate": try await client.user("nate", role: .nurse, fhirUser: "Practitioner/n3", admin: admin),
            "olive": try await client.user("olive", role: .physician, fhirUser: "Practitioner/oc1", admin: admin),
        ]
    }

    /// Those told at once about an alert of `priority` (and `kind`) raised at `at`, by level.
    static func told(_ client: Client, _ token: String, _ patient: String, _ at: String, kind: String? = nil, priority: String = "high")
        async throws -> [String]
    {
        let reply = try await client.get("/api/on-duty?patient=\(patient)&at=\(at)" + (kind.map { "&kind=\($0)" } ?? ""), token: token)
        #expect(reply.status == .ok, "\(reply.text)")
        return reply.json?["notified"]?[priority]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    @Test func aChildsLowGoesToTheSchoolNurseInSchoolAndToTheParentOtherwise() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await Self.roster(client, world)
            func told(_ at: String) async throws -> [String] { try await Self.told(client, world.admin, "c1", at, kind: "glucose-low") }
            #expect(try await told("2026-03-25T10:30:00Z") == ["user/sally"], "10:30 on a school day (GMT)")
            #expect(try await told("2026-03-28T10:30:00Z") == ["user/pat"], "a Saturday")
            #expect(try await told("2026-04-08T09:30:00Z") == ["user/pat"], "10:30 BST in the Easter holidays")
            #expect(try await told("2026-03-25T19:00:00Z") == ["user/pat"], "19:00")
            // Summer time from Sunday 29 March: school hours stay 08:00–15:00 on the wall.
            #expect(try await told("2026-03-30T07:30:00Z") == ["user/sally"], "08:30 BST")
            #expect(try await told("2026-03-30T06:59:59Z") == ["user/pat"], "07:59:59 BST")
            #expect(try await told("2026-03-30T14:30:00Z") == ["user/pat"], "15:30 BST")
            #expect(try await told("2026-03-27T14:30:00Z") == ["user/sally"], "14:30 GMT, the Friday before")
            // And back on Sunday 25 October.
            #expect(try await told("2026-10-23T07:30:00Z") == ["user/sally"], "08:30 BST")
            #expect(try await told("2026-10-26T07:30:00Z") == ["user/pat"], "07:30 GMT")
            #expect(try await told("2026-10-26T14:30:00Z") == ["user/sally"], "14:30 GMT")
            let reply = try await client.get("/api/on-duty?patient=Patient/c1&at=2026-03-30T19:00:00Z", token: world.admin)
            let people = reply.json?["people"]?.arrayValue ?? []
            #expect(people.count == 2)
            #expect(people.first { $0["account"] == "user/sally" }?["reason"] == "outside the hours of PractitionerRole/sn1-school")
            #expect(people.first { $0["account"] == "user/pat" }?["onDuty"] == true)
            #expect(people.first?["levelName"] == "bedside")
        }
    }

    @Test func aWardPatientsHighScoreAtThreeGoesToTheNightNurseAndTheOnCallPhysician() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await Self.roster(client, world)
            func told(_ at: String, _ priority: String = "high") async throws -> [String] {
                try await Self.told(client, world.admin, "p1", at, priority: priority)
            }
            #expect(try await told("2026-03-03T08:00:00Z") == ["user/nate", "user/olive", "user/rory"], "03:00 EST on a Tuesday")
            #expect(try await told("2026-03-03T08:00:00Z", "low") == ["user/nate"])
            #expect(try await told("2026-03-03T15:00:00Z") == ["user/nina", "user/doc", "user/rory"], "10:00: the ward's physician")
            // Summer time from Sunday 8 March (02:00 EST is 03:00 EDT): the night ends at 07:00 EDT.
            #expect(try await told("2026-03-08T10:59:59Z", "low") == ["user/nate"], "06:59:59 EDT")
            #expect(try await told("2026-03-08T11:00:00Z", "low") == ["user/nina"], "07:00 EDT")
            #expect(try await told("2026-03-10T11:59:59Z", "medium") == ["user/nina", "user/olive"], "07:59:59 EDT Tuesday: still on call")
            #expect(try await told("2026-03-10T12:00:00Z", "medium") == ["user/nina", "user/doc"], "08:00 EDT")
        }
    }

    /// The default test clock is Sunday 1 March 2026 08:00 UTC: 03:00 on ward A.
    @Test func theAlertItselfIsRoutedByDuty() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await Self.roster(client, world)
            try await AlertRoutesTests.deteriorate(client, world)
            await harness.settle()
            let alert = try #require(try await AlertRoutesTests.alerts(client, world.admin).first)
            let history = try await client.get("/api/alerts/\(alert["id"]!.int64Value!)", token: world.admin).json?["history"]
            #expect(history?[0]?["notified"] == ["user/nate", "user/olive", "user/rory"], "\(history?.text ?? "")")
            // The ward's physician, off duty, still sees and may acknowledge the alert.
            #expect(try await client.post("/api/alerts/\(alert["id"]!.int64Value!)/ack", token: world["doc"], [:]).status == .ok)
        }
    }

    @Test func theSchoolNurseHearsOfALowInSchoolAndTheParentAtHome() async throws {
        let harness = try Harness(clock: TestClock(FHIRDateTime("2026-03-30T09:30:00Z")!.lowerBound))
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await Self.roster(client, world)
            let device = try await client.device("d3", on: "c1", admin: world.admin)
            _ = try await client.ingest([client.reading(1, code: "99504-3", value: 60, unit: "mg/dL")], token: device)
            await harness.settle()
            let alert = try #require(try await AlertRoutesTests.alerts(client, world.admin, "?kind=glucose-low").first)
            let id = try #require(alert["id"]?.int64Value)
            var history = try await client.get("/api/alerts/\(id)", token: world.admin).json?["history"]?.arrayValue ?? []
            #expect(history.first?["notified"] == ["user/sally"], "10:30 BST on a Monday: school")
            // Unanswered at 19:00, it is the parent who is reminded, not the school nurse who went home.
            harness.clock.advance(seconds: 8 * 3600 + 30 * 60)
            await harness.settle()
            history = try await client.get("/api/alerts/\(id)", token: try await client.adminToken()).json?["history"]?.arrayValue ?? []
            let reminded = try #require(history.last)
            #expect(["renotified", "escalated"].contains(reminded["kind"]?.stringValue) && reminded["at"] == "2026-03-30T18:00:00Z")
            #expect(reminded["notified"] == ["user/pat"], "\(history)")
        }
    }

    @Test func hoursAndTimeZonesThatRoutingCannotReadAreRefused() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let noEnd = try await client.request(
                .put, "/fhir/PractitionerRole/x", token: world.admin,
                json: [
                    "resourceType": "PractitionerRole", "id": "x", "practitioner": ["reference": "Practitioner/n1"],
                    "availableTime": [["daysOfWeek": ["mon"], "availableStartTime": "08:00:00"]],
                ])
            #expect(noEnd.status == .unprocessableContent && noEnd.diagnostics.contains("availableEndTime"), "\(noEnd.text)")
            #expect(noEnd.json?["issue"]?[0]?["expression"] == ["PractitionerRole.availableTime[0].availableEndTime"])
            let zone = try await client.request(
                .put, "/fhir/Location/x", token: world.admin,
                json: [
                    "resourceType": "Location", "id": "x", "name": "Nowhere",
                    "extension": [["url": "http://hl7.org/fhir/StructureDefinition/timezone", "valueCode": "Mars/Olympus"]],
                ])
            #expect(zone.status == .unprocessableContent && zone.diagnostics.contains("IANA"), "\(zone.text)")
            #expect(try await client.get("/fhir/PractitionerRole/x", token: world.admin).status == .notFound, "nothing half-written")
        }
    }

    @Test func onlyThePatientsCareTeamAndAdministratorsMayAsk() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            #expect(try await client.get("/api/on-duty?patient=p1", token: world["nina"]).status == .ok)
            #expect(try await client.get("/api/on-duty?patient=p1", token: world["nora"]).status == .notFound, "another ward's patient")
            #expect(try await client.get("/api/on-duty?patient=p1", token: world["ph"]).status == .forbidden)
            #expect(try await client.get("/api/on-duty?patient=p1", token: world["rita"]).status == .forbidden)
            #expect(try await client.get("/api/on-duty?patient=p1", token: world.devices["d1"]!).status == .forbidden)
            #expect(try await client.get("/api/on-duty", token: world.admin).status == .badRequest)
            #expect(
                try await client.get("/api/on-duty?patient=p1&at=2026-03-03", token: world.admin).status == .badRequest, "a day is not an instant")
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            #expect(audit.contains { $0.actor == "user/nina" && $0.resource == "on-duty/Patient/p1" && $0.patient == "p1" })
            #expect(audit.contains { $0.actor == "user/nora" && $0.resource == "on-duty/Patient/p1" && $0.outcome == .minorFailure })
        }
    }
}
