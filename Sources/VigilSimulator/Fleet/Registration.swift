import NIOHTTP1
import VigilCore

/// Registers scenarios on a server through its public API with an administrator's token: the
/// FHIR resources in transaction bundles, accounts for the staff (when passwords are given), and
/// a fresh token for every device. What exists already is updated, not duplicated.
public enum Registration {
    /// - Returns: each device's token, by device id, and the usernames among `passwords` that
    ///   existed already (they keep their passwords).
    public static func register(
        _ resources: ScenarioResources, deviceIDs: [String], client: JSONClient, adminToken: String, passwords: [String: String] = [:]
    ) async throws -> (tokens: [String: String], existing: Set<String>) {
        for start in stride(from: 0, to: resources.resources.count, by: 500) {
            let entries: [JSON] = resources.resources[start..<min(start + 500, resources.resources.count)].map { resource in
                let url = "\(resource["resourceType"]?.stringValue ?? "")/\(resource["id"]?.stringValue ?? "")"
                return ["resource": resource, "request": ["method": "PUT", "url": .string(url)]]
            }
            let reply = try await client.request(
                .POST, "/fhir", token: adminToken, json: ["resourceType": "Bundle", "type": "transaction", "entry": .array(entries)])
            guard reply.status == .ok else {
                throw VigilError(.unavailable, "registering the scenario failed (\(reply.status)): \(reply.text.prefix(500))")
            }
        }
        var existing = Set<String>()
        for member in resources.staff {
            guard let password = passwords[member.username], !existing.contains(member.username) else { continue }
            let reply = try await client.request(
                .POST, "/api/users", token: adminToken,
                json: [
                    "username": .string(member.username), "password": .string(password), "role": .string(member.role),
                    "fhirUser": .string(ScenarioResources.fhirUser(member)),
                ])
            guard reply.status == .created || reply.status == .conflict else {
                throw VigilError(.unavailable, "creating the account \(member.username) failed (\(reply.status)): \(reply.text.prefix(300))")
            }
            if reply.status == .conflict { existing.insert(member.username) }
        }
        let tokens = try await withThrowingTaskGroup(of: [(String, String)].self) { group in
            let workers = 8
            for worker in 0..<workers {
                group.addTask {
                    var tokens: [(String, String)] = []
                    for device in stride(from: worker, to: deviceIDs.count, by: workers).map({ deviceIDs[$0] }) {
                        let reply = try await client.request(.POST, "/api/devices/\(device)/credentials", token: adminToken)
                        guard let token = reply.json?["token"]?.stringValue else {
                            throw VigilError(.unavailable, "issuing a token for \(device) failed (\(reply.status))")
                        }
                        tokens.append((device, token))
                    }
                    return tokens
                }
            }
            return try await group.reduce(into: [String: String]()) { tokens, more in for (device, token) in more { tokens[device] = token } }
        }
        return (tokens, existing)
    }
}
