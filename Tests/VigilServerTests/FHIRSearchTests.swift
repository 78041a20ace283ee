import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

@Suite struct FHIRSearchTests {
    @Test func pagingLinksAreAbsoluteAndCountIsCapped() async throws {
        try await Harness { $0.searchLimits = FHIRSearchLimits(defaultCount: 2, maxCount: 3) }.run { client in
            let admin = try await client.adminToken()
            for i in 1...5 { try await client.put(["resourceType": "Patient", "name": [["family": .string("F\(i)")]]], id: "p\(i)", token: admin) }
            let first = try await client.get("/fhir/Patient?_count=50&_sort=_id", token: admin)
            #expect(first.status == .ok)
            #expect(first.json?["entry"]?.arrayValue?.count == 3)
            let links = first.json?["link"]?.arrayValue ?? []
            let next = try #require(links.first { $0["relation"] == "next" }?["url"]?.stringValue)
            #expect(next.hasPrefix("http://localhost/fhir/Patient?"))
            #expect(next.contains("_count=3") && next.contains("_cursor=") && next.contains("_sort=_id"))
            let path = String(next.dropFirst("http://localhost".count))
            let second = try await client.get(path, token: admin)
            #expect(second.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } == ["p4", "p5"])
            #expect(second.json?["link"]?.arrayValue?.contains { $0["relation"] == "next" } == false)
            #expect(try await client.get("/fhir/Patient?_cursor=not-a-cursor", token: admin).status == .badRequest)
            #expect(
                try await client.get(
                    "/fhir/Patient?_sort=-_lastUpdated&"
                        + next.split(separator: "?")[1].split(separator: "&").filter { $0.hasPrefix("_cursor") }.joined(), token: admin
                ).status == .badRequest)
            #expect(first.json?["entry"]?[0]?["fullUrl"] == "http://localhost/fhir/Patient/p1")
            let total = try await client.get("/fhir/Patient?_count=0", token: admin)
            #expect(total.json?["total"] == 5 && total.json?["entry"] == nil)
        }
    }

    /// Page 1 is read, readings and entered observations arrive, the next page is read: no entry
    /// twice, none skipped (keyset paging; offsets shifted under new data).
    @Test func pagingIsStableWhileDataArrives() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            _ = try await client.ingest((1...4).map { client.reading($0, secondsAgo: Int64(600 - $0 * 60)) }, token: world.devices["d1"])
            for minutes in [3, 1] {
                _ = try await client.create(
                    [
                        "resourceType": "Observation", "status": "final", "code": ["coding": [["system": "http://loinc.org", "code": "8867-4"]]],
                        "subject": ["reference": "Patient/p1"],
                        "effectiveDateTime": .string(FHIRDateTime.instant(milliseconds: client.clock.now() - Int64(minutes) * 60_000)),
                        "valueQuantity": ["value": 70, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"],
                    ], token: world.admin)
            }
            var seen: [String] = []
            var page = try await client.get("/fhir/Observation?patient=p1&code=8867-4&_count=2", token: world.admin)
            let before = page.json?["total"]
            seen += page.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } ?? []
            // Newer readings arrive: newest first, they would push page 1's entries onto page 2.
            client.clock.advance(seconds: 1)
            _ = try await client.ingest((5...7).map { client.reading($0) }, token: world.devices["d1"])
            while let next = page.json?["link"]?.arrayValue?.first(where: { $0["relation"] == "next" })?["url"]?.stringValue {
                page = try await client.get(String(next.dropFirst("http://localhost".count)), token: world.admin)
                seen += page.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } ?? []
            }
            #expect(before == nil)
            #expect(seen.count == 6 && Set(seen).count == 6, "\(seen)")
        }
    }

    /// Chained parameters, `_has` and `:not`, each within what the reader may see.
    @Test func chainsHasAndNot() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            var p2 = try #require(try await client.get("/fhir/Patient/p2", token: world.admin).json?.objectValue)
            p2["identifier"] = [["system": "urn:mrn", "value": "M2"]]
            #expect(try await client.put("/fhir/Patient/p2", token: world.admin, .object(p2)).status == .ok)
            let mine = try await client.create(
                ["resourceType": "Condition", "subject": ["reference": "Patient/p1"], "code": ["coding": [["system": "urn:c", "code": "asthma"]]]],
                token: world.admin)
            let theirs = try await client.create(
                ["resourceType": "Condition", "subject": ["reference": "Patient/p2"], "code": ["coding": [["system": "urn:c", "code": "gout"]]]],
                token: world.admin)
            func ids(_ path: String, _ token: String) async throws -> [String] {
                let reply = try await client.get(path, token: token)
                #expect(reply.status == .ok, "\(path): \(reply.text)")
                return reply.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } ?? []
            }
            #expect(try await ids("/fhir/Condition?subject:Patient.identifier=urn:mrn%7CM2", world.admin) == [theirs])
            #expect(try await ids("/fhir/Condition?patient.identifier=M2", world.admin) == [theirs])
            #expect(try await ids("/fhir/Condition?patient.identifier=nobody", world.admin).isEmpty)
            #expect(try await ids("/fhir/Condition?patient.identifier=M2", world["nina"]).isEmpty)
            #expect(try await ids("/fhir/Patient?_has:Condition:subject:code=gout", world.admin) == ["p2"])
            #expect(try await ids("/fhir/Patient?_has:Condition:subject:code=gout", world["nina"]).isEmpty)
            #expect(try await ids("/fhir/Condition?code:not=urn:c%7Cgout", world.admin) == [mine])
            let posted = try await client.request(
                .post, "/fhir/Condition/_search?_count=5", token: world.admin, body: "code=urn%3Ac%7Cgout",
                headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(posted.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } == [theirs], "\(posted.text)")
            #expect(try await client.post("/fhir/Condition/_search", token: world.admin, ["code": "gout"]).status == .unsupportedMediaType)
            for bad in [
                "subject.name=x", "subject:Patient.organization.name=x", "_has:Condition:code:code=x", "_has:Nothing:subject:code=x", "code:below=x",
            ] {
                #expect(try await client.get("/fhir/Condition?\(bad)", token: world.admin).status == .badRequest, "\(bad)")
            }
        }
    }

    @Test func everythingOfAPatientIsTheirWholeRecord() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let condition = try await client.create(
                ["resourceType": "Condition", "subject": ["reference": "Patient/p1"], "code": ["text": "asthma"]], token: world.admin)
            _ = try await client.create(
                ["resourceType": "Condition", "subject": ["reference": "Patient/p2"], "code": ["text": "gout"]], token: world.admin)
            _ = try await client.ingest([client.reading(1)], token: world.devices["d1"])
            let everything = try await client.get("/fhir/Patient/p1/$everything", token: world["nina"])
            #expect(everything.status == .ok, "\(everything.text)")
            let names =
                everything.json?["entry"]?.arrayValue?.compactMap { entry -> String? in
                    guard let type = entry["resource"]?["resourceType"]?.stringValue, let id = entry["resource"]?["id"]?.stringValue else {
                        return nil
                    }
                    return "\(type)/\(id)"
                } ?? []
            #expect(names.first == "Patient/p1" && names.contains("Condition/\(condition)") && names.contains("Device/d1"), "\(names)")
            #expect(names.contains { $0.hasPrefix("Observation/") })
            #expect(!names.contains { $0.hasSuffix("p2") })
            #expect(try await client.get("/fhir/Patient/p2/$everything", token: world["nina"]).status == .notFound)
        }
    }

    /// 2,000 OR-ed values (or parameters) are refused with the limit, not failed on in the store.
    @Test func manyValuesOrParametersAreRefusedWithTheLimit() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            let codes = (1...2000).map { "c\($0)" }.joined(separator: ",")
            for path in [
                "/fhir/Observation?code=\(codes)", "/fhir/Observation?_id=\(codes)", "/fhir/Observation?patient=\(codes)",
                "/fhir/Observation?" + (1...200).map { "code=c\($0)" }.joined(separator: "&"),
            ] {
                let reply = try await client.get(path, token: admin)
                #expect(reply.status == .badRequest && reply.isOperationOutcome, "\(reply.status) \(reply.text.prefix(200))")
                #expect(reply.text.contains("at most"), "\(reply.text.prefix(200))")
            }
            let hundred = (1...100).map { "c\($0)" }.joined(separator: ",")
            #expect(try await client.get("/fhir/Observation?code=\(hundred)", token: admin).status == .ok)
        }
    }

    @Test func clinicianSearchesByPatientCodeAndDate() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            _ = try await client.ingest(
                [
                    client.reading(1, secondsAgo: 3600 * 30), client.reading(2, secondsAgo: 3600),
                    client.reading(3, code: "9279-1", value: 18, secondsAgo: 60),
                ], token: world.devices["d1"]!)
            let since = FHIRDateTime.instant(milliseconds: client.clock.now() - 24 * 3_600_000)
            let lastDay = try await client.get("/fhir/Observation?patient=Patient/p1&code=8867-4&date=ge\(since)", token: world["doc"])
            #expect(lastDay.json?["entry"]?.arrayValue?.count == 1)
            let all = try await client.get("/fhir/Observation?subject=Patient/p1&_sort=date", token: world["doc"])
            #expect(
                all.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["identifier"]?[0]?["value"]?.stringValue } == [
                    "d1/0/1", "d1/0/2", "d1/0/3",
                ])
            let lenient = try await client.request(
                .get, "/fhir/Observation?patient=p1&colour=blue", token: world["doc"], headers: [.init("Prefer")!: "handling=lenient"])
            #expect(lenient.status == .ok && lenient.json?["entry"]?.arrayValue?.count == 3)
        }
    }
}
