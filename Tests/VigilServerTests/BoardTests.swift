import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// `GET /api/board`: the patients a person may see, most urgent first, with alerts, score, trend
/// and the age of each vital.
@Suite struct BoardTests {
    static func board(_ client: Client, _ token: String) async throws -> JSON {
        let reply = try await client.get("/api/board", token: token)
        #expect(reply.status == .ok, "\(reply.text)")
        return reply.json ?? nil
    }

    @Test func ranksByOpenAlertPriorityThenScoreWithVitalsAndTheirAge() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            // p2: NEWS2 5 (medium); p1: NEWS2 7 (high), measured two minutes ago.
            _ = try await client.ingest(
                client.vitals(from: 1, respiratoryRate: 21, spo2: 95, systolic: 105, heartRate: 95), token: world.devices["d2"]!)
            _ = try await client.ingest(
                client.vitals(from: 1, respiratoryRate: 25, spo2: 94, systolic: 105, heartRate: 115, secondsAgo: 120), token: world.devices["d1"]!)
            await harness.settle()
            let board = try await Self.board(client, world.admin)
            #expect(board["rules"] == "on")
            let patients = board["patients"]?.arrayValue ?? []
            #expect(patients.compactMap { $0["patient"]?.stringValue } == ["Patient/p1", "Patient/p2", "Patient/c1"])
            #expect(patients.compactMap { $0["rank"]?.int64Value } == [1, 2, 3])
            let first = patients[0]
            #expect(first["name"] == "Patient-p1")
            #expect(first["alerts"]?["top"] == "high")
            #expect(first["alerts"]?["open"] == 1)
            #expect(first["alerts"]?["unacknowledged"] == 1)
            #expect(first["score"]?["kind"] == "news2")
            #expect(first["score"]?["total"] == 7)
            #expect(first["score"]?["band"] == "high")
            #expect(first["score"]?["partial"] == true)
            let heartRate = try #require(first["vitals"]?.arrayValue?.first { $0["code"] == "8867-4" })
            #expect(heartRate["value"] == 115)
            #expect(heartRate["ageSeconds"] == 120)
            #expect(heartRate["stale"] == false)
            #expect(heartRate["display"] == "Heart rate")
            // Outside the policy's normal range, a vital says how far: NEWS2 points, side, severity.
            #expect(heartRate["flag"] == ["points": 2, "side": "high", "severity": "moderate"])
            let respiration = try #require(first["vitals"]?.arrayValue?.first { $0["code"] == "9279-1" })
            #expect(respiration["flag"] == ["points": 3, "side": "high", "severity": "severe"])
            #expect(
                patients[1]["vitals"]?.arrayValue?.first { $0["code"] == "8867-4" }?["flag"] == ["points": 1, "side": "high", "severity": "moderate"])
            let normal = try #require(patients[1]["vitals"]?.arrayValue?.first { $0["code"] == "8310-5" })
            #expect(normal["flag"] == nil)
            #expect(patients[1]["alerts"]?["top"] == "medium")
            #expect(patients[2]["alerts"]?["open"] == 0)
            #expect(patients[2]["score"] == nil)
            // Over an hour later the vitals are stale (and the tokens expired); a better set makes p1's score fall.
            client.clock.advance(seconds: 3601)
            let later = try await Self.board(client, try await client.adminToken())
            #expect(later["patients"]?[0]?["vitals"]?[0]?["stale"] == true)
            _ = try await client.ingest(client.vitals(from: 10, respiratoryRate: 22, heartRate: 95), token: world.devices["d1"]!)
            await harness.settle()
            let improved = try await Self.board(client, try await client.token("nina", "password-of-nina"))
            #expect(improved["patients"]?.arrayValue?.count == 1)
            #expect(improved["patients"]?[0]?["score"]?["trend"] == "falling")
        }
    }

    @Test func showsOnlyPatientsOneMaySeeAndAuditsEach() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let forNora = try await Self.board(client, world["nora"])["patients"]?.arrayValue ?? []
            #expect(forNora.compactMap { $0["patient"]?.stringValue } == ["Patient/p2"])
            let forPat = try await Self.board(client, world["pat"])["patients"]?.arrayValue ?? []
            #expect(forPat.compactMap { $0["patient"]?.stringValue } == ["Patient/c1"])
            for role in ["ph", "rita"] { #expect(try await client.get("/api/board", token: world[role]).status == .forbidden) }
            #expect(try await client.get("/api/board", token: world.devices["d1"]!).status == .forbidden)
            #expect(try await client.get("/api/board?ward=A", token: world["nora"]).status == .badRequest)
            #expect(try await client.get("/api/board?_count=1", token: world.admin).json?["patients"]?.arrayValue?.count == 1)
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            #expect(audit.contains { $0.actor == "user/nora" && $0.resource == "board" && $0.patient == "p2" })
            #expect(!audit.contains { $0.actor == "user/nora" && $0.resource == "board" && $0.patient != "p2" })
        }
    }

    @Test func pagesTheRankingAndAuditsOnlyThePageShown() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let whole = try await client.get("/api/board", token: world.admin).json
            let all = whole?["patients"]?.arrayValue?.compactMap { $0["patient"]?.stringValue } ?? []
            #expect(all.count >= 3)
            #expect(whole?["total"]?.int64Value == Int64(all.count))
            let before = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).count
            let second = try await client.get("/api/board?_count=1&_offset=1", token: world.admin).json
            #expect(second?["total"]?.int64Value == Int64(all.count))
            #expect(second?["offset"]?.int64Value == 1)
            #expect(second?["patients"]?[0]?["rank"]?.int64Value == 2)
            #expect(second?["patients"]?.arrayValue?.compactMap { $0["patient"]?.stringValue } == [all[1]])
            let audited = try await harness.runtime.store.auditRecords(after: Int64(before), limit: 100_000).map(\.event)
                .filter { $0.resource == "board" }
            #expect(audited.map { $0.patient.map { "Patient/" + $0 } } == [all[1]])
            let beyond = try await client.get("/api/board?_offset=\(all.count)", token: world.admin).json
            #expect(beyond?["patients"]?.arrayValue?.isEmpty == true)
            #expect(try await client.get("/api/board?_offset=-1", token: world.admin).status == .badRequest)
        }
    }

    /// A ward cannot name a patient who does not exist yet (a reference to nothing is refused);
    /// once the patient is created and added to the ward, the ward's nurse sees them.
    @Test func aPatientAddedToTheWardAppearsOnItsBoard() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let ward: JSON = [
                "resourceType": "Group", "id": "wardB", "type": "person", "actual": true, "name": "Ward B",
                "member": [["entity": ["reference": "Patient/p2"]], ["entity": ["reference": "Patient/later"]]],
            ]
            func listed() async throws -> [String] {
                try await Self.board(client, world["nora"])["patients"]?.arrayValue?.compactMap { $0["patient"]?.stringValue } ?? []
            }
            let early = try await client.put("/fhir/Group/wardB", token: world.admin, ward)
            #expect(early.status == .unprocessableContent && early.text.contains("Patient/later was not found"), "\(early.text)")
            #expect(try await listed() == ["Patient/p2"])
            try await client.put(["resourceType": "Patient", "name": [["family": "Later"]]], id: "later", token: world.admin)
            try await client.put(ward, id: "wardB", token: world.admin)
            await harness.runtime.analysis?.flush()
            #expect(Set(try await listed()) == ["Patient/p2", "Patient/later"])
        }
    }

    @Test func withTheRulesOffItStillShowsTheLatestVitals() async throws {
        let harness = try Harness { $0.rules = false }
        try await harness.run { client in
            let world = try await World.build(client)
            _ = try await client.ingest(client.vitals(from: 1, heartRate: 88, secondsAgo: 30), token: world.devices["d1"]!)
            let board = try await Self.board(client, world["nina"])
            #expect(board["rules"] == "off")
            let line = try #require(board["patients"]?[0])
            #expect(line["score"] == nil)
            #expect(line["vitals"]?.arrayValue?.count == 5)
            #expect(line["vitals"]?.arrayValue?.first { $0["code"] == "8867-4" }?["value"] == 88)
            #expect(try await client.get("/api/alerts", token: world["nina"]).json?["alerts"] == [])
        }
    }
}
