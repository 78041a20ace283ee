import Testing
import VigilCore

/// A small hospital and school: two wards with a nurse each and a physician on ward A, a child
/// in a class with a school nurse and a parent, and one device per ward patient.
///
/// - p1 on ward A (group wardA): nurse `nina` (n1), physician `doc` (doc1), and `rory` (rr1), a
///   physician on ward A's team as `rapid-response` (the last level of escalation).
/// - p2 on ward B (group wardB): nurse `nora` (n2).
/// - c1, a child: school nurse `sally` (sn1) and parent `pat` (RelatedPerson parent1), on team tc1.
/// - `ph` (public health) and `rita` (researcher) see no identified data.
/// - devices d1 on p1 and d2 on p2, each with a token.
struct World: Sendable {
    let admin: String
    let tokens: [String: String]
    let devices: [String: String]

    subscript(_ user: String) -> String { tokens[user]! }

    static func build(_ client: Client) async throws -> World {
        let admin = try await client.adminToken()
        let since: JSON = ["start": "2026-01-01T00:00:00Z"]
        for (id, family) in [("n1", "Nurse"), ("n2", "Other"), ("doc1", "Doctor"), ("sn1", "School"), ("rr1", "Outreach")] {
            try await client.put(["resourceType": "Practitioner", "name": [["family": .string(family)]]], id: id, token: admin)
        }
        for id in ["p1", "p2", "c1"] {
            try await client.put(
                ["resourceType": "Patient", "name": [["family": .string("Patient-\(id)")]], "birthDate": "1960-01-01"], id: id, token: admin)
        }
        try await client.put(
            ["resourceType": "RelatedPerson", "patient": ["reference": "Patient/c1"], "name": [["family": "Parent"]]], id: "parent1", token: admin)
        try await client.put(
            ["resourceType": "Group", "type": "person", "actual": true, "name": "Ward A", "member": [["entity": ["reference": "Patient/p1"]]]],
            id: "wardA", token: admin)
        try await client.put(
            ["resourceType": "Group", "type": "person", "actual": true, "name": "Ward B", "member": [["entity": ["reference": "Patient/p2"]]]],
            id: "wardB", token: admin)
        try await client.put(
            [
                "resourceType": "CareTeam", "status": "active", "subject": ["reference": "Group/wardA"],
                "participant": [
                    ["member": ["reference": "Practitioner/n1"], "period": since], ["member": ["reference": "Practitioner/doc1"]],
                    [
                        "member": ["reference": "Practitioner/rr1"],
                        "role": [["coding": [["system": "urn:vigil:care-team-role", "code": "rapid-response"]], "text": "Rapid response"]],
                    ],
                ],
            ], id: "tA", token: admin)
        try await client.put(
            [
                "resourceType": "CareTeam", "status": "active", "subject": ["reference": "Group/wardB"],
                "participant": [
                    ["member": ["reference": "Practitioner/n2"]]
                ],
            ], id: "tB", token: admin)
        try await client.put(
            [
                "resourceType": "CareTeam", "status": "active", "subject": ["reference": "Patient/c1"],
                "participant": [
                    ["member": ["reference": "Practitioner/sn1"]], ["member": ["reference": "RelatedPerson/parent1"]],
                ],
            ], id: "tc1", token: admin)
        let linkedSince: JSON = [["url": .string(DeviceLinkHistory.sinceExtension), "valueDateTime": "2026-02-01T00:00:00Z"]]
        try await client.put(
            ["resourceType": "Device", "status": "active", "patient": ["reference": "Patient/p1", "extension": linkedSince]], id: "d1", token: admin)
        try await client.put(
            ["resourceType": "Device", "status": "active", "patient": ["reference": "Patient/p2", "extension": linkedSince]], id: "d2", token: admin)
        var tokens: [String: String] = [:]
        tokens["nina"] = try await client.user("nina", role: .nurse, fhirUser: "Practitioner/n1", admin: admin)
        tokens["nora"] = try await client.user("nora", role: .nurse, fhirUser: "Practitioner/n2", admin: admin)
        tokens["doc"] = try await client.user("doc", role: .physician, fhirUser: "Practitioner/doc1", admin: admin)
        tokens["rory"] = try await client.user("rory", role: .physician, fhirUser: "Practitioner/rr1", admin: admin)
        tokens["sally"] = try await client.user("sally", role: .schoolNurse, fhirUser: "Practitioner/sn1", admin: admin)
        tokens["pat"] = try await client.user("pat", role: .caregiver, fhirUser: "RelatedPerson/parent1", admin: admin)
        tokens["ph"] = try await client.user("ph", role: .publicHealth, fhirUser: nil, admin: admin)
        tokens["rita"] = try await client.user("rita", role: .researcher, fhirUser: nil, admin: admin)
        let devices = ["d1": try await client.deviceToken("d1", admin: admin), "d2": try await client.deviceToken("d2", admin: admin)]
        return World(admin: admin, tokens: tokens, devices: devices)
    }
}
