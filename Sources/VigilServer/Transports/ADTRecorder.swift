import HL7v2
import VigilCore

/// Carries an ADT message out on the record, all in one change: the visit's Encounter (status,
/// class, period, the beds it passed through), the bed's Location (made on first use, part of its
/// ward's Location), the patient's membership of the ward's Group (and so of the ward's care
/// teams) and, for an admission of a patient not yet known or an update, the Patient.
///
/// Effectively once: the Encounter keeps the time of the latest event applied to it
/// (``eventExtension``); an older event (a resend, or one overtaken by a later message) changes
/// nothing, and an event that leaves everything as it is writes nothing.
///
/// Wards and beds are found by identifier value (any system), so that Groups and Locations an
/// administrator made with the hospital's codes are the ones used; those Vigil makes carry
/// ``locationSystem``. The visit's Encounter is found by its identifier (PV1-19) and patient.
struct ADTRecorder {
    static let locationSystem = "urn:vigil:hl7:location"
    static let visitSystem = "urn:vigil:hl7:visit"
    static let eventExtension = "urn:vigil:fhir:adt-event"

    let runtime: VigilRuntime
    /// The sending facility (MSH-4), the audit log's actor.
    let facility: String
    let client: String

    /// Records `adt` for `patient` (its id; nil to register a new patient, with their identifier in
    /// `patientSystem`).
    /// - Throws: ``HL7Problem`` 205 when a ward or bed code names several Locations or Groups.
    func record(_ adt: ADT, patient: String?, patientSystem: String?) async throws {
        let now = runtime.clock.now()
        var writes: [ResourceWrite] = []
        let patientID = patient ?? WritePlanner.newID()
        let subject = "Patient/\(patientID)"
        let existing =
            patient == nil ? nil : try await one(.encounter, identifier: adt.visit, also: [("subject", .reference(subject))], field: 19)
        if let existing, let last = Self.lastEvent(existing.json), adt.occurred < last { return }

        // Where the patient lies now: the bed (or the ward alone), each Location made when new.
        var place: String?
        var ward: String?
        if let bed = adt.place, !bed.ward.isEmpty {
            let wardLocation = try await location(code: bed.ward, name: bed.ward, kind: ("wa", "Ward"), partOf: nil, now: now, into: &writes)
            place = wardLocation
            ward = bed.ward
            if bed.description != bed.ward {
                let name = [bed.ward, bed.room, bed.bed].filter { !$0.isEmpty }.joined(separator: " ")
                place = try await location(code: bed.description, name: name, kind: ("bd", "Bed"), partOf: wardLocation, now: now, into: &writes)
            }
        }

        let encounter = Self.encounter(existing?.json, adt: adt, subject: subject, location: place)
        try append(encounter, to: existing, now: now, into: &writes)

        // The ward's Group holds the patient while they are in the ward.
        let inProgress = encounter["status"] == "in-progress"
        var before: String?
        if let reference = existing.flatMap(Self.activeLocation) { before = try await wardCode(reference) }
        let after = inProgress ? (ward ?? before) : nil
        if let before, before != after, let group = try await one(.group, identifier: before, field: 3) {
            try append(Self.membership(group.json, patient: subject, member: nil), to: group, now: now, into: &writes)
        }
        if let after {
            let group = try await one(.group, identifier: after, field: 3)
            let json = Self.membership(group?.json ?? Self.wardGroup(after), patient: subject, member: adt.occurred)
            try append(json, to: group, now: now, into: &writes)
        }

        let person = patient == nil ? nil : try await runtime.store.resource(.patient, id: patientID)
        if patient == nil || adt.event == .admit || adt.event == .update {
            let json = Self.patient(person?.json ?? Self.newPatient(adt, system: patientSystem), adt: adt)
            try append(json, to: person, id: patientID, now: now, into: &writes)
        }
        guard !writes.isEmpty else { return }
        let audit = writes.map { write in
            AuditEvent(
                time: now, actor: "hl7/\(facility)", role: "hl7", patient: write.resource.patient ?? subject,
                action: write.resource.version == 1 ? .create : .update, resource: "\(write.resource.type.rawValue)/\(write.resource.id)",
                client: client, detail: "ADT^\(adt.event.rawValue)")
        }
        try await runtime.writer.submit(Change(.resources(writes), audit: audit))
    }

    /// Adds the write of `json` as the next version of `current` (or as a new resource) unless it
    /// says what `current` says.
    private func append(_ json: JSON, to current: StoredResource?, id: String? = nil, now: Int64, into writes: inout [ResourceWrite]) throws {
        guard json != current?.json.withoutMeta else { return }
        let type = FHIRResourceType(rawValue: json["resourceType"]?.stringValue ?? "")!
        let issues = FHIRValidator.validate(json, as: type.rawValue)
        guard issues.isEmpty else { throw VigilError(.internal, "an ADT made an invalid \(type.rawValue): \(issues[0].diagnostics)") }
        let mode: ResourceWrite.Mode = current.map { .update(replacing: $0.version) } ?? .create
        writes.append(
            ResourcePreparation.write(
                json, type: type, id: current?.id ?? id ?? WritePlanner.newID(), version: (current?.version ?? 0) + 1, lastUpdated: now, mode: mode))
    }

    /// The Location with the identifier `code`, made (physical type `kind`, part of `partOf`) when
    /// none has it yet; its reference.
    private func location(
        code: String, name: String, kind: (code: String, display: String), partOf: String?, now: Int64, into writes: inout [ResourceWrite]
    ) async throws -> String {
        if let found = try await one(.location, identifier: code, field: 3) { return "Location/\(found.id)" }
        var json: JSONObject = [
            "resourceType": "Location", "identifier": [["system": .string(Self.locationSystem), "value": .string(code)]], "status": "active",
            "name": .string(name), "mode": "instance",
            "physicalType": [
                "coding": [
                    [
                        "system": "http://terminology.hl7.org/CodeSystem/location-physical-type", "code": .string(kind.code),
                        "display": .string(kind.display),
                    ]
                ]
            ],
        ]
        if let partOf { json["partOf"] = ["reference": .string(partOf)] }
        try append(.object(json), to: nil, now: now, into: &writes)
        return "Location/\(writes.last!.resource.id)"
    }

    /// The one resource of `type` with the identifier value `value` (any system) and the other
    /// criteria; nil when none. 205 when several have it.
    private func one(
        _ type: FHIRResourceType, identifier value: String, also: [(String, FHIRSearchQuery.Value)] = [], field: Int
    ) async throws -> StoredResource? {
        let parameters = FHIRSearchParameter.parameters(of: type)
        let filters = ([("identifier", FHIRSearchQuery.Value.token(system: .any, code: value))] + also).map { name, value in
            FHIRSearchQuery.Filter(parameter: parameters[name]!, values: [value])
        }
        let ids = try await runtime.store.searchIDs(FHIRSearchQuery(type: type, filters: filters, count: 2))
        guard ids.count <= 1 else {
            throw HL7Problem(
                .duplicateKey, "several \(type.rawValue) resources have the identifier '\(value.prefix(64))'", segment: "PV1", field: field)
        }
        guard let id = ids.first else { return nil }
        return try await runtime.store.resource(type, id: id)
    }

    /// The ward code of a Location: the identifier of the ward it is part of, or its own.
    private func wardCode(_ reference: String) async throws -> String? {
        guard let place = FHIRReference(reference), let location = try await runtime.store.resource(.location, id: place.id) else { return nil }
        var ward = location.json
        if let parent = location.json["partOf"]?["reference"]?.stringValue.flatMap(FHIRReference.init),
            let stored = try await runtime.store.resource(.location, id: parent.id)
        {
            ward = stored.json
        }
        return ward["identifier"]?[0]?["value"]?.stringValue
    }
}

extension ADTRecorder {
    /// The time of the latest event applied to an Encounter.
    static func lastEvent(_ encounter: JSON) -> Int64? {
        (encounter["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == eventExtension }?["valueDateTime"]?.stringValue
            .flatMap(FHIRDateTime.init)?.lowerBound
    }

    /// The reference of the Location an Encounter has the patient in now.
    static func activeLocation(_ encounter: StoredResource) -> String? {
        (encounter.json["location"]?.arrayValue ?? []).last { $0["status"] == "active" }?["location"]?["reference"]?.stringValue
    }

    /// The visit's Encounter after `adt` (`existing` without its `meta`, or a new one): in progress
    /// until discharged (an update after the discharge keeps it finished); the patient's stay in
    /// `location` active from the event, the one before it completed then.
    static func encounter(_ existing: JSON?, adt: ADT, subject: String, location: String?) -> JSON {
        var json =
            existing?.withoutMeta.objectValue ?? [
                "resourceType": "Encounter", "identifier": [["system": .string(visitSystem), "value": .string(adt.visit)]],
            ]
        let at = JSON.string(FHIRDateTime.instant(milliseconds: adt.occurred))
        let finished = adt.event == .discharge || (adt.event == .update && json["status"] == "finished")
        json["status"] = finished ? "finished" : "in-progress"
        let actCode = adt.patientClass.actCode
        json["class"] = [
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": .string(actCode.code), "display": .string(actCode.display),
        ]
        json["subject"] = ["reference": .string(subject)]
        var period = json["period"]?.objectValue ?? [:]
        if period["start"] == nil { period["start"] = .string(FHIRDateTime.instant(milliseconds: adt.admitted ?? adt.occurred)) }
        if adt.event == .discharge { period["end"] = .string(FHIRDateTime.instant(milliseconds: adt.discharged ?? adt.occurred)) }
        json["period"] = .object(period)
        var stays = json["location"]?.arrayValue ?? []
        let current = stays.lastIndex { $0["status"] == "active" }
        let moving = finished || (location != nil && current.flatMap { stays[$0]["location"]?["reference"]?.stringValue } != location)
        if moving, let current {
            var stay = stays[current].objectValue ?? [:]
            var period = stay["period"]?.objectValue ?? [:]
            period["end"] = finished ? period["end"] ?? json["period"]?["end"] ?? at : at
            (stay["status"], stay["period"]) = ("completed", .object(period))
            stays[current] = .object(stay)
        }
        if moving, !finished, let location {
            stays.append(["location": ["reference": .string(location)], "status": "active", "period": ["start": at]])
        }
        json["location"] = stays.isEmpty ? nil : .array(stays)
        let last = lastEvent(.object(json)).map { max($0, adt.occurred) } ?? adt.occurred
        let event: JSON = ["url": .string(eventExtension), "valueDateTime": .string(FHIRDateTime.instant(milliseconds: last))]
        var extensions = json["extension"]?.arrayValue ?? []
        if let kept = extensions.firstIndex(where: { $0["url"]?.stringValue == eventExtension }) {
            extensions[kept] = event
        } else {
            extensions.append(event)
        }
        json["extension"] = .array(extensions)
        return .object(json)
    }

    /// A Group `json` (without its `meta`) with the patient as a member from `member` (an
    /// instant), or with no membership of theirs when `member` is nil. A membership already there
    /// is kept as it is.
    static func membership(_ group: JSON, patient: String, member since: Int64?) -> JSON {
        var json = group.withoutMeta.objectValue ?? [:]
        var members = json["member"]?.arrayValue ?? []
        let isTheirs: (JSON) -> Bool = { $0["entity"]?["reference"]?.stringValue == patient && $0["inactive"]?.boolValue != true }
        if let since {
            if !members.contains(where: isTheirs) {
                members.append(["entity": ["reference": .string(patient)], "period": ["start": .string(FHIRDateTime.instant(milliseconds: since))]])
            }
        } else {
            members.removeAll { $0["entity"]?["reference"]?.stringValue == patient }
        }
        json["member"] = members.isEmpty ? nil : .array(members)
        return .object(json)
    }

    /// The Group of a ward that has none yet: its members are the patients in the ward, and a
    /// CareTeam with it as subject looks after them.
    static func wardGroup(_ code: String) -> JSON {
        [
            "resourceType": "Group", "identifier": [["system": .string(locationSystem), "value": .string(code)]], "type": "person", "actual": true,
            "name": .string("Ward \(code)"),
        ]
    }

    static func newPatient(_ adt: ADT, system: String?) -> JSON {
        var identifier: JSONObject = ["value": .string(adt.patient)]
        if let system { identifier["system"] = .string(system) }
        return ["resourceType": "Patient", "identifier": [.object(identifier)]]
    }

    /// A Patient (without its `meta`) with the demographics the message gives (PID-5's name as
    /// the first name, PID-7, PID-8); what it leaves empty is kept.
    static func patient(_ patient: JSON, adt: ADT) -> JSON {
        var json = patient.withoutMeta.objectValue ?? [:]
        if let name = adt.name {
            var names = json["name"]?.arrayValue ?? []
            var first: JSONObject = ["use": "official"]
            if !name.family.isEmpty { first["family"] = .string(name.family) }
            if !name.given.isEmpty { first["given"] = .array(name.given.map(JSON.string)) }
            if names.isEmpty { names = [.object(first)] } else { names[0] = .object(first) }
            json["name"] = .array(names)
        }
        if let gender = adt.gender { json["gender"] = .string(gender) }
        if let birthDate = adt.birthDate { json["birthDate"] = .string(birthDate) }
        return .object(json)
    }
}

extension JSON {
    /// The resource without its `meta` (what a new version is compared on).
    var withoutMeta: JSON {
        guard var object = objectValue else { return self }
        object["meta"] = nil
        return .object(object)
    }
}
