import Foundation
import NIOHTTP1
import Testing
import VigilClinical
import VigilCore
import VigilSimulator

/// A researcher's notebook (`Tests/Python/research_notebook.py`, the example of docs/research.md)
/// exports a project's data, checks the signature and files with `cryptography`, loads the NDJSON
/// into DuckDB and pandas, and reproduces the server's aggregates from it.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ResearchEndToEndTests {
    @Test func duckDBAndPandasReproduceTheServersAggregatesFromTheExport() async throws {
        let server = try ServerProcess(arguments: ["--rules", "off"])
        try await server.start()
        defer { server.stop() }
        let admin = try await server.token()
        let password = "researcher-password-1"
        let user = try await server.request(
            .POST, "/api/users", token: admin, json: ["username": "rita", "password": .string(password), "role": "researcher"] as JSON)
        #expect(user.status == .created, "\(user.text)")

        // 12 women born in 1980 and 12 men born in 1975 in ZIP 02139, each with three heart rates;
        // a 25th refuses research.
        var entries: [JSON] = []
        func put(_ type: String, _ id: String, _ resource: JSONObject) {
            var body = resource
            (body["resourceType"], body["id"]) = (.string(type), .string(id))
            entries.append(["resource": .object(body), "request": ["method": "PUT", "url": .string("\(type)/\(id)")]])
        }
        for i in 0..<25 {
            let woman = i % 2 == 0
            put(
                "Patient", "r\(i)",
                [
                    "gender": woman ? "female" : "male", "birthDate": .string(woman ? "1980-04-0\(i % 9 + 1)" : "1975-11-1\(i % 9)"),
                    "name": [["family": .string("Person-\(i)")]], "address": [["postalCode": "02139", "state": "MA"]],
                ])
            for j in 0..<3 {
                put(
                    "Observation", "r\(i)-\(j)",
                    [
                        "status": "final", "subject": ["reference": .string("Patient/r\(i)")],
                        "code": ["coding": [["system": "http://loinc.org", "code": "8867-4"]]],
                        "effectiveDateTime": .string("2026-0\(j + 1)-15T08:00:00Z"),
                        "valueQuantity": [
                            "value": .integer(55 + (i * 7 + j * 13) % 40), "unit": "/min", "system": "http://unitsofmeasure.org", "code": "/min",
                        ],
                    ])
            }
        }
        put(
            "Consent", "refusal",
            [
                "status": "active", "patient": ["reference": "Patient/r24"],
                "scope": ["coding": [["system": .string(ResearchConsent.scopeSystem), "code": "research"]]],
                "category": [["coding": [["system": "http://loinc.org", "code": "59284-0"]]]],
                "policyRule": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTOUT"]]],
                "provision": ["type": "deny"],
            ])
        put(
            "Group", "study",
            ["type": "person", "actual": true, "member": .array((0..<25).map { ["entity": ["reference": .string("Patient/r\($0)")]] })])
        put(
            "ResearchStudy", "heart",
            [
                "status": "active", "title": "Resting heart rate", "identifier": [["value": "IRB-7"]], "period": ["end": "2099-01-01"],
                "enrollment": [["reference": "Group/study"]],
                "extension": [
                    ["url": .string(ResearchProject.typeExtension), "valueCode": "Patient"],
                    ["url": .string(ResearchProject.typeExtension), "valueCode": "Observation"],
                    ["url": .string(ResearchProject.researcherExtension), "valueString": "rita"],
                ],
            ])
        let bundle = try await server.request(
            .POST, "/fhir", token: admin, json: ["resourceType": "Bundle", "type": "transaction", "entry": .array(entries)])
        #expect(bundle.status == .ok, "\(bundle.text.prefix(2000))")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-research-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let notebook = try await Python.run("research_notebook.py", [server.baseURL, "rita", password, "heart", "8867-4", directory])
        #expect(notebook.status == 0, "\(notebook.output)")
        #expect(
            notebook.output.contains("24 patients and 72 observations") && notebook.output.contains("reproduced 2 of 2 cells"), "\(notebook.output)")
    }
}
