import Foundation
import NIOHTTP1
import VigilCore
import VigilSimulator

/// A ward for the benchmarks: a Group of patients, a CareTeam with one nurse, and the nurse's
/// account, so that the nurse's board and stream hold exactly those patients.
enum BenchWard {
    /// Creates the ward and returns the nurse's token.
    static func create(on server: BenchServer, admin: String, patients: [String], name: String = "bench-ward") async throws -> String {
        let nurse = "\(name)-nurse"
        let entries: [JSON] = [
            entry("Practitioner", "\(name)-n1", ["name": [["family": "Nurse"]]]),
            entry(
                "Group", name,
                ["type": "person", "actual": true, "member": .array(patients.map { ["entity": ["reference": .string("Patient/\($0)")]] })]),
            entry(
                "CareTeam", "\(name)-team",
                [
                    "status": "active", "subject": ["reference": .string("Group/\(name)")],
                    "participant": [["member": ["reference": .string("Practitioner/\(name)-n1")]]],
                ]),
        ]
        let bundle = try await server.request(
            .POST, "/fhir", token: admin,
            body: JSON.object(["resourceType": "Bundle", "type": "transaction", "entry": .array(entries)]).serialized())
        guard bundle.status == .ok else { throw VigilError(.internal, "creating the ward failed: \(bundle.status) \(bundle.text)") }
        let password = "bench-" + UUID().uuidString
        let user = try await server.http.request(
            .POST, "/api/users", token: admin,
            json: [
                "username": .string(nurse), "password": .string(password), "role": "nurse", "fhirUser": .string("Practitioner/\(name)-n1"),
            ])
        guard user.status == .created else { throw VigilError(.internal, "creating the nurse failed: \(user.status) \(user.text)") }
        return try await server.http.signIn(nurse, password)
    }

    /// A transaction entry that puts `fields` as `type/id`.
    static func entry(_ type: String, _ id: String, _ fields: JSONObject) -> JSON {
        var resource = fields
        resource["resourceType"] = .string(type)
        resource["id"] = .string(id)
        return ["resource": .object(resource), "request": ["method": "PUT", "url": .string("\(type)/\(id)")]]
    }
}
