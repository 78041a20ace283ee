import Foundation
import VigilClinical
import VigilCore

/// Checks a resource that someone wants to store against the schema and the server's rules, and
/// prepares the store write.
///
/// Rules beyond the schema: a resource of the patient's record names an existing patient that
/// the writer may see (a patient one may not see is reported exactly like one that does not
/// exist); an observation entered by a person carries them as performer, uses plausible values
/// for a catalogued code, has a value the clinical rules can read when its code is one they read,
/// is not dated after now (beyond the policy's clock tolerance), and does not pose as a device
/// reading; a patient's or device's identifier is not another one's (HL7 v2 finds them by it); a
/// research project (ResearchStudy) is one ``ResearchProject`` reads, assigned to researchers; a
/// PractitionerRole's hours and a Location's time zone are ones routing reads.
struct WritePlanner: Sendable {
    let runtime: VigilRuntime
    let access: AccessControl
    /// Resources created earlier in the same transaction (`Type/id`), which count as existing.
    var pending: Set<String> = []

    /// Validates `resource` and prepares it as version `version` of `type/id`.
    /// - Throws: 400 with every schema issue, 422 for a broken rule.
    func plan(_ resource: JSON, type: FHIRResourceType, id: String, version: Int, mode: ResourceWrite.Mode, now: Int64) async throws -> ResourceWrite
    {
        let issues = FHIRValidator.validate(resource, as: type.rawValue)
        guard issues.isEmpty else { throw VigilError(.invalid, issues: issues) }
        var resource = resource
        try checkCompartment(resource, type: type)
        try await checkReferences(resource, type: type)
        if type.hasMatchedIdentifiers { try await checkIdentifiers(resource, type: type, id: id) }
        if type == .observation { resource = try checkObservation(resource, now: now) }
        if type == .researchStudy { try await checkProject(resource) }
        if type == .practitionerRole || type == .location { try Self.checkDutyHours(resource, type: type) }
        var write = ResourcePreparation.write(resource, type: type, id: id, version: version, lastUpdated: now, mode: mode)
        if type == .device { write.linkStart = try await linkStart(resource, device: id, patient: write.resource.patient, now: now) }
        return write
    }

    /// When a device's new patient link starts: now, or the earlier time its `patient` reference
    /// states with ``DeviceLinkHistory/sinceExtension``.
    private func linkStart(_ resource: JSON, device: String, patient: String?, now: Int64) async throws -> Int64? {
        let since = (resource["patient"]?["extension"]?.arrayValue ?? [])
            .first { $0["url"]?.stringValue == DeviceLinkHistory.sinceExtension }
        guard let since else { return nil }
        guard let text = since["valueDateTime"]?.stringValue, let time = FHIRDateTime(text), time.hasTime else {
            throw VigilError(
                .unprocessable, "\(DeviceLinkHistory.sinceExtension) takes a valueDateTime with a time and zone",
                expression: "Device.patient.extension")
        }
        guard time.lowerBound <= now else {
            throw VigilError(.unprocessable, "a device cannot be on a patient since a time in the future", expression: "Device.patient.extension")
        }
        let history = pending.contains("Device/\(device)") ? DeviceLinkHistory([]) : try await runtime.store.deviceLinks(device: device)
        if let problem = history.problem(relinkingTo: patient, from: time.lowerBound) {
            throw VigilError(.unprocessable, problem, expression: "Device.patient.extension")
        }
        return time.lowerBound
    }

    /// The patient (or, where R4 allows, the group) a resource belongs to is named as one;
    /// ``checkReferences(_:type:)`` sees that it exists.
    private func checkCompartment(_ resource: JSON, type: FHIRResourceType) throws {
        guard let element = type.patientElement else { return }
        let expression = "\(type.rawValue).\(element)"
        guard let text = resource[element]?["reference"]?.stringValue else {
            if type.requiresPatient || (access.scope != nil && type.isClinicalRecord) {
                throw VigilError(
                    .unprocessable, "\(element) must reference the Patient this \(type.rawValue) belongs to", expression: expression,
                    issueType: "required")
            }
            return
        }
        let allowed = type.groupMayBeSubject ? "Patient/ID or Group/ID" : "Patient/ID"
        guard let reference = FHIRReference(text), !text.contains("://"),
            reference.type == "Patient" || (type.groupMayBeSubject && reference.type == "Group")
        else {
            throw VigilError(.unprocessable, "\(element) must be a reference \(allowed) to a resource on this server", expression: expression)
        }
    }

    /// Every reference to this server names a resource that exists and that the writer may see
    /// (one they may not see is reported exactly like one that does not exist); `#id` names a
    /// contained resource. `urn:uuid:` names an entry of the same transaction, which has been
    /// rewritten by now, so one left is a reference to nothing. An absolute URL is another
    /// server's, and a reference by identifier or display alone is not checked.
    private func checkReferences(_ resource: JSON, type: FHIRResourceType) async throws {
        let contained = Set((resource["contained"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
        var issues: [VigilError.Issue] = []
        var seen: [String: Bool] = [:]
        for (path, text) in FHIRReference.literals(in: resource, path: type.rawValue) {
            var problem: String?
            if text.hasPrefix("#") {
                if text != "#" && !contained.contains(String(text.dropFirst())) { problem = "\(text) names no contained resource" }
            } else if text.hasPrefix("http://") || text.hasPrefix("https://") {
                continue
            } else if text.hasPrefix("urn:") {
                problem = "\(text) names no entry of this transaction"
            } else if let reference = FHIRReference(text) {
                let exists: Bool
                if let known = seen[reference.description] {
                    exists = known
                } else {
                    exists = try await self.exists(reference)
                    seen[reference.description] = exists
                }
                if !exists { problem = "\(reference) was not found" }
            } else {
                problem = "\(text) is not a reference of the form Type/id"
            }
            if let problem { issues.append(.init(type: "not-found", diagnostics: problem, expression: path)) }
        }
        guard issues.isEmpty else { throw VigilError(.unprocessable, issues: issues) }
    }

    private func exists(_ reference: FHIRReference) async throws -> Bool {
        if pending.contains(reference.description) { return true }
        guard let type = FHIRResourceType(rawValue: reference.type), let stored = try await runtime.store.resource(type, id: reference.id),
            !stored.isDeleted
        else {
            return false
        }
        return access.canSee(stored)
    }

    /// A ResearchStudy is a research project Vigil can scope exports to, its cohort (if it studies
    /// one) is defined, and the accounts it assigns are researchers'.
    private func checkProject(_ resource: JSON) async throws {
        let project = try ResearchProject(study: resource)
        if case .cohort(let name, let vaccines) = project.population {
            do {
                _ = try runtime.cohorts.definition(named: name, vaccines: vaccines)
            } catch let error as VigilError {
                throw VigilError(.unprocessable, "the research project's cohort: \(error.message)", expression: "ResearchStudy.extension")
            }
        }
        for name in project.researchers.sorted() where try await runtime.store.user(username: name)?.role != .researcher {
            throw VigilError(.unprocessable, "\(name) is not a researcher's account", expression: "ResearchStudy.extension")
        }
    }

    /// Routing reads a PractitionerRole's hours and a Location's time zone (``CareTeamRosters``):
    /// what it could not read is refused here, never taken as always or never on duty.
    private static func checkDutyHours(_ resource: JSON, type: FHIRResourceType) throws {
        if type == .location {
            _ = try DutyHours.timeZone(of: resource)
        } else {
            _ = try DutyHours(
                availableTime: resource["availableTime"]?.arrayValue ?? [], notAvailable: resource["notAvailable"]?.arrayValue ?? [], timeZone: .gmt)
        }
    }

    /// Another resource of the type may not hold the same identifier (system and value): HL7 v2
    /// messages find patients (PID-3) and devices (OBX-18) by it. HL7 reads the value alone, so
    /// only an administrator may give the same value in another system (two hospitals' numbers).
    private func checkIdentifiers(_ resource: JSON, type: FHIRResourceType, id: String) async throws {
        for (i, identifier) in type.matchedIdentifiers(of: resource).enumerated() {
            // An administrator's value is compared in its own system; anyone else's in every system.
            let system: FHIRSearchQuery.TokenSystem = access.scope != nil ? .any : identifier.system.map { .exactly($0) } ?? .none
            let filter = FHIRSearchQuery.Filter(
                parameter: FHIRSearchParameter.parameters(of: type)["identifier"]!, values: [.token(system: system, code: identifier.value)])
            let holders = try await runtime.store.searchIDs(FHIRSearchQuery(type: type, filters: [filter], count: 2))
            guard holders.allSatisfy({ $0 == id }) else {
                throw VigilError(
                    .conflict, "identifier \(identifier) already belongs to another \(type.rawValue); identifiers that HL7 v2 matches are unique",
                    expression: "\(type.rawValue).identifier[\(i)]")
            }
        }
    }

    /// People's observations: not posing as a device reading, plausible when the code is
    /// catalogued, readable by the rules when they read the code, not dated in the future, and with
    /// the person as performer (added when missing).
    private func checkObservation(_ resource: JSON, now: Int64) throws -> JSON {
        for (i, identifier) in (resource["identifier"]?.arrayValue ?? []).enumerated() where identifier["system"]?.stringValue == ProducerKey.system {
            throw VigilError(
                .unprocessable, "identifier system \(ProducerKey.system) is reserved for device readings", expression: "Observation.identifier[\(i)]")
        }
        if let quantity = resource["valueQuantity"], let value = quantity["value"]?.doubleValue,
            let definition = FHIRIndexer.values(at: "code.coding", in: resource)
                .first(where: { $0["system"]?.stringValue == CodeDefinition.loinc })
                .flatMap({ $0["code"]?.stringValue }).flatMap(runtime.catalog.definition(of:))
        {
            guard let unit = quantity["code"]?.stringValue ?? quantity["unit"]?.stringValue else {
                throw VigilError(.unprocessable, "valueQuantity needs a UCUM code", expression: "Observation.valueQuantity.code")
            }
            if let problem = definition.problem(value: value, unit: unit) {
                throw VigilError(.unprocessable, problem, expression: "Observation.valueQuantity")
            }
        }
        _ = try ClinicalObservation.interpret(observation: resource, id: "")
        let tolerance = Int64(runtime.policy.clockToleranceSeconds) * 1000
        let times = [
            ("effectiveDateTime", resource["effectiveDateTime"]), ("effectiveInstant", resource["effectiveInstant"]),
            ("issued", resource["issued"]), ("effectivePeriod.start", resource["effectivePeriod"]?["start"]),
        ]
        for (element, value) in times {
            if let text = value?.stringValue, let time = FHIRDateTime(text), time.lowerBound > now + tolerance {
                throw VigilError(
                    .unprocessable, "\(element) \(text) is in the future (the server's time is \(FHIRDateTime.instant(milliseconds: now)))",
                    expression: "Observation.\(element)")
            }
        }
        guard let me = access.user?.fhirUser else { return resource }
        let performers = (resource["performer"]?.arrayValue ?? []).compactMap { $0["reference"]?.stringValue.flatMap(FHIRReference.init) }
        if performers.isEmpty {
            var object = resource.objectValue ?? JSONObject()
            object["performer"] = [me.json]
            return .object(object)
        }
        guard performers.contains(me) else {
            throw VigilError(.unprocessable, "an observation you enter has you (\(me)) among its performers", expression: "Observation.performer")
        }
        return resource
    }

    /// A new server-assigned id.
    static func newID() -> String { UUID().uuidString.lowercased() }
}
