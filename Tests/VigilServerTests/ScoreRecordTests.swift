import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// Scores and alerts agree whatever order a nurse's entry and a device's readings arrive in (the
/// reviewer's finding: for 7 of 40 new patients the score of the change was never stored, and an
/// alert said "NEWS2 9" while the only stored score was 14).
@Suite struct ScoreRecordTests {
    static let patients = 40

    /// Forty new patients on ward A, each with a monitor; for each, concurrently, the monitor's
    /// normal vital signs and the nurse's entry of "V" (responds to voice). Every patient ends with
    /// one stored NEWS2 of 3 as the newest, no change stored twice, and an alert saying NEWS2 3.
    @Test func everyScoreChangeIsStoredOnceWhateverTheOrderOfArrival() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            let ids = (1...Self.patients).map { "new\($0)" }
            var devices: [String: String] = [:]
            let linked: JSON = [["url": .string(DeviceLinkHistory.sinceExtension), "valueDateTime": "2026-02-01T00:00:00Z"]]
            for id in ids {
                try await client.put(["resourceType": "Patient", "birthDate": "1950-01-01"], id: id, token: world.admin)
            }
            try await client.put(
                [
                    "resourceType": "Group", "type": "person", "actual": true, "name": "Ward A",
                    "member": .array((["p1"] + ids).map { ["entity": ["reference": .string("Patient/\($0)")]] }),
                ], id: "wardA", token: world.admin)
            for id in ids {
                try await client.put(
                    ["resourceType": "Device", "status": "active", "patient": ["reference": .string("Patient/\(id)"), "extension": linked]],
                    id: "m-\(id)", token: world.admin)
                devices[id] = try await client.deviceToken("m-\(id)", admin: world.admin)
            }
            let nina = world["nina"]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, id) in ids.enumerated() {
                    let device = devices[id]!
                    let entry: JSON = [
                        "resourceType": "Observation", "status": "final",
                        "code": ["coding": [["system": "http://loinc.org", "code": "67775-7"]]], "subject": ["reference": .string("Patient/\(id)")],
                        "effectiveDateTime": .string(client.clock.instant), "valueString": "V - responds to voice",
                    ]
                    // Half the entries go first, half the readings.
                    let first: @Sendable () async throws -> Void = {
                        let reply = try await client.ingest(client.vitals(from: 1), token: device)
                        #expect(reply.json?["accepted"] == 5, "\(reply.text)")
                    }
                    let second: @Sendable () async throws -> Void = {
                        let reply = try await client.post("/fhir/Observation", token: nina, entry)
                        #expect(reply.status == .created, "\(reply.text)")
                    }
                    group.addTask { try await (index.isMultiple(of: 2) ? first : second)() }
                    group.addTask { try await (index.isMultiple(of: 2) ? second : first)() }
                }
                try await group.waitForAll()
            }
            await harness.settle()
            for id in ids {
                let search = try await client.get(
                    "/fhir/Observation?patient=\(id)&code=http://snomed.info/sct|1104051000000101&_sort=_lastUpdated&_count=100", token: nina)
                let totals = search.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["valueQuantity"]?["value"]?.int64Value } ?? []
                #expect(totals.last == 3, "\(id): stored NEWS2 \(totals)")
                #expect(zip(totals, totals.dropFirst()).allSatisfy { $0 != $1 }, "\(id): a score stored twice: \(totals)")
                let alert = try await client.get("/api/alerts?patient=\(id)", token: nina).json?["alerts"]?[0]
                #expect(
                    alert?["values"]?["total"] == 3 && alert?["message"]?.stringValue?.hasPrefix("NEWS2 3") == true,
                    "\(id): \(alert?.text ?? "no alert")")
            }
        }
    }
}
