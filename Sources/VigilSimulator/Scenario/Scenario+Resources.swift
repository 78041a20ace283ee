public import VigilCore

/// The FHIR resources a set of scenarios needs on the server, built as values (no I/O): patients,
/// devices on them, practitioners, wards and classes, care teams, conditions, action plans, and
/// what the care team recorded (results, imaging, treatments); screening sites (Locations) and
/// their kiosks (Devices with a location and no patient); the places of smartwatch wearers' days
/// (Locations) and their consent to having their whereabouts kept.
/// Every id comes from the scenario, so registering again updates rather than duplicates.
public struct ScenarioResources: Sendable {
    /// The system of the patients' and devices' identifiers (their ids), which HL7 messages name.
    public static let identifierSystem = "urn:vigil:simulator"

    /// Staff merged across scenarios by id (the same nurse on two wards).
    public let staff: [Scenario.Staff]
    /// Resources in the order they can be written (referenced ones first).
    public let resources: [JSON]

    /// - Parameters:
    ///   - now: the current time (ms), for birth dates and the start of each device's link.
    ///   - copies: how many times each scenario's patients and devices are registered (`-2`, `-3`,
    ///     … appended to the ids of the copies after the first), for load.
    public init(_ scenarios: [Scenario], now: Int64, copies: Int = 1) {
        var staff: [String: Scenario.Staff] = [:]
        var order: [String] = []
        var groups: [String: (name: String, members: [String])] = [:]
        var resources: [JSON] = []
        var conditionsAndPlans: [JSON] = []
        var registeredPlaces: Set<String> = []
        for scenario in scenarios {
            for station in scenario.screening ?? [] {
                resources.insert(Self.location(station.locationID, name: station.site, cutOff: station.cutOff), at: 0)
                resources.append(Self.kiosk(station))
            }
            for group in scenario.groups ?? [] where groups[group.id] == nil { groups[group.id] = (group.name, []) }
            for member in scenario.staff ?? [] {
                if staff[member.id] == nil {
                    order.append(member.id)
                    staff[member.id] = member
                    staff[member.id]!.of = []
                }
                staff[member.id]!.phone = staff[member.id]!.phone ?? member.phone
                staff[member.id]!.of += member.of.flatMap { target in
                    scenario.patients.contains { $0.id == target } ? (0..<copies).map { Self.copy(target, $0) } : [target]
                }
            }
            for copy in 0..<copies {
                for patient in scenario.patients {
                    let id = Self.copy(patient.id, copy)
                    resources.append(Self.patient(patient, id: id, now: now))
                    if let group = patient.group { groups[group]?.members.append(id) }
                    for (index, condition) in (patient.conditions ?? []).enumerated() {
                        conditionsAndPlans.append(Self.condition(condition, id: "\(id)-condition-\(index + 1)", patient: id))
                    }
                    if patient.peakFlowBest != nil || patient.actionPlan != nil {
                        conditionsAndPlans.append(Self.carePlan(patient, id: id))
                    }
                    for (index, record) in (patient.records ?? []).enumerated() {
                        conditionsAndPlans.append(Self.record(record, id: "\(id)-record-\(index + 1)", patient: id, now: now))
                    }
                    for device in patient.devices {
                        resources.append(Self.device(device, id: Self.copy(device.id, copy), patient: id, since: now - 3_600_000))
                    }
                    if patient.devices.contains(where: { $0.kind == .smartwatch }) {
                        for name in (patient.places ?? []).map(\.place) + ["home"] {
                            let place = Scenario.Place.locationID(name, patient: id)
                            guard registeredPlaces.insert(place).inserted else { continue }
                            resources.insert(Self.location(place, name: name == "home" ? "Home" : name), at: 0)
                        }
                        conditionsAndPlans.append(Self.locationConsent(patient: id, since: now - 86_400_000))
                    }
                }
            }
        }
        let merged = order.compactMap { staff[$0] }
        for member in merged where member.role != "caregiver" {
            var practitioner: JSONObject = ["resourceType": "Practitioner", "id": .string(member.id), "name": [["text": .string(member.name)]]]
            if let phone = member.phone { practitioner["telecom"] = [["system": "phone", "value": .string(phone)]] }
            resources.append(.object(practitioner))
        }
        for (id, group) in groups.sorted(by: { $0.key < $1.key }) {
            resources.append([
                "resourceType": "Group", "id": .string(id), "type": "person", "actual": true, "name": .string(group.name),
                "member": .array(group.members.map { ["entity": ["reference": .string("Patient/\($0)")]] }),
            ])
        }
        for member in merged where member.role == "caregiver" {
            guard let patient = member.of.first else { continue }
            var person: JSONObject = [
                "resourceType": "RelatedPerson", "id": .string(member.id), "patient": ["reference": .string("Patient/\(patient)")],
                "name": [["text": .string(member.name)]], "relationship": [["text": "parent or guardian"]],
            ]
            if let phone = member.phone { person["telecom"] = [["system": "phone", "value": .string(phone)]] }
            resources.append(.object(person))
        }
        // One care team per group or patient looked after, with everyone looking after it.
        var teams: [String: [Scenario.Staff]] = [:]
        for member in merged { for target in member.of { teams[target, default: []].append(member) } }
        for (target, members) in teams.sorted(by: { $0.key < $1.key }) {
            let subject = groups[target] != nil ? "Group/\(target)" : "Patient/\(target)"
            resources.append([
                "resourceType": "CareTeam", "id": .string("team-\(target)"), "status": "active", "subject": ["reference": .string(subject)],
                "participant": .array(
                    members.map { member in
                        [
                            "member": ["reference": .string("\(member.role == "caregiver" ? "RelatedPerson" : "Practitioner")/\(member.id)")],
                            "role": [["text": .string(member.role)]],
                        ]
                    }),
            ])
        }
        self.staff = merged
        self.resources = resources + conditionsAndPlans
    }

    /// The fhirUser reference of a member of staff.
    public static func fhirUser(_ member: Scenario.Staff) -> String {
        "\(member.role == "caregiver" ? "RelatedPerson" : "Practitioner")/\(member.id)"
    }

    /// The id of copy `n` of a patient's or device's id (the first copy keeps the id).
    public static func copy(_ id: String, _ n: Int) -> String { n > 0 ? "\(id)-\(n + 1)" : id }

    static func patient(_ patient: Scenario.Patient, id: String, now: Int64) -> JSON {
        let birth = now - Int64(patient.ageYears * 365.25 * 86_400_000)
        return [
            "resourceType": "Patient", "id": .string(id),
            "identifier": [["system": .string(identifierSystem), "value": .string(id)]],
            "name": [["family": .string(patient.family), "given": [.string(patient.given)]]],
            "gender": .string(patient.gender), "birthDate": .string(FHIRDateTime.date(milliseconds: birth)),
        ]
    }

    static func device(_ device: Scenario.Device, id: String, patient: String, since: Int64) -> JSON {
        var resource: JSONObject = [
            "resourceType": "Device", "id": .string(id), "status": "active",
            "identifier": [["system": .string(identifierSystem), "value": .string(id)]],
            "deviceName": [["name": .string(device.kind.rawValue), "type": "model-name"]],
            "patient": [
                "reference": .string("Patient/\(patient)"),
                "extension": [
                    ["url": .string(DeviceLinkHistory.sinceExtension), "valueDateTime": .string(FHIRDateTime.instant(milliseconds: since))]
                ],
            ],
        ]
        if let type = device.kind.commandType { resource["type"] = ["coding": [["system": "urn:vigil:device-type", "code": .string(type)]]] }
        return .object(resource)
    }

    static func location(_ id: String, name: String, cutOff: Double? = nil) -> JSON {
        var location: JSONObject = ["resourceType": "Location", "id": .string(id), "status": "active", "name": .string(name)]
        if let cutOff {
            location["extension"] = [
                [
                    "url": .string(ScreeningSite.cutOffExtension),
                    "valueQuantity": ["value": .double(cutOff), "unit": "°C", "system": "http://unitsofmeasure.org", "code": "Cel"],
                ]
            ]
        }
        return .object(location)
    }

    /// A screening kiosk: a Device at its site, on nobody.
    static func kiosk(_ station: Scenario.ScreeningStation) -> JSON {
        [
            "resourceType": "Device", "id": .string(station.id), "status": "active",
            "identifier": [["system": .string(identifierSystem), "value": .string(station.id)]],
            "deviceName": [["name": "screening kiosk", "type": "model-name"]],
            "location": ["reference": .string("Location/\(station.locationID)")],
        ]
    }

    /// The wearer's consent to having their whereabouts kept (docs/ingest.md, Location pings).
    static func locationConsent(patient: String, since: Int64) -> JSON {
        [
            "resourceType": "Consent", "id": .string("\(patient)-location-consent"), "status": "active",
            "scope": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"]]],
            "category": [["coding": [["system": .string(LocationConsent.system), "code": .string(LocationConsent.code)]]]],
            "patient": ["reference": .string("Patient/\(patient)")], "dateTime": .string(FHIRDateTime.instant(milliseconds: since)),
            "provision": ["type": "permit", "period": ["start": .string(FHIRDateTime.instant(milliseconds: since))]],
        ]
    }

    static func condition(_ condition: Scenario.Condition, id: String, patient: String) -> JSON {
        [
            "resourceType": "Condition", "id": .string(id), "subject": ["reference": .string("Patient/\(patient)")],
            "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
            "code": ["coding": [["system": "http://snomed.info/sct", "code": .string(condition.code), "display": .string(condition.display)]]],
        ]
    }

    /// The patient's action plan, with the peak-flow personal best that makes the asthma rules run.
    static func carePlan(_ patient: Scenario.Patient, id: String) -> JSON {
        let plan = patient.actionPlan
        var resource: JSONObject = [
            "resourceType": "CarePlan", "id": .string(patient.peakFlowBest == nil ? "\(id)-action-plan" : "\(id)-asthma-plan"),
            "status": "active", "intent": "plan", "title": .string(plan?.title ?? "Asthma action plan"),
            "subject": ["reference": .string("Patient/\(id)")],
        ]
        if let description = plan?.description { resource["description"] = .string(description) }
        if let steps = plan?.steps, !steps.isEmpty {
            resource["activity"] = .array(steps.map { ["detail": ["status": "not-started", "description": .string($0)]] })
        }
        if let best = patient.peakFlowBest {
            resource["extension"] = [["url": "urn:vigil:fhir:peak-flow-best", "valueQuantity": ["value": .double(best), "unit": "L/min"]]]
        }
        return .object(resource)
    }

    /// A result, an imaging study or a treatment, dated `now` (ms).
    static func record(_ record: Scenario.Record, id: String, patient: String, now: Int64) -> JSON {
        let subject: JSON = ["reference": .string("Patient/\(patient)")]
        let at = JSON.string(FHIRDateTime.instant(milliseconds: now))
        var resource: JSONObject
        switch record.kind {
        case .result:
            resource = ["resourceType": "DiagnosticReport", "status": "final", "code": ["text": .string(record.name)], "effectiveDateTime": at]
            if let conclusion = record.conclusion { resource["conclusion"] = .string(conclusion) }
        case .imaging:
            resource = [
                "resourceType": "ImagingStudy", "status": "available", "description": .string(record.name), "started": at,
                "modality": [["system": "http://dicom.nema.org/resources/ontology/DCM", "code": .string(record.modality ?? "OT")]],
                "numberOfSeries": 1,
            ]
            if let location = record.location { resource["endpoint"] = [["display": .string(location)]] }
            if let conclusion = record.conclusion { resource["note"] = [["text": .string(conclusion)]] }
        case .medication:
            resource = [
                "resourceType": "MedicationStatement", "status": "active", "medicationCodeableConcept": ["text": .string(record.name)],
                "effectivePeriod": ["start": at],
            ]
            if let dosage = record.dosage { resource["dosage"] = [["text": .string(dosage)]] }
        }
        resource["id"] = .string(id)
        resource["subject"] = subject
        return .object(resource)
    }
}
