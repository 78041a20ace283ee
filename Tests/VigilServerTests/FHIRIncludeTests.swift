import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// `_include` and `_revinclude`: the resources a page refers to, or that refer to it, in the same
/// Bundle with `search.mode` `include`, only those the reader may see.
@Suite struct FHIRIncludeTests {
    @Test func aPageBringsWhatItRefersToAndWhatRefersToIt() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            let condition = try await client.create(
                ["resourceType": "Condition", "subject": ["reference": "Patient/p1"], "code": ["text": "asthma"]], token: world.admin)
            let included = try await client.get("/fhir/Condition?_include=Condition:subject", token: world["nina"])
            #expect(included.status == .ok, "\(included.text)")
            let entries = included.json?["entry"]?.arrayValue ?? []
            #expect(entries.map { $0["search"]?["mode"]?.stringValue } == ["match", "include"], "\(included.text)")
            #expect(entries.last?["resource"]?["id"] == "p1")
            let reverse = try await client.get("/fhir/Patient?_id=p1&_revinclude=Condition:subject", token: world["nina"])
            let reverseEntries = reverse.json?["entry"]?.arrayValue ?? []
            #expect(
                reverseEntries.contains { $0["resource"]?["id"]?.stringValue == condition && $0["search"]?["mode"] == "include" }, "\(reverse.text)")
            // A target of another type than asked for is not included; a parameter that is not a reference is refused.
            let typed = try await client.get("/fhir/Condition?_include=Condition:subject:Group", token: world.admin)
            #expect(typed.json?["entry"]?.arrayValue?.count == 1)
            for bad in ["Condition:code", "Condition:nothing", "Nothing:subject", "*", "Condition"] {
                let refused = try await client.get("/fhir/Condition?_include=\(bad)", token: world.admin)
                #expect(refused.status == .badRequest && refused.isOperationOutcome, "\(bad): \(refused.text)")
            }
            #expect(try await client.get("/fhir/Condition?_include:iterate=Condition:subject", token: world.admin).status == .badRequest)
        }
    }

    @Test func includedResourcesAreOnlyThoseTheReaderMaySee() async throws {
        try await Harness().run { client in
            let world = try await World.build(client)
            // p1's condition cites p2's as evidence, and p2's cites p1's: nina, who cares for p1
            // only, sees neither of p2's through an include.
            let theirs = try await client.create(
                ["resourceType": "Condition", "subject": ["reference": "Patient/p2"], "code": ["text": "gout"]], token: world.admin)
            let mine = try await client.create(
                [
                    "resourceType": "Condition", "subject": ["reference": "Patient/p1"], "code": ["text": "asthma"],
                    "evidence": [["detail": [["reference": .string("Condition/\(theirs)")]]]],
                ], token: world.admin)
            let citing = try await client.create(
                [
                    "resourceType": "Condition", "subject": ["reference": "Patient/p2"], "code": ["text": "gout again"],
                    "evidence": [["detail": [["reference": .string("Condition/\(mine)")]]]],
                ], token: world.admin)
            let forAdmin = try await client.get("/fhir/Condition?_id=\(mine)&_include=Condition:evidence-detail", token: world.admin)
            #expect(forAdmin.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } == [mine, theirs], "\(forAdmin.text)")
            let forNina = try await client.get("/fhir/Condition?_id=\(mine)&_include=Condition:evidence-detail", token: world["nina"])
            #expect(forNina.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } == [mine], "\(forNina.text)")
            let reverse = try await client.get("/fhir/Condition?_id=\(mine)&_revinclude=Condition:evidence-detail", token: world["nina"])
            #expect(reverse.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } == [mine], "\(reverse.text)")
            let reverseAdmin = try await client.get("/fhir/Condition?_id=\(mine)&_revinclude=Condition:evidence-detail", token: world.admin)
            #expect(reverseAdmin.json?["entry"]?.arrayValue?.compactMap { $0["resource"]?["id"]?.stringValue } == [mine, citing])
        }
    }
}
