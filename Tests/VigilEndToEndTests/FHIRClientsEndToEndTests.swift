import Foundation
import Testing
import VigilCore

/// Foreign clients doing what a SMART app and a backend service do, as their users write them:
/// `fhirclient` and `fhirpy` (PyPI) and a backend-services client that signs its own assertion
/// (`Tests/Python`). Each script tries every step and reports each; the steps listed here must
/// pass, and the rest are what Vigil does not do yet (the closing notes count them).
@Suite(.serialized, .timeLimit(.minutes(5))) struct FHIRClientsEndToEndTests {
    struct Step: Decodable {
        let name: String
        let ok: Bool
        let detail: String
    }

    static func run(_ script: String, server: ServerProcess) async throws -> [Step] {
        let (status, output) = try await Python.run(script, [server.baseURL, "admin", ServerProcess.adminPassword])
        #expect(status == 0, "\(script): \(output.suffix(3000))")
        let report = try #require(output.split(separator: "\n").last { $0.hasPrefix("{") }, "\(script) printed no report: \(output.suffix(3000))")
        struct Report: Decodable { let steps: [Step] }
        let steps = try JSONDecoder().decode(Report.self, from: Data(report.utf8)).steps
        print("\(script): \(steps.filter(\.ok).count) of \(steps.count) steps pass; failing: \(steps.filter { !$0.ok }.map(\.name))")
        return steps
    }

    static func expectPassing(_ steps: [Step], _ names: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for name in names {
            let step = steps.first { $0.name == name }
            #expect(step?.ok == true, "\(name): \(step?.detail ?? "not tried")", sourceLocation: sourceLocation)
        }
    }

    @Test func fhirclientDoesWhatASMARTAppDoes() async throws {
        let server = try ServerProcess()
        try await server.start()
        let steps = try await Self.run("fhirclient_app.py", server: server)
        server.stop()
        Self.expectPassing(
            steps,
            [
                "discovery: the CapabilityStatement's oauth-uris and /.well-known/smart-configuration agree",
                "token: OAuth password grant, form-encoded",
                "create a Patient", "read it back", "update it", "create Observations of the patient",
                "search with the >= date prefix fhirclient writes",
                "search with _include", "search with _revinclude", "paging while data arrives: no entry twice",
                "delete, then the read answers 410 Gone", "instance _history", "refresh the token",
            ])
    }

    @Test func fhirpyDoesWhatAnAppDoes() async throws {
        let server = try ServerProcess()
        try await server.start()
        let steps = try await Self.run("fhirpy_app.py", server: server)
        server.stop()
        Self.expectPassing(
            steps,
            [
                "discovery and an OAuth token", "create a Patient", "get_or_create twice: one resource (If-None-Exist)", "count",
                "create Observations",
                "search with include", "search with revinclude", "sort by a date parameter", "fetch_all follows the paging links", "_elements",
                "_summary=count", "patch (JSON Patch)", "conditional update", "history", "delete",
            ])
    }

    @Test func aBackendServiceSigningItsOwnAssertionReadsWithinItsScopes() async throws {
        let server = try ServerProcess()
        try await server.start()
        let steps = try await Self.run("backend_service.py", server: server)
        server.stop()
        #expect(steps.count == 6)
        Self.expectPassing(steps, steps.map(\.name))
    }
}
