import VigilCore

extension VigilRuntime {
    /// The people looking after a patient now, as the pages show them: name, whether family or
    /// care team, and their phone when the record has one (with the digits to dial); with
    /// `showingFixes` (an administrator), where a missing phone is to be added.
    func careTeamContacts(patient: String, at now: Int64, showingFixes: Bool = false) async throws -> [[String: Any]] {
        var contacts: [[String: Any]] = []
        for member in try await store.careTeam(patient: patient, at: now).keys.sorted() {
            let parts = member.split(separator: "/").map(String.init)
            guard parts.count == 2, let type = FHIRResourceType(rawValue: parts[0]), let person = try await store.resource(type, id: parts[1])?.json
            else { continue }
            let phone = (person["telecom"]?.arrayValue ?? []).first { $0["system"]?.stringValue == "phone" }?["value"]?.stringValue
            var contact: [String: Any] = ["name": Board.Line.name(of: person) ?? member, "role": type == .relatedPerson ? "family" : "care team"]
            if let phone {
                contact["phone"] = phone
                contact["dial"] = String(phone.filter { $0.isNumber || $0 == "+" })
            } else if showingFixes {
                contact["fix"] = member
            }
            contacts.append(contact)
        }
        return contacts
    }
}
