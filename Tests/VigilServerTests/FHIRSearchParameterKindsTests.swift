import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// Search by quantity, by a code's text and sorted by any parameter, as clients send them.
@Suite struct FHIRSearchParameterKindsTests {
    static func ids(_ reply: Reply) -> [String] {
        reply.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } ?? []
    }

    /// Heart rates of 58, 100 and 130 from the device, and 120 entered by hand: `value-quantity`
    /// compares them all, with R4's prefixes, a decimal's precision and an optional unit.
    @Test func valueQuantityComparesReadingsAndEnteredObservations() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let ingested = try await client.ingest(
                [client.reading(1, value: 58), client.reading(2, value: 100), client.reading(3, value: 130)], token: world.devices["d1"])
            #expect(ingested.status == .ok, "\(ingested.text)")
            let entered = try await client.create(
                [
                    "resourceType": "Observation", "status": "final", "code": ["coding": [["system": "http://loinc.org", "code": "8867-4"]]],
                    "subject": ["reference": "Patient/p1"], "effectiveDateTime": .string(FHIRDateTime.instant(milliseconds: client.clock.now())),
                    "valueQuantity": ["value": 120, "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min"],
                ], token: world.admin)
            func values(_ criteria: String) async throws -> [Double] {
                let reply = try await client.get("/fhir/Observation?patient=p1&code=8867-4&\(criteria)", token: world.admin)
                #expect(reply.status == .ok, "\(criteria): \(reply.text)")
                return (reply.json?["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["valueQuantity"]?["value"]?.doubleValue }.sorted()
            }
            #expect(try await values("value-quantity=gt100") == [120, 130])
            #expect(try await values("value-quantity=ge100") == [100, 120, 130])
            #expect(try await values("value-quantity=lt100") == [58])
            #expect(try await values("value-quantity=le100") == [58, 100])
            #expect(try await values("value-quantity=100") == [100])
            #expect(try await values("value-quantity=eq1e2") == [100])
            // 100.2 is 100 to the precision written (99.5 to 100.5), not to 100.0's.
            #expect(try await values("value-quantity=100.2") == [])
            #expect(try await values("value-quantity=ne100") == [58, 120, 130])
            #expect(try await values("value-quantity=ap125") == [120, 130])
            #expect(try await values("value-quantity=gt100|http://unitsofmeasure.org|/min") == [120, 130])
            #expect(try await values("value-quantity=gt100||/min") == [120, 130])
            #expect(try await values("value-quantity=gt100||mm[Hg]") == [])
            #expect(try await values("value-quantity=lt60,gt125") == [58, 130])
            #expect(try await values("value-quantity:missing=true") == [])
            let one = try await client.get(
                "/fhir/Observation?value-quantity=115|http://unitsofmeasure.org|/min&value-quantity=le125", token: world.admin)
            #expect(one.status == .ok && Self.ids(one) == [], "\(one.text)")
            let entry = try await client.get("/fhir/Observation?value-quantity=120", token: world.admin)
            #expect(Self.ids(entry) == [entered])
            for bad in ["value-quantity=abc", "value-quantity=gt", "value-quantity=xx100", "value-quantity=100|a"] {
                let reply = try await client.get("/fhir/Observation?\(bad)", token: world.admin)
                #expect(reply.status == .badRequest && reply.text.contains("value-quantity"), "\(bad): \(reply.text)")
            }
        }
    }

    /// `:text` matches a code's text and its codings' displays, as a string (any case, a prefix of a word's start).
    @Test func tokenTextMatchesTheCodesTextAndDisplays() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Patient"], id: "p", token: admin)
            let conditions: [(String, JSON)] = [
                ("diabetes", ["coding": [["system": "http://snomed.info/sct", "code": "44054006", "display": "Diabetes mellitus type 2"]]]),
                ("asthma", ["text": "Asthma, moderate persistent"]),
                ("fever", ["coding": [["system": "http://snomed.info/sct", "code": "386661006", "display": "Fever"]], "text": "Fièvre"]),
            ]
            for (id, code) in conditions {
                try await client.put(["resourceType": "Condition", "subject": ["reference": "Patient/p"], "code": code], id: id, token: admin)
            }
            for (text, expected) in [("diabetes", ["diabetes"]), ("ASTHMA", ["asthma"]), ("fievre", ["fever"]), ("fever,asth", ["asthma", "fever"])] {
                let reply = try await client.get("/fhir/Condition?code:text=\(text)&_sort=_id", token: admin)
                #expect(reply.status == .ok && Self.ids(reply) == expected, "\(text): \(reply.text)")
            }
            #expect(Self.ids(try await client.get("/fhir/Condition?code:text=mellitus", token: admin)) == [])
            #expect(Self.ids(try await client.get("/fhir/Condition?code=44054006", token: admin)) == ["diabetes"])
        }
    }

    /// `_sort` by a string, a token and a reference parameter, either way, with paging that
    /// follows the same order.
    @Test func sortByStringTokenAndReferenceParameters() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            for (id, family, gender) in [("a", "Zeta", "male"), ("b", "alpha", "female"), ("c", "Mu", "other"), ("d", "Beta", "unknown")] {
                try await client.put(
                    ["resourceType": "Patient", "name": [["family": .string(family)]], "gender": .string(gender)], id: id, token: admin)
            }
            #expect(Self.ids(try await client.get("/fhir/Patient?_sort=family", token: admin)) == ["b", "d", "c", "a"])
            #expect(Self.ids(try await client.get("/fhir/Patient?_sort=-family", token: admin)) == ["a", "c", "d", "b"])
            #expect(Self.ids(try await client.get("/fhir/Patient?_sort=gender,_id", token: admin)) == ["b", "a", "c", "d"])
            for (id, patient) in [("o1", "c"), ("o2", "a"), ("o3", "b")] {
                try await client.put(
                    [
                        "resourceType": "Observation", "status": "final", "code": ["text": "note"],
                        "subject": ["reference": .string("Patient/\(patient)")],
                    ], id: id, token: admin)
            }
            #expect(Self.ids(try await client.get("/fhir/Observation?_sort=subject", token: admin)) == ["o2", "o3", "o1"])
            // Paged: the cursor carries the sort value.
            var seen: [String] = []
            var path: String? = "/fhir/Patient?_sort=-family&_count=1"
            while let next = path {
                let page = try await client.get(next, token: admin)
                seen += Self.ids(page)
                path = page.json?["link"]?.arrayValue?.first { $0["relation"] == "next" }?["url"]?.stringValue.map {
                    String($0.dropFirst("http://localhost".count))
                }
            }
            #expect(seen == ["a", "c", "d", "b"])
            let refused = try await client.get("/fhir/Patient?_sort=nothing", token: admin)
            #expect(refused.status == .badRequest && refused.text.contains("nothing"))
        }
    }
}
