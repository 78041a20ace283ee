import Foundation
import NIOHTTP1
import Testing
import VigilCore
import VigilSimulator

/// Schemathesis (PyPI) generates requests from `/openapi.json` and checks every answer: never a
/// server error, a status, content type and body the document declares. A bounded run here; a
/// long one is `schemathesis run … --max-time N` by hand (docs/security.md).
@Suite(.serialized, .timeLimit(.minutes(5))) struct SchemathesisEndToEndTests {
    @Test func generatedRequestsGetNoServerErrorAndAnswersMatchTheDocument() async throws {
        let server = try ServerProcess()
        try await server.start()
        let admin = try await server.token()
        _ = try await EndToEndTests.seed(server, admin: admin)
        // One worker: with several, Python 3.11's ast module can fail inside Hypothesis
        // ("AST constructor recursion depth mismatch"), an error of the tool, not of the server.
        // An administrator of its own, whose name the run does not know: changing accounts is
        // left out (a generated PATCH may demote the very account the run uses).
        let username = "st-\(UUID().uuidString.prefix(8).lowercased())"
        let created = try await server.request(
            .POST, "/api/users", token: admin,
            json: ["username": .string(username), "password": "schemathesis-password", "role": "admin"])
        #expect(created.status == .created, "\(created.text)")
        let token = try await server.token(username, "schemathesis-password")
        // Hypothesis and schemathesis keep folders (.hypothesis, .schemathesis) where they run.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-schemathesis-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let (status, output) = try await Python.run(
            "schemathesis",
            [
                "run", server.baseURL + "/openapi.json", "--header", "Authorization: Bearer \(token)", "--max-examples", "5", "--seed", "1",
                "--phases", "examples,coverage,fuzzing", "--workers", "1", "--exclude-path", "/api/users/{username}",
                "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
                "--max-time", "30", "--generation-database", "none",
            ], in: scratch)
        server.stop()
        #expect(status == 0, "\(output.suffix(6000))")
        let summary = output.split(separator: "\n").first { $0.contains(" generated, ") } ?? "no summary"
        #expect(summary.contains("passed") && !summary.contains("failed"), "\(summary)")
        print("schemathesis: \(summary.trimmingCharacters(in: .whitespaces))")
    }
}
