import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// `GET /api/cohorts/{name}`: members among the patients a care role may see, everyone for an
/// administrator, counts for public health, nothing for research; audited.
@Suite struct CohortRoutesTests {
    static func members(_ reply: Reply) -> [String] {
        (reply.json?["members"]?.arrayValue ?? []).compactMap { $0["patient"]?.stringValue }
    }

    /// The World's three patients were born in 1960 (65 and over); p2 had this season's influenza dose.
    static func vaccinate(_ client: Client, _ world: World) async throws {
        try await client.put(
            [
                "resourceType": "Immunization", "status": "completed", "patient": ["reference": "Patient/p2"],
                "vaccineCode": ["coding": [["system": "http://hl7.org/fhir/sid/cvx", "code": "140"]]], "occurrenceDateTime": "2026-10-01",
            ], id: "i1", token: world.admin)
    }

    @Test func eachRoleSeesWhatItMay() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.vaccinate(client, world)
            let path = "/api/cohorts/influenza?date=2026-12-01"
            let all = try await client.get(path, token: world.admin)
            #expect(all.status == .ok, "\(all.text)")
            #expect(all.json?["definition"]?["name"] == "influenza" && all.json?["date"] == "2026-12-01")
            #expect(Self.members(all) == ["Patient/c1", "Patient/p1"] && all.json?["total"] == 2)
            #expect(all.json?["members"]?[0]?["risk"] == ["age 65 and over"] && all.json?["members"]?[0]?["lastDose"] == .null)
            #expect(Self.members(try await client.get(path, token: world["nina"])) == ["Patient/p1"])
            #expect(Self.members(try await client.get(path, token: world["sally"])) == ["Patient/c1"])
            let nora = try await client.get(path, token: world["nora"])
            #expect(nora.status == .ok && Self.members(nora).isEmpty && nora.json?["total"] == 0)
            // Public health: counts, no identities; two members is a small cell.
            let counts = try await client.get(path, token: world["ph"])
            #expect(counts.status == .ok && counts.json?["members"] == nil && !counts.text.contains("Patient/"))
            #expect(counts.json?["total"] == "<11" && counts.json?["counts"] == [["area": "unknown", "ageBand": "65+", "count": "<11"]])
            #expect(try await client.get(path + "&_format=csv", token: world["ph"]).status == .forbidden)
            #expect(try await client.get(path, token: world["rita"]).status == .forbidden)
            #expect(try await client.get(path, token: world.devices["d1"]).status == .forbidden)
            // Before the dose p2 was not protected.
            #expect(Self.members(try await client.get("/api/cohorts/influenza?date=2026-09-30", token: world.admin)).count == 3)
            // Nina's list is in the audit chain, with its patient; public health's with the count only.
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 100_000).map(\.event)
            #expect(audit.contains { $0.actor == "user/nina" && $0.resource == "cohort/influenza" && $0.patient == "p1" })
            #expect(audit.contains { $0.actor == "user/ph" && $0.resource == "cohort/influenza" && $0.patient == nil && $0.detail == "counts of 2" })
        }
    }

    @Test func vaccinesFormatsAndRefusals() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let world = try await World.build(client)
            try await Self.vaccinate(client, world)
            let unvaccinated = "/api/cohorts/unvaccinated-high-risk?date=2026-12-01&vaccine="
            #expect(Self.members(try await client.get(unvaccinated + "http://hl7.org/fhir/sid/cvx%7C140", token: world.admin)).count == 2)
            #expect(Self.members(try await client.get(unvaccinated + "03,88", token: world.admin)).count == 3)
            let missing = try await client.get("/api/cohorts/unvaccinated-high-risk", token: world.admin)
            #expect(missing.status == .badRequest && missing.isOperationOutcome)
            let unknown = try await client.get("/api/cohorts/smallpox", token: world.admin)
            #expect(unknown.status == .notFound && unknown.text.contains("measles"))
            for bad in ["date=2026-12", "_format=xml", "_count=-1", "colour=red", "vaccine=%7C140"] {
                #expect(try await client.get("/api/cohorts/influenza?\(bad)", token: world.admin).status == .badRequest, "\(bad)")
            }
            let csv = try await client.get("/api/cohorts/influenza?date=2026-12-01&_format=csv", token: world["doc"])
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text == "patient,risk,last_dose,area,age\r\n\"Patient/p1\",\"age 65 and over\",\"\",\"\",\"66\"\r\n")
            let group = try await client.get("/api/cohorts/influenza?date=2026-12-01&_format=fhir&_count=1", token: world.admin)
            #expect(group.json?["resourceType"] == "Group" && group.json?["actual"] == true && group.json?["quantity"] == 1)
            #expect(group.json?["member"] == [["entity": ["reference": "Patient/c1"]]])
        }
    }
}
