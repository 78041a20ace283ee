import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// `_history` at instance, type and system level: a Bundle of type `history`, newest first, each
/// entry with the request that made the version (a deleted version has no resource), within what
/// the reader may see, and audited.
@Suite struct FHIRHistoryTests {
    @Test func anInstancesHistoryListsEveryVersionNewestFirst() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Practitioner", "name": [["family": "One"]]], id: "h1", token: admin)
            harness.clock.advance(seconds: 60)
            try await client.put(["resourceType": "Practitioner", "name": [["family": "Two"]]], id: "h1", token: admin)
            harness.clock.advance(seconds: 60)
            #expect(try await client.request(.delete, "/fhir/Practitioner/h1", token: admin).status == .noContent)
            let history = try await client.get("/fhir/Practitioner/h1/_history", token: admin)
            #expect(history.status == .ok && history.json?["type"] == "history", "\(history.text)")
            let entries = try #require(history.json?["entry"]?.arrayValue)
            #expect(entries.map { $0["request"]?["method"]?.stringValue } == ["DELETE", "PUT", "PUT"])
            #expect(entries[0]["resource"] == nil && entries[0]["response"]?["status"] == "204")
            #expect(entries[1]["resource"]?["name"]?[0]?["family"] == "Two" && entries[1]["resource"]?["meta"]?["versionId"] == "2")
            #expect(entries[2]["response"]?["status"] == "201" && entries[2]["request"]?["url"] == "Practitioner/h1")
            #expect(history.json?["total"] == 3)
            #expect(try await client.get("/fhir/Practitioner/nobody/_history", token: admin).status == .notFound)
            let audit = try await harness.runtime.store.auditRecords(after: 0, limit: 10_000).map(\.event)
            #expect(audit.contains { $0.resource == "Practitioner/h1/_history" && $0.action == .read })
        }
    }

    @Test func typeAndSystemHistoryTakeSinceAndCount() async throws {
        let harness = try Harness()
        try await harness.run { client in
            let admin = try await client.adminToken()
            try await client.put(["resourceType": "Location", "name": "Ward A"], id: "l1", token: admin)
            harness.clock.advance(seconds: 60)
            let since = harness.clock.instant
            try await client.put(["resourceType": "Location", "name": "Ward B"], id: "l2", token: admin)
            try await client.put(["resourceType": "Practitioner"], id: "x1", token: admin)
            let type = try await client.get("/fhir/Location/_history", token: admin)
            #expect(type.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } == ["l2", "l1"], "\(type.text)")
            let recent = try await client.get("/fhir/Location/_history?_since=\(since)", token: admin)
            #expect(recent.json?["entry"]?.arrayValue?.count == 1)
            let system = try await client.get("/fhir/_history?_count=2", token: admin)
            #expect(
                system.json?["entry"]?.arrayValue?.compactMap { $0["fullUrl"]?.stringValue?.split(separator: "/").suffix(2).joined(separator: "/") }
                    == ["Practitioner/x1", "Location/l2"], "\(system.text)")
            #expect(try await client.get("/fhir/_history?_since=yesterday", token: admin).status == .badRequest)
        }
    }

    @Test func aCareRoleSeesTheHistoryOfItsOwnPatientsOnly() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let mine = try await client.create(
                ["resourceType": "Condition", "subject": ["reference": "Patient/p1"], "code": ["text": "asthma"]], token: world.admin)
            let theirs = try await client.create(
                ["resourceType": "Condition", "subject": ["reference": "Patient/p2"], "code": ["text": "gout"]], token: world.admin)
            #expect(try await client.get("/fhir/Condition/\(mine)/_history", token: world["nina"]).status == .ok)
            #expect(try await client.get("/fhir/Condition/\(theirs)/_history", token: world["nina"]).status == .notFound)
            let type = try await client.get("/fhir/Condition/_history", token: world["nina"])
            #expect(type.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } == [mine], "\(type.text)")
            let system = try await client.get("/fhir/_history", token: world["nina"])
            #expect(system.json?["entry"]?.arrayValue?.contains { $0["resource"]?["id"]?.stringValue == theirs } == false)
        }
    }
}
