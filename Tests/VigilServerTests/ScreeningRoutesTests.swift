import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// Fever screening in public places: a kiosk (a Device with a location and no patient) ingests
/// like any device, its readings are kept against the site and nobody, `GET /api/screening`
/// shows the site's days to public health, and a cluster raises one public-health alert.
@Suite struct ScreeningRoutesTests {
    /// Gate A's cameras are calibrated to 37.5 °C; the kiosk stands there on nobody.
    static func site(
        _ client: Client, _ world: World, cutOff: JSON = ["value": .double(37.5), "unit": "°C", "system": "http://unitsofmeasure.org", "code": "Cel"]
    )
        async throws -> String
    {
        try await client.put(
            [
                "resourceType": "Location", "name": "Airport gate A", "status": "active",
                "extension": [["url": .string(ScreeningSite.cutOffExtension), "valueQuantity": cutOff]],
            ], id: "gate-a", token: world.admin)
        try await client.put(
            ["resourceType": "Device", "status": "active", "location": ["reference": "Location/gate-a"]], id: "kiosk1", token: world.admin)
        return try await client.deviceToken("kiosk1", admin: world.admin)
    }

    /// A new token for one of the World's people (theirs expire as the test clock moves on by days).
    static func signIn(_ client: Client, _ name: String) async throws -> String { try await client.token(name, "password-of-\(name)") }

    /// `count` travellers in the last hour, the first `febrile` of them at 38.2 °C, the others at 36.8.
    static func travellers(_ client: Client, from seq: Int, count: Int, febrile: Int) -> [JSON] {
        (0..<count).map { client.reading(seq + $0, code: "8310-5", value: $0 < febrile ? 38.2 : 36.8, unit: "Cel", secondsAgo: Int64(60 + $0)) }
    }

    /// Twelve days of 40 travellers with none to one febrile, then a day with twenty, one day at a
    /// time on the test clock, analysed; returns the next seq.
    static func cluster(_ harness: Harness, _ client: Client, kiosk: String) async throws -> Int {
        var seq = 1
        for count in [1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 20] {
            harness.clock.advance(seconds: 86_400)
            _ = try await client.ingest(Self.travellers(client, from: seq, count: 40, febrile: count), token: kiosk)
            seq += 40
        }
        await harness.settle()
        return seq
    }

    @Test func aKioskScreensAnonymouslyAgainstItsSitesCutOff() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let kiosk = try await Self.site(client, world)
            let batch = [
                client.reading(1, code: "8310-5", value: 37.6, unit: "Cel", secondsAgo: 30),
                client.reading(2, code: "8310-5", value: 37.4, unit: "Cel", secondsAgo: 20),
                client.reading(3, code: "8310-5", value: 99.7, unit: "[degF]", secondsAgo: 10),
                client.reading(4, code: "8867-4", value: 80, unit: "/min", secondsAgo: 5),
            ]
            let reply = try await client.ingest(batch, token: kiosk)
            #expect(reply.status == .ok && reply.json?["accepted"] == 3 && reply.json?["duplicates"] == 0, "\(reply.text)")
            let reason = try #require(reply.json?["rejected"]?[0]?["reason"]?.stringValue)
            #expect(reply.json?["rejected"]?[0]?["index"] == 3 && reason.contains("screening kiosk at Location/gate-a"), "\(reason)")
            // A resend is a duplicate, not a second traveller.
            #expect(try await client.ingest(Array(batch.prefix(1)), token: kiosk).json?["duplicates"] == 1)

            let stored = try await harness.runtime.store.screenings(site: "gate-a", from: 0, to: .max)
            #expect(stored.map(\.celsius) == [37.6, 37.4, 37.61])
            // Nobody's record holds them, and their audit names no patient.
            let observations = try await client.get("/fhir/Observation?code=8310-5", token: world.admin)
            #expect(observations.status == .ok && observations.json?["entry"] == nil, "\(observations.text)")
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            let kioskAudit = audit.filter { $0.actor == "device/kiosk1" }
            #expect(kioskAudit.contains { $0.resource == "Location/gate-a/screening" && $0.detail == "3 screenings via http" })
            #expect(kioskAudit.allSatisfy { $0.patient == nil })

            let today = try await client.get("/api/screening?location=Location/gate-a&days=1", token: world["ph"])
            #expect(today.status == .ok, "\(today.text)")
            #expect(today.json?["cutOff"] == ["value": .double(37.5), "unit": "Cel"] && today.json?["location"] == "Location/gate-a")
            // 37.6 and 99.7 °F (37.61 °C) are at or above the site's 37.5; 37.4 is not.
            #expect(
                today.json?["days"] == [
                    ["date": "2026-02-28", "screened": 0, "febrile": 0, "c1": nil, "c2": nil, "c3": nil, "cusum": nil, "signal": false],
                    ["date": "2026-03-01", "screened": 3, "febrile": 2, "c1": nil, "c2": nil, "c3": nil, "cusum": nil, "signal": false],
                ])
        }
    }

    @Test func onlyPublicHealthAndAdministratorsSeeSites() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await Self.site(client, world, cutOff: ["value": 120, "unit": "[degF]", "code": "[degF]"])
            let path = "/api/screening?location=gate-a"
            for name in ["nina", "nora", "sally", "rita"] {
                #expect(try await client.get(path, token: world[name]).status == .forbidden, "\(name)")
            }
            #expect(try await client.get(path, token: world.devices["d1"]).status == .forbidden)
            #expect(try await client.get(path, token: nil).status == .unauthorized)
            let admin = try await client.get(path, token: world.admin)
            // A cut-off outside 34–42 °C is not taken: the default holds, and the answer says why.
            #expect(admin.status == .ok && admin.json?["cutOff"]?["value"] == 38, "\(admin.text)")
            #expect(admin.json?["problem"]?.stringValue?.contains("outside 34–42 °C") == true)
            #expect(admin.json?["days"]?.arrayValue?.count == 28)
            #expect(try await client.get("/api/screening?location=Location/nowhere", token: world["ph"]).status == .notFound)
            for bad in [
                "/api/screening", "/api/screening?location=Patient/p1", "/api/screening?location=gate-a&days=400",
                "/api/screening?location=gate-a&date=2026-03", "/api/screening?location=gate-a&site=x",
            ] {
                let reply = try await client.get(bad, token: world["ph"])
                #expect(reply.status == .badRequest && reply.isOperationOutcome, "\(bad): \(reply.status)")
            }
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            #expect(audit.contains { $0.actor == "user/ph" && $0.resource == "Location/nowhere/screening" && $0.outcome == .minorFailure })
        }
    }

    /// Two weeks of a few febrile travellers a day, then three days of many: one alert for public
    /// health, kept open while the cluster lasts, cleared after a quiet week; nobody else's.
    @Test func aClusterRaisesOnePublicHealthAlertNotOneADay() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let kiosk = try await Self.site(client, world)
            let febrile = [1, 2, 1, 0, 2, 1, 1, 2, 0, 1, 2, 1, 1, 2, 12, 15, 11] + Array(repeating: 1, count: 12)
            var seq = 1
            var seen: [[JSON]] = []
            for count in febrile {
                harness.clock.advance(seconds: 86_400)
                let reply = try await client.ingest(Self.travellers(client, from: seq, count: 60, febrile: count), token: kiosk)
                #expect(reply.json?["accepted"] == 60, "\(reply.text)")
                seq += 60
                await harness.settle()
                let ph = try await Self.signIn(client, "ph")
                seen.append(try await client.get("/api/alerts?kind=screening-cluster", token: ph).json?["alerts"]?.arrayValue ?? [])
            }
            let (ph, nina, rita) = (try await Self.signIn(client, "ph"), try await Self.signIn(client, "nina"), try await Self.signIn(client, "rita"))
            // Quiet until the 15th day; from it, the one alert.
            #expect(seen.prefix(14).allSatisfy { $0.isEmpty }, "\(seen.prefix(14))")
            let ids = Set(seen.dropFirst(14).flatMap { $0.compactMap { $0["id"]?.int64Value } })
            #expect(ids.count == 1, "\(seen.dropFirst(14))")
            let raised = try #require(seen[14].first)
            #expect(raised["location"] == "Location/gate-a" && raised["patient"] == nil && raised["priority"] == "medium")
            #expect(raised["values"]?["febrile"] == 12 && raised["values"]?["screened"] == 60 && raised["values"]?["signal"] == true)
            #expect(seen[16].first?["values"]?["febrile"] == 11 && seen[16].first?["status"] == "active")
            // Seven days without a signal clear it.
            let last = try #require(seen.last?.first)
            #expect(last["status"] == "resolved" && last["resolution"]?["by"] == nil, "\(last)")

            let id = try #require(raised["id"]?.int64Value)
            let history = try await client.get("/api/alerts/\(id)", token: ph)
            #expect(history.json?["history"]?[0]?["kind"] == "raised" && history.json?["history"]?[0]?["notified"] == ["user/ph"], "\(history.text)")
            // Care roles see no alert about a place, not even that it exists.
            #expect(try await client.get("/api/alerts/\(id)", token: nina).status == .notFound)
            #expect(try await client.get("/api/alerts?kind=screening-cluster", token: nina).json?["alerts"] == [])
            #expect(try await client.get("/api/alerts", token: rita).status == .forbidden)
            // The site's page of days shows the signal days.
            let days = try await client.get("/api/screening?location=gate-a&days=\(febrile.count)", token: ph)
            let signals = days.json?["days"]?.arrayValue?.compactMap { $0["signal"]?.boolValue }
            #expect(signals?.count == febrile.count + 1 && signals?[15] == true && signals?.prefix(15).allSatisfy { !$0 } == true, "\(days.text)")
        }
    }

    /// Public health acknowledges and resolves the alerts about places; a resolved cluster does not
    /// raise again the same day.
    @Test func publicHealthAnswersItsAlerts() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let kiosk = try await Self.site(client, world)
            var seq = try await Self.cluster(harness, client, kiosk: kiosk)
            // The clock moved on by days: sign in again.
            let (ph, nina) = (try await Self.signIn(client, "ph"), try await Self.signIn(client, "nina"))
            let alert = try #require(try await client.get("/api/alerts?kind=screening-cluster", token: ph).json?["alerts"]?[0])
            let id = try #require(alert["id"]?.int64Value)
            #expect(try await client.post("/api/alerts/\(id)/ack", token: nina, [:]).status == .notFound)
            let ack = try await client.post("/api/alerts/\(id)/ack", token: ph, [:])
            #expect(ack.status == .ok && ack.json?["status"] == "acknowledged", "\(ack.text)")
            let resolved = try await client.post("/api/alerts/\(id)/resolve", token: ph, ["reason": "secondary screening done"])
            #expect(resolved.json?["status"] == "resolved", "\(resolved.text)")
            // More febrile travellers the same day: the cluster they resolved does not raise again.
            _ = try await client.ingest(Self.travellers(client, from: seq, count: 10, febrile: 5), token: kiosk)
            seq += 10
            await harness.settle()
            #expect(try await client.get("/api/alerts?kind=screening-cluster&status=active", token: ph).json?["alerts"] == [])
        }
    }
}
