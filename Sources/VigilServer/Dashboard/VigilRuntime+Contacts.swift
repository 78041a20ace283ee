import VigilCore

extension VigilRuntime {
    /// The people looking after a patient now, as the pages show them: name, whether family or
    /// care team, and their phone when the record has one.
    func careTeamContacts(patient: String, at now: Int64) async throws -> [[String: Any]] {
        var contacts: [[String: Any]] = []
        for member in try await store.careTeam(patient: patient, at: now).keys.sorted() {
            let parts = member.split(separator: "/").map(String.init)
            guard parts.count == 2, let type = FHIRResourceType(rawValue: parts[0]), let person = try await store.resource(type, id: parts[1])?.json
            else { continue }
            let phone = (person["telecom"]?.arrayValue ?? []).first { $0["system"]?.stringValue == "phone" }?["value"]?.stringValue
            contacts.append([
                "name": Board.Line.name(of: person) ?? member, "role": type == .relatedPerson ? "family" : "care team",
                "phone": phone ?? "no phone recorded",
            ])
        }
        return contacts
    }
}
