import HTTPTypes
import Testing
import VigilCore

@testable import VigilServer

/// Vigil speaks FHIR JSON only: a client asking for XML or Turtle gets 406 with the reason, never
/// JSON under a 200 it did not ask for.
@Suite struct FHIRFormatTests {
    @Test func formatsOtherThanJSONAreRefusedWith406() async throws {
        try await Harness().run { client in
            let admin = try await client.adminToken()
            let accept = HTTPField.Name.accept
            let xml = try await client.request(.get, "/fhir/metadata", headers: [accept: "application/fhir+xml"])
            #expect(xml.status == .notAcceptable && xml.isOperationOutcome, "\(xml.status) \(xml.text)")
            #expect(try await client.request(.get, "/fhir/Patient?_format=xml", token: admin).status == .notAcceptable)
            #expect(try await client.request(.get, "/fhir/Patient?_format=turtle", token: admin).status == .notAcceptable)
            // JSON in any of its names, among others, or anything at all.
            for value in ["application/fhir+json", "application/json", "application/fhir+xml;q=0.9, application/fhir+json", "*/*", "application/*"] {
                #expect(try await client.request(.get, "/fhir/metadata", headers: [accept: value]).status == .ok, "\(value)")
            }
            for format in ["json", "application/fhir+json", "application/json"] {
                let search = try await client.request(.get, "/fhir/Patient?_format=\(format)&_pretty=true", token: admin)
                #expect(search.status == .ok, "\(format): \(search.text)")
            }
            // Other routes are not FHIR's: the dashboard still answers HTML.
            #expect(try await client.request(.get, "/health", headers: [accept: "text/html"]).status == .ok)
        }
    }
}
