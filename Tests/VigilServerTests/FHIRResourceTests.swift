import HTTPTypes
import Testing
import VigilCore
import VigilTestFixtures

@testable import VigilServer

@Suite struct FHIRResourceTests {
    @Test func metadataIsPublicAndTellsWhatIsSupported() async throws {
        try await Harness().run { client in
            let reply = try await client.get("/fhir/metadata", token: nil)
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType]?.hasPrefix("application/fhir+json") == true)
            #expect(reply.json?["fhirVersion"] == "4.0.1")
            let resources = reply.json?["rest"]?[0]?["resource"]?.arrayValue ?? []
            #expect(Set(resources.compactMap { $0["type"]?.stringValue }) == Set(FHIRResourceType.allCases.map(\.rawValue)))
            let observation = try #require(resources.first { $0["type"] == "Observation" })
            let names = Set(observation["searchParam"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? [])
            #expect(names.isSuperset(of: ["_id", "_lastUpdated", "patient", "subject", "code", "date", "status", "identifier"]))
        }
    }

    @Test func createReadUpdateAndVersions() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            let created = try await client.post(
                "/fhir/Patient", token: admin, ["resourceType": "Patient", "id": "ignored", "name": [["family": "Doe"]]])
            #expect(created.status == .created)
            let id = try #require(created.json?["id"]?.stringValue)
            #expect(id != "ignored")
            #expect(created.headers[.eTag] == #"W/"1""#)
            #expect(created.headers[.location] == "http://localhost/fhir/Patient/\(id)/_history/1")
            let read = try await client.get("/fhir/Patient/\(id)", token: admin)
            #expect(read.json == created.json)
            let updated = try await client.request(
                .put, "/fhir/Patient/\(id)", token: admin, json: ["resourceType": "Patient", "id": .string(id), "name": [["family": "Smith"]]],
                headers: [.ifMatch: #"W/"1""#])
            #expect(updated.status == .ok && updated.json?["meta"]?["versionId"] == "2")
            let stale = try await client.request(
                .put, "/fhir/Patient/\(id)", token: admin, json: ["resourceType": "Patient", "id": .string(id)], headers: [.ifMatch: #"W/"1""#])
            #expect(stale.status == .preconditionFailed && stale.isOperationOutcome)
            #expect(try await client.get("/fhir/Patient/\(id)/_history/1", token: admin).json?["name"]?[0]?["family"] == "Doe")
            #expect(try await client.get("/fhir/Patient/\(id)/_history/3", token: admin).status == .notFound)
            let minimal = try await client.request(
                .post, "/fhir/Practitioner", token: admin, json: ["resourceType": "Practitioner"],
                headers: [HTTPField.Name("Prefer")!: "return=minimal"])
            #expect(minimal.status == .created && minimal.text.isEmpty && minimal.headers[.location] != nil, "\(minimal.status) \(minimal.text)")
        }
    }

    @Test func errorsAreOperationOutcomesWithTheRightStatus() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Patient"], id: "p1", token: admin)
            let cases: [(HTTPRequest.Method, String, JSON?, HTTPResponse.Status)] = [
                (.post, "/fhir/Patient", ["resourceType": "Patient", "gender": "f"], .badRequest),
                (.post, "/fhir/Patient", ["resourceType": "Observation", "status": "final", "code": ["text": "x"]], .badRequest),
                (.post, "/fhir/Patient", ["resourceType": "Patient", "shoeSize": 44], .badRequest),
                (.post, "/fhir/Basic", ["resourceType": "Basic", "code": ["text": "x"]], .notFound),
                (.get, "/fhir/Patient/missing", nil, .notFound),
                (.get, "/fhir/Patient/bad id", nil, .notFound),
                (.put, "/fhir/Patient/p1", ["resourceType": "Patient", "id": "p2"], .badRequest),
                (.put, "/fhir/Patient/p1", ["resourceType": "Patient"], .badRequest),
                (
                    .post, "/fhir/Observation",
                    ["resourceType": "Observation", "status": "final", "code": ["text": "x"], "subject": ["reference": "Patient/nobody"]],
                    .unprocessableContent
                ),
                (.post, "/fhir/Condition", ["resourceType": "Condition", "subject": ["reference": "Group/g"]], .unprocessableContent),
                (
                    .post, "/fhir/Observation",
                    [
                        "resourceType": "Observation", "status": "final", "code": ["coding": [["system": "http://loinc.org", "code": "8867-4"]]],
                        "subject": ["reference": "Patient/p1"], "valueQuantity": ["value": 400, "code": "/min"],
                    ], .unprocessableContent
                ),
                (.get, "/fhir/Patient?unknown-param=1", nil, .badRequest),
                (.get, "/fhir/Patient?birthdate=yesterday", nil, .badRequest),
                (.delete, "/fhir/Patient/missing", nil, .notFound),
                (.get, "/nowhere", nil, .notFound),
            ]
            for (method, path, body, status) in cases {
                let reply = try await client.request(method, path, token: admin, json: body)
                #expect(reply.status == status, "\(method) \(path): \(reply.status) \(reply.text)")
                #expect(reply.isOperationOutcome, "\(method) \(path): \(reply.text)")
            }
            let conflict = try await client.post(
                "/fhir", token: admin,
                [
                    "resourceType": "Bundle", "type": "transaction",
                    "entry": [
                        ["resource": ["resourceType": "Patient", "id": "p1"], "request": ["method": "PUT", "url": "Patient/p1"]],
                        ["resource": ["resourceType": "Patient", "id": "p1"], "request": ["method": "PUT", "url": "Patient/p1"]],
                    ],
                ])
            #expect(conflict.status == .badRequest)
            let xml = try await client.request(
                .post, "/fhir/Patient", token: admin, body: "<Patient/>", headers: [.contentType: "application/fhir+xml"])
            #expect(xml.status == .unsupportedMediaType && xml.isOperationOutcome)
        }
    }

    @Test func readingsCannotBeUpdated() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            _ = try await client.ingest([client.reading(1)], token: world.devices["d1"]!)
            let id = try #require(
                try await client.get("/fhir/Observation?device=Device/d1", token: world.admin).json?["entry"]?[0]?["resource"]?["id"]?.stringValue)
            let reply = try await client.put(
                "/fhir/Observation/\(id)", token: world.admin,
                ["resourceType": "Observation", "id": .string(id), "status": "final", "code": ["text": "x"]])
            #expect(reply.status == .methodNotAllowed)
        }
    }

    @Test func peopleEnterObservationsAsPerformers() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let observation: JSON = [
                "resourceType": "Observation", "status": "final",
                "code": ["coding": [["system": "http://loinc.org", "code": "8310-5"]]], "subject": ["reference": "Patient/p1"],
                "effectiveDateTime": "2026-03-01T07:00:00Z",
                "valueQuantity": ["value": .number("38.4"), "unit": "Cel", "system": "http://unitsofmeasure.org", "code": "Cel"],
            ]
            let created = try await client.post("/fhir/Observation", token: world["nina"], observation)
            #expect(created.status == .created)
            #expect(created.json?["performer"]?[0]?["reference"] == "Practitioner/n1")
            var someoneElse = observation.objectValue!
            someoneElse["performer"] = [["reference": "Practitioner/n2"]]
            #expect(try await client.post("/fhir/Observation", token: world["nina"], .object(someoneElse)).status == .unprocessableContent)
            var posing = observation.objectValue!
            posing["identifier"] = [["system": .string(ProducerKey.system), "value": "d1/0/1"]]
            #expect(try await client.post("/fhir/Observation", token: world["nina"], .object(posing)).status == .unprocessableContent)
            let search = try await client.get("/fhir/Observation?patient=p1&performer=Practitioner/n1", token: world["nina"])
            #expect(search.json?["entry"]?.arrayValue?.count == 1)
        }
    }

    @Test func everyTypeRoundTrips() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Patient"], id: "p1", token: admin)
            for resource in FHIRExamples.all(patient: "p1") {
                let type = resource["resourceType"]!.stringValue!
                let created = try await client.post("/fhir/\(type)", token: admin, resource)
                #expect(created.status == .created, "\(type): \(created.text)")
                let id = created.json?["id"]?.stringValue ?? ""
                let search = try await client.get("/fhir/\(type)?_id=\(id)", token: admin)
                #expect(search.json?["entry"]?.arrayValue?.count == 1, "\(type)")
            }
        }
    }

    /// The HL7 R4 examples use all-digit ids (`Patient/123`); only Observations keep them for
    /// device readings, and say so.
    @Test func allDigitIdsAreTakenExceptWhereReadingsHoldThem() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            let patient = try await client.put("/fhir/Patient/12345", token: admin, ["resourceType": "Patient", "id": "12345"])
            #expect(patient.status == .created, "\(patient.text)")
            #expect(try await client.get("/fhir/Patient/12345", token: admin).status == .ok)
            let observation = try await client.put(
                "/fhir/Observation/777", token: admin,
                ["resourceType": "Observation", "id": "777", "status": "final", "code": ["text": "x"], "subject": ["reference": "Patient/12345"]])
            #expect(observation.status == .badRequest && observation.text.contains("device readings"), "\(observation.text)")
            let bundle = try await client.post(
                "/fhir", token: admin,
                [
                    "resourceType": "Bundle", "type": "transaction",
                    "entry": [["resource": ["resourceType": "Practitioner", "id": "42"], "request": ["method": "PUT", "url": "Practitioner/42"]]],
                ])
            #expect(bundle.status == .ok, "\(bundle.text)")
        }
    }

    /// An Observation about a Group (a ward's count of falls, a class's attendance), as R4 allows:
    /// stored in the group's compartment, seen by the group's care team and nobody else's, found
    /// by `subject=Group/…` and by its `encounter`; never read as one patient's vital sign.
    @Test func anObservationOfAGroupBelongsToTheGroupsCareTeam() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            try await client.put(
                ["resourceType": "Encounter", "status": "in-progress", "class": ["code": "IMP"], "subject": ["reference": "Patient/p1"]], id: "e1",
                token: world.admin)
            let ward = try await client.create(
                [
                    "resourceType": "Observation", "status": "final", "code": ["text": "Falls this week"], "subject": ["reference": "Group/wardA"],
                    "valueQuantity": ["value": 2, "unit": "{falls}"],
                ], token: world.admin)
            let visit = try await client.create(
                [
                    "resourceType": "Observation", "status": "final", "code": ["text": "Admission note"], "subject": ["reference": "Patient/p1"],
                    "encounter": ["reference": "Encounter/e1"],
                ], token: world.admin)
            #expect(try await client.get("/fhir/Observation/\(ward)", token: world["nina"]).status == .ok)
            #expect(try await client.get("/fhir/Observation/\(ward)", token: world["nora"]).status == .notFound)
            let found = try await client.get("/fhir/Observation?subject=Group/wardA", token: world["nina"])
            #expect(found.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } == [ward], "\(found.text)")
            #expect(try await client.get("/fhir/Observation?subject=Group/wardA", token: world["nora"]).json?["entry"] == nil)
            #expect(try await client.get("/fhir/Observation?patient=p1&code:text=falls", token: world.admin).json?["entry"] == nil)
            let byVisit = try await client.get("/fhir/Observation?encounter=e1", token: world["nina"])
            #expect(byVisit.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } == [visit], "\(byVisit.text)")
            // A subject by display alone: an administrator's Observation in no one's record; not a
            // Condition (Vigil requires its patient), nor from a nurse.
            let byName: JSON = ["resourceType": "Observation", "status": "final", "code": ["text": "note"], "subject": ["display": "John Doe"]]
            #expect(try await client.post("/fhir/Observation", token: world.admin, byName).status == .created)
            #expect(try await client.post("/fhir/Observation", token: world["nina"], byName).status == .unprocessableContent)
            let condition = try await client.post(
                "/fhir/Condition", token: world.admin, ["resourceType": "Condition", "code": ["text": "gout"], "subject": ["display": "John Doe"]])
            #expect(condition.status == .unprocessableContent && condition.text.contains("subject"), "\(condition.text)")
            // A Group where R4 allows none (a device's patient) is still refused with the reason.
            let device = try await client.post(
                "/fhir/Device", token: world.admin, ["resourceType": "Device", "patient": ["reference": "Group/wardA"]])
            #expect(device.status == .unprocessableContent || device.status == .badRequest, "\(device.text)")
        }
    }
}
