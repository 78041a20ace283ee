import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing
import VigilBench
import VigilCore
import VigilSimulator
import VigilTestFixtures

/// Feeds what the server answers (every resource type, searches, transactions, errors, the
/// CapabilityStatement) to the FHIR R4 models of Python's `fhir.resources`; any validation error
/// fails the test.
@Suite(.serialized, .timeLimit(.minutes(5))) struct FHIRValidityTests {
    static let validator = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Python/validate_fhir.py").path

    @Test func everyResponseIsValidFHIRR4() async throws {
        let server = try ServerProcess()
        try await server.start()
        defer { server.stop() }
        let admin = try await server.token()
        let (patient, device) = try await EndToEndTests.seed(server, admin: admin)
        _ = try await server.request(.POST, "/api/ingest", token: device, json: EndToEndTests.readings(1...5))
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-fhir-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(atPath: output.path) }
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        var saved = 0
        func save(_ name: String, _ reply: ServerProcess.Reply) throws {
            #expect(reply.json?["resourceType"] != nil, "\(name): \(reply.text)")
            try reply.text.write(to: output.appendingPathComponent("\(name).json"), atomically: false, encoding: .utf8)
            saved += 1
        }
        try save("metadata", try await server.request(.GET, "/fhir/metadata"))
        for (i, example) in FHIRExamples.all(patient: patient).enumerated() {
            let type = example["resourceType"]!.stringValue!
            let created = try await server.request(.POST, "/fhir/\(type)", token: admin, json: example)
            #expect(created.status == .created, "\(type): \(created.text)")
            try save("created-\(i)-\(type)", created)
            let id = created.json?["id"]?.stringValue ?? ""
            try save("read-\(i)-\(type)", try await server.request(.GET, "/fhir/\(type)/\(id)", token: admin))
            try save("search-\(i)-\(type)", try await server.request(.GET, "/fhir/\(type)?_id=\(id)&_total=accurate", token: admin))
        }
        try save("search-readings", try await server.request(.GET, "/fhir/Observation?patient=\(patient)&_count=2", token: admin))
        try save(
            "transaction",
            try await server.request(
                .POST, "/fhir", token: admin,
                json: [
                    "resourceType": "Bundle", "type": "transaction",
                    "entry": [
                        [
                            "fullUrl": "urn:uuid:x1", "resource": ["resourceType": "Patient", "name": [["family": "Tx"]]],
                            "request": ["method": "POST", "url": "Patient"],
                        ],
                        [
                            "resource": ["resourceType": "Condition", "subject": ["reference": "urn:uuid:x1"], "code": ["text": "fever"]],
                            "request": ["method": "POST", "url": "Condition"],
                        ],
                    ],
                ]))
        try save("error-400", try await server.request(.POST, "/fhir/Patient", token: admin, json: ["resourceType": "Patient", "gender": "x"]))
        try save("error-401", try await server.request(.GET, "/fhir/Patient"))
        try save("error-404", try await server.request(.GET, "/fhir/Patient/nobody", token: admin))
        try save(
            "error-422",
            try await server.request(
                .POST, "/fhir/Condition", token: admin, json: ["resourceType": "Condition", "subject": ["reference": "Patient/nobody"]]))
        #expect(saved > 40)
        let (status, report) = try ChildProcess.run("/usr/bin/env", ["python3", Self.validator, output.path])
        #expect(status == 0, "\(report)")
        #expect(report.contains("\(saved) documents, 0 invalid"), "\(report)")
    }
}
