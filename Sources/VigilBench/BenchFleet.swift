import Foundation
import NIOHTTP1
import VigilCore
import VigilSimulator

/// The patients and devices a benchmark loads the server with: device `PREFIX-dN` on patient
/// `PREFIX-pN` (adults), each with its own token, created through the public API.
struct BenchFleet: Sendable {
    let adminToken: String
    let deviceTokens: [String]
    let patientIDs: [String]

    /// The system of the patients' and devices' identifiers (each its own id), which HL7 messages name.
    static let identifierSystem = "urn:vigil:bench"

    static func deviceID(_ n: Int, prefix: String = "bench") -> String { "\(prefix)-d\(n)" }
    static func patientID(_ n: Int, prefix: String = "bench") -> String { "\(prefix)-p\(n)" }

    /// - Parameter type: a coding for every Device's `type` (a device type that takes commands).
    static func create(
        on server: BenchServer, devices: Int, prefix: String = "bench", type: JSON? = nil, log: @Sendable (String) -> Void
    ) async throws -> BenchFleet {
        func patientID(_ n: Int) -> String { Self.patientID(n, prefix: prefix) }
        func deviceID(_ n: Int) -> String { Self.deviceID(n, prefix: prefix) }
        let signIn = try await server.request(
            .POST, "/auth/token", body: JSON.object(["username": "admin", "password": .string(server.adminPassword)]).serialized())
        guard let admin = signIn.json?["access_token"]?.stringValue else { throw VigilError(.unauthenticated, "cannot sign in as admin") }
        let since = FHIRDateTime.instant(milliseconds: Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000)
        log("creating \(devices) patients and devices…")
        for start in stride(from: 0, to: devices, by: 500) {
            let entries: [JSON] = (start..<min(start + 500, devices)).flatMap { n -> [JSON] in
                var device: JSONObject = [
                    "resourceType": "Device", "id": .string(deviceID(n)), "status": "active",
                    "identifier": [["system": .string(identifierSystem), "value": .string(deviceID(n))]],
                    "patient": [
                        "reference": .string("Patient/\(patientID(n))"),
                        "extension": [["url": .string(DeviceLinkHistory.sinceExtension), "valueDateTime": .string(since)]],
                    ],
                ]
                if let type { device["type"] = ["coding": [type]] }
                return [
                    [
                        "resource": [
                            "resourceType": "Patient", "id": .string(patientID(n)),
                            "identifier": [["system": .string(identifierSystem), "value": .string(patientID(n))]],
                            "birthDate": .string("19\(40 + n % 60)-0\(1 + n % 9)-1\(n % 10)"),
                            "name": [["family": .string("Bench"), "given": [.string("Patient \(n)")]]],
                        ],
                        "request": ["method": "PUT", "url": .string("Patient/\(patientID(n))")],
                    ],
                    ["resource": .object(device), "request": ["method": "PUT", "url": .string("Device/\(deviceID(n))")]],
                ]
            }
            let reply = try await server.request(
                .POST, "/fhir", token: admin,
                body: JSON.object(["resourceType": "Bundle", "type": "transaction", "entry": .array(entries)]).serialized())
            guard reply.status == .ok else { throw VigilError(.internal, "creating the fleet failed: \(reply.status)") }
        }
        log("issuing \(devices) device tokens…")
        let tokens = try await withThrowingTaskGroup(of: [(Int, String)].self) { group in
            let workers = 8
            for worker in 0..<workers {
                group.addTask {
                    var tokens: [(Int, String)] = []
                    for n in stride(from: worker, to: devices, by: workers) {
                        let reply = try await server.request(.POST, "/api/devices/\(deviceID(n))/credentials", token: admin)
                        guard let token = reply.json?["token"]?.stringValue else {
                            throw VigilError(.internal, "issuing a token failed: \(reply.status)")
                        }
                        tokens.append((n, token))
                    }
                    return tokens
                }
            }
            return try await group.reduce(into: [(Int, String)]()) { $0 += $1 }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return BenchFleet(adminToken: admin, deviceTokens: tokens, patientIDs: (0..<devices).map(patientID))
    }
}
