import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// Conditional create (`If-None-Exist`, a transaction entry's `ifNoneExist`) and `batch` bundles:
/// what clients such as fhirpy's `get_or_create` and EHR feeds rely on.
@Suite struct FHIRConditionalTests {
    static let ifNoneExist = HTTPField.Name("If-None-Exist")!

    @Test func ifNoneExistCreatesOnceThenAnswersWithTheMatch() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            let practitioner: JSON = [
                "resourceType": "Practitioner", "name": [["family": "Okafor"]], "identifier": [["system": "urn:npi", "value": "42"]],
            ]
            let first = try await client.request(
                .post, "/fhir/Practitioner", token: admin, json: practitioner, headers: [Self.ifNoneExist: "identifier=urn:npi|42"])
            #expect(first.status == .created, "\(first.text)")
            let again = try await client.request(
                .post, "/fhir/Practitioner", token: admin, json: practitioner, headers: [Self.ifNoneExist: "identifier=urn:npi|42"])
            #expect(again.status == .ok && again.json?["id"] == first.json?["id"], "\(again.text)")
            #expect(try await client.get("/fhir/Practitioner?identifier=42&_total=accurate", token: admin).json?["total"] == 1)
            // Two matches: the client's condition is not specific enough.
            _ = try await client.create(["resourceType": "Practitioner", "name": [["family": "Okafor"]]], token: admin)
            let ambiguous = try await client.request(
                .post, "/fhir/Practitioner", token: admin, json: practitioner, headers: [Self.ifNoneExist: "family=okafor"])
            #expect(ambiguous.status == .preconditionFailed && ambiguous.isOperationOutcome, "\(ambiguous.text)")
            let unknown = try await client.request(
                .post, "/fhir/Practitioner", token: admin, json: practitioner, headers: [Self.ifNoneExist: "shoe=44"])
            #expect(unknown.status == .badRequest, "\(unknown.text)")
        }
    }

    /// fhirpy's `get_or_create` sends its criteria in the URL of the POST rather than the header.
    @Test func criteriaInThePostsURLAreAConditionalCreateToo() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            let practitioner: JSON = ["resourceType": "Practitioner", "identifier": [["system": "urn:npi", "value": "77"]]]
            let first = try await client.request(.post, "/fhir/Practitioner?identifier=urn:npi%7C77", token: admin, json: practitioner)
            #expect(first.status == .created, "\(first.text)")
            let again = try await client.request(.post, "/fhir/Practitioner?identifier=urn:npi%7C77", token: admin, json: practitioner)
            #expect(again.status == .ok && again.json?["id"] == first.json?["id"], "\(again.text)")
            let both = try await client.request(
                .post, "/fhir/Practitioner?identifier=urn:npi%7C77", token: admin, json: practitioner,
                headers: [Self.ifNoneExist: "identifier=urn:npi|78"])
            #expect(both.status == .badRequest, "\(both.text)")
            // fhirpy's count asks _totalMethod=count beside _count=0.
            let count = try await client.get("/fhir/Practitioner?identifier=urn:npi%7C77&_count=0&_totalMethod=count", token: admin)
            #expect(count.status == .ok && count.json?["total"] == 1, "\(count.text)")
            // _format is not a criterion.
            let plain = try await client.request(.post, "/fhir/Practitioner?_format=json", token: admin, json: practitioner)
            #expect(plain.status == .created, "\(plain.text)")
        }
    }

    @Test func aConditionalUpdateCreatesOrUpdatesTheOneMatch() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            let practitioner: JSON = ["resourceType": "Practitioner", "identifier": [["system": "urn:npi", "value": "90"]], "active": true]
            let created = try await client.put("/fhir/Practitioner?identifier=urn:npi%7C90", token: admin, practitioner)
            #expect(created.status == .created, "\(created.text)")
            var changed = practitioner.objectValue!
            changed["active"] = false
            let updated = try await client.put("/fhir/Practitioner?identifier=urn:npi%7C90", token: admin, .object(changed))
            #expect(updated.status == .ok && updated.json?["id"] == created.json?["id"] && updated.json?["active"] == false, "\(updated.text)")
            changed["id"] = "someone-else"
            #expect(try await client.put("/fhir/Practitioner?identifier=urn:npi%7C90", token: admin, .object(changed)).status == .badRequest)
            try await client.put(["resourceType": "Practitioner", "identifier": [["system": "urn:npi", "value": "90"]]], id: "twin", token: admin)
            #expect(try await client.put("/fhir/Practitioner?identifier=urn:npi%7C90", token: admin, practitioner).status == .preconditionFailed)
            #expect(try await client.put("/fhir/Practitioner", token: admin, practitioner).status == .badRequest)
        }
    }

    @Test func aConditionalDeleteDeletesTheOneMatch() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Practitioner", "identifier": [["system": "urn:npi", "value": "91"]]], id: "d1", token: admin)
            #expect(try await client.request(.delete, "/fhir/Practitioner?identifier=urn:npi%7C91", token: admin).status == .noContent)
            #expect(try await client.get("/fhir/Practitioner/d1", token: admin).status == .gone)
            #expect(try await client.request(.delete, "/fhir/Practitioner?identifier=urn:npi%7C91", token: admin).status == .noContent)
            for id in ["d2", "d3"] {
                try await client.put(["resourceType": "Practitioner", "identifier": [["system": "urn:npi", "value": "92"]]], id: id, token: admin)
            }
            #expect(try await client.request(.delete, "/fhir/Practitioner?identifier=urn:npi%7C92", token: admin).status == .preconditionFailed)
            #expect(try await client.request(.delete, "/fhir/Practitioner", token: admin).status == .badRequest)
            #expect(try await client.get("/fhir/Practitioner/d2", token: admin).status == .ok)
        }
    }

    @Test func aTransactionEntryWithIfNoneExistResolvesToTheResourceThatExists() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(
                ["resourceType": "Organization", "name": "General", "identifier": [["system": "urn:org", "value": "g"]]], id: "org1", token: admin)
            let bundle: JSON = [
                "resourceType": "Bundle", "type": "transaction",
                "entry": [
                    [
                        "fullUrl": "urn:uuid:org",
                        "resource": ["resourceType": "Organization", "name": "General", "identifier": [["system": "urn:org", "value": "g"]]],
                        "request": ["method": "POST", "url": "Organization", "ifNoneExist": "identifier=urn:org|g"],
                    ],
                    [
                        "resource": ["resourceType": "Location", "name": "Ward 3", "managingOrganization": ["reference": "urn:uuid:org"]],
                        "request": ["method": "POST", "url": "Location"],
                    ],
                ],
            ]
            let reply = try await client.post("/fhir", token: admin, bundle)
            #expect(reply.status == .ok, "\(reply.text)")
            let entries = reply.json?["entry"]?.arrayValue ?? []
            #expect(entries.compactMap { $0["response"]?["status"]?.stringValue } == ["200 OK", "201 Created"])
            #expect(entries.last?["resource"]?["managingOrganization"]?["reference"] == "Organization/org1")
            #expect(try await client.get("/fhir/Organization?_total=accurate", token: admin).json?["total"] == 1)
        }
    }

    @Test func aBatchCarriesOutEachEntryOnItsOwn() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Patient", "name": [["family": "Batch"]]], id: "p1", token: admin)
            let bundle: JSON = [
                "resourceType": "Bundle", "type": "batch",
                "entry": [
                    [
                        "fullUrl": "urn:uuid:c1",
                        "resource": ["resourceType": "Condition", "subject": ["reference": "Patient/p1"], "code": ["text": "asthma"]],
                        "request": ["method": "POST", "url": "Condition"],
                    ],
                    [
                        "resource": ["resourceType": "Observation", "status": "bogus", "code": ["text": "x"]],
                        "request": ["method": "POST", "url": "Observation"],
                    ],
                    ["request": ["method": "GET", "url": "Patient/p1"]],
                    ["request": ["method": "GET", "url": "Condition?patient=p1"]],
                    ["request": ["method": "GET", "url": "Patient/nobody"]],
                    ["request": ["method": "DELETE", "url": "Patient/nobody"]],
                ],
            ]
            let reply = try await client.post("/fhir", token: admin, bundle)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.json?["type"] == "batch-response")
            let entries = reply.json?["entry"]?.arrayValue ?? []
            #expect(
                entries.compactMap { $0["response"]?["status"]?.stringValue }
                    == ["201 Created", "400 Bad Request", "200 OK", "200 OK", "404 Not Found", "404 Not Found"], "\(reply.text)")
            #expect(entries[1]["response"]?["outcome"]?["resourceType"] == "OperationOutcome")
            #expect(entries[2]["resource"]?["name"]?[0]?["family"] == "Batch")
            #expect(entries[3]["resource"]?["type"] == "searchset" && entries[3]["resource"]?["entry"]?.arrayValue?.count == 1)
        }
    }
}
