import HTTPTypes
import Testing
import VigilClinical
import VigilCore

@testable import VigilServer

/// `GET /api/research/{project}/aggregates`: a project's population only, without those who
/// refused research, small cells suppressed, for its researchers, audited.
@Suite struct ResearchRoutesTests {
    @Test func aggregatesCoverTheProjectsPopulationAndSuppressSmallCells() async throws {
        let harness = try Harness { $0.rules = false }
        try await harness.run { client in
            let world = try await World.build(client)
            try await ResearchExportTests.buildStudy(client, admin: world.admin)
            try await client.put(
                ResearchExportTests.project("asthma", types: ["Patient", "Observation"], researchers: ["rita"]), id: "asthma", token: world.admin)
            // Ward A's p1 is not in the study: its readings are in no aggregate.
            #expect(try await client.post("/api/ingest", token: world.devices["d1"], ["readings": .array(client.vitals(from: 1))]).status == .ok)
            let rita = world["rita"]

            // s0…s9 but s3 (who refused) read 70 + i; s10, alone in the 70s, 80.
            let all = try await client.get("/api/research/asthma/aggregates?code=http://loinc.org%7C8867-4&range=72,76", token: rita)
            #expect(all.status == .ok, "\(all.text)")
            let cell = try #require(all.json?["cells"]?[0])
            let values = [70.0, 71, 72, 74, 75, 76, 77, 78, 79, 80]
            #expect(cell["patients"] == 10 && cell["values"] == 10 && all.json?["k"] == 5 && all.json?["cells"]?.arrayValue?.count == 1)
            #expect(cell["mean"] == .double(values.reduce(0, +) / 10) && cell["median"] == .double(75.5) && cell["p10"] == .double(70.9))
            #expect(cell["inRange"] == .double(40))

            let byAgeAndSex = try await client.get("/api/research/asthma/aggregates?code=8867-4&by=age,sex", token: rita)
            let cells = byAgeAndSex.json?["cells"]?.arrayValue ?? []
            #expect(cells.count == 2, "\(byAgeAndSex.text)")
            #expect(cells.first { $0["age"] == "50-59" && $0["sex"] == "female" }?["patients"] == 9)
            #expect(cells.first { $0["age"] == "70-79" && $0["sex"] == "male" } == ["age": "70-79", "sex": "male", "suppressed": true])
            // A refusal recorded now is honoured by the next question.
            try await client.put(
                [
                    "resourceType": "Consent", "status": "active", "patient": ["reference": "Patient/s0"],
                    "scope": ["coding": [["system": .string(ResearchConsent.scopeSystem), "code": "research"]]],
                    "category": [["coding": [["system": "http://loinc.org", "code": "59284-0"]]]],
                    "policyRule": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTOUT"]]],
                    "provision": ["type": "deny"],
                ], id: "s0-refuses", token: world.admin)
            let after = try await client.get("/api/research/asthma/aggregates?code=8867-4&by=sex", token: rita)
            #expect(after.json?["cells"]?[0]?["patients"] == 8 && after.json?["cells"]?[0]?["values"] == 8, "\(after.text)")
            // The study's Group changed is the population of the next question: s1 taken out of it.
            try await client.put(
                [
                    "resourceType": "Group", "type": "person", "actual": true,
                    "member": .array((0...10).filter { $0 != 1 }.map { ["entity": ["reference": .string("Patient/s\($0)")]] }),
                ], id: "study", token: world.admin)
            let smaller = try await client.get("/api/research/asthma/aggregates?code=8867-4&by=sex", token: rita)
            #expect(smaller.json?["cells"]?[0]?["patients"] == 7, "\(smaller.text)")
            // A Group written past this server's writer (as by another node) counts once the kept
            // population is a minute old: s2 taken out too.
            let group = try #require(try await harness.runtime.store.resource(.group, id: "study"))
            var fewer = try #require(group.json.objectValue)
            fewer["member"] = .array([0, 4, 5, 6, 7, 8, 9, 10].map { ["entity": ["reference": .string("Patient/s\($0)")]] })
            let written = try await harness.runtime.store.apply(
                [
                    Change(
                        .resources([
                            ResourcePreparation.write(
                                .object(fewer), type: .group, id: "study", version: group.version + 1, lastUpdated: harness.clock.now(),
                                mode: .update(replacing: group.version))
                        ]))
                ], sealer: harness.runtime.sealer)
            if case .failure(let error) = written.outcomes.first { throw error }
            let kept = try await client.get("/api/research/asthma/aggregates?code=8867-4&by=sex", token: rita)
            #expect(kept.json?["cells"]?[0]?["patients"] == 7, "the population kept from the last question")
            harness.clock.advance(seconds: 61)
            let later = try await client.get("/api/research/asthma/aggregates?code=8867-4&by=sex", token: rita)
            #expect(later.json?["cells"]?[0]?["patients"] == 6, "\(later.text)")
            let months = try await client.get("/api/research/asthma/aggregates?code=8867-4&by=month&from=2026-03-01", token: rita)
            #expect(months.json?["cells"] == [], "the values are of February")

            // The project's researchers and administrators only; questions it can ask.
            #expect(try await client.get("/api/research/asthma/aggregates?code=8867-4", token: world.admin).status == .ok)
            for token in [world["nina"], world["ph"]] {
                #expect(try await client.get("/api/research/asthma/aggregates?code=8867-4", token: token).status == .forbidden)
            }
            try await client.put(ResearchExportTests.project("people", types: ["Patient"], researchers: ["rita"]), id: "people", token: world.admin)
            #expect(try await client.get("/api/research/people/aggregates?code=8867-4", token: rita).status == .forbidden)
            for query in ["", "code=8867-4&by=weight", "code=8867-4&range=9", "code=8867-4&patient=s1"] {
                let reply = try await client.get("/api/research/asthma/aggregates?\(query)", token: rita)
                #expect(reply.status == .badRequest && reply.isOperationOutcome, "\(query)")
            }
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            #expect(
                audit.contains {
                    $0.resource == "ResearchStudy/asthma/aggregates" && $0.actor.contains("rita") && $0.detail?.hasPrefix("project asthma: ") == true
                })
        }
    }

    @Test func alertCountsByKindCoverThePopulationOnly() async throws {
        let harness = try Harness { $0.rules = false }
        try await harness.run { client in
            let world = try await World.build(client)
            try await ResearchExportTests.buildStudy(client, admin: world.admin)
            try await client.put(ResearchExportTests.project("asthma", types: ["Patient"], researchers: ["rita"]), id: "asthma", token: world.admin)
            // NEWS2 alerts for s0…s5 (s3 refused research), a fever for s0, one for s10 (alone) and p1 (not in the study).
            let now = harness.clock.now()
            let alerts = [
                ("s0", "news2"), ("s1", "news2"), ("s2", "news2"), ("s3", "news2"), ("s4", "news2"), ("s5", "news2"), ("s0", "fever"),
                ("s10", "news2"), ("p1", "news2"),
            ].map { patient, kind in
                AlertChange(
                    alert: Alert(
                        patient: patient, key: kind, kind: kind, priority: .high, raised: now, updated: now, message: kind, values: [:],
                        nextRenotify: now + 60_000, nextEscalation: now + 60_000),
                    history: [], audit: [])
            }
            try await harness.runtime.writer.submit(Change(.alerts(alerts, derived: [])))
            let reply = try await client.get("/api/research/asthma/alerts?by=sex", token: world["rita"])
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(
                reply.json?["cells"] == [
                    ["sex": "female", "patients": 5, "alerts": ["fever": 1, "news2": 5]], ["sex": "male", "suppressed": true],
                ], "\(reply.text)")
            let later = try await client.get("/api/research/asthma/alerts?from=2026-03-02", token: world["rita"])
            #expect(later.json?["cells"] == [])
            #expect(try await client.get("/api/research/asthma/alerts?code=8867-4", token: world["rita"]).status == .badRequest)
            #expect(try await client.get("/api/research/asthma/alerts", token: world["nina"]).status == .forbidden)
        }
    }
}
