import Foundation
import Testing
import VigilCore

/// Foreign clients doing what a SMART app and a backend service do, as their users write them:
/// `fhirclient` and `fhirpy` (PyPI) and a backend-services client that signs its own assertion
/// (`Tests/Python`). Each script tries every step and reports each; every step must pass.
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

    /// Runs `script` against a fresh server: it tries `steps` steps, and every one passes.
    static func expectEveryStep(_ script: String, steps count: Int) async throws {
        let server = try ServerProcess()
        try await server.start()
        let steps = try await run(script, server: server)
        server.stop()
        #expect(steps.count == count, "\(script) tried \(steps.map(\.name))")
        for step in steps where !step.ok { Issue.record("\(script): \(step.name): \(step.detail)") }
    }

    @Test func fhirclientDoesWhatASMARTAppDoes() async throws { try await Self.expectEveryStep("fhirclient_app.py", steps: 13) }

    @Test func fhirpyDoesWhatAnAppDoes() async throws { try await Self.expectEveryStep("fhirpy_app.py", steps: 18) }

    @Test func aBackendServiceSigningItsOwnAssertionReadsWithinItsScopes() async throws {
        try await Self.expectEveryStep("backend_service.py", steps: 6)
    }
}
