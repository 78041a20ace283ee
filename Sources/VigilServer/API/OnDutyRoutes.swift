import Hummingbird
import VigilClinical
import VigilCore

/// `GET /api/on-duty?patient=ID&at=INSTANT[&kind=KIND]` (docs/routing.md): who of the patient's
/// care team would be told about an alert raised at `at` (now when absent), and why: each person
/// with their escalation level, on or off duty and the reason, and for each priority the people
/// told at once. The rosters are those routing reads (``CareTeamRosters``). Administrators, and
/// care roles for the patients they see; another patient is answered as not found. Audited.
struct OnDutyRoutes {
    let runtime: VigilRuntime

    var routes: [VigilRoute] {
        [
            VigilRoute(.get, "/api/on-duty") { request, context in
                let access = try await runtime.alertViewer(context.principal)
                let query = request.uri.queryParameters
                guard let text = query["patient"].map(String.init),
                    let reference = FHIRReference(searchValue: text, defaultType: "Patient"), reference.type == "Patient"
                else { throw VigilError(.invalid, "patient is required: ID or Patient/ID", expression: "patient") }
                let patient = reference.id
                let at = try query["at"].map { try Self.instant(String($0)) } ?? runtime.clock.now()
                let kind = query["kind"].map(String.init) ?? ""
                guard access.canSee(patient: patient) else {
                    try await runtime.audit([
                        runtime.auditEvent(
                            access.principal, client: context.clientAddress, action: .read, resource: "on-duty/Patient/\(patient)",
                            outcome: .minorFailure, detail: "not found")
                    ])
                    throw VigilError(.notFound, "patient \(patient) was not found")
                }
                let roster = try await runtime.rosters.rosters(patients: [patient], at: at)[patient] ?? DutyRoster([])
                try await runtime.audit([
                    runtime.auditEvent(
                        access.principal, client: context.clientAddress, patient: patient, action: .read, resource: "on-duty/Patient/\(patient)")
                ])
                return FHIRJSON.response(answer(roster, patient: patient, at: at, kind: kind), mediaType: FHIRJSON.jsonMediaType)
            }
        ]
    }

    private func answer(_ roster: DutyRoster, patient: String, at: Int64, kind: String) -> JSON {
        let policy = runtime.policy.escalation
        let duties = roster.duties(at: at)
        let people: [JSON] = duties.map { duty in
            [
                "account": .string(duty.account), "level": .integer(Int64(duty.level)), "levelName": .string(policy.levels[duty.level].name),
                "onDuty": .bool(duty.onDuty), "reason": .string(duty.reason),
            ]
        }
        var told = JSONObject()
        for priority in [Priority.high, .medium, .low] {
            let through = policy.firstLevel(kind: kind, priority: priority)
            told[priority.rawValue] = .array(duties.filter { $0.onDuty && $0.level <= through }.map { .string($0.account) })
        }
        return [
            "patient": .string("Patient/\(patient)"), "at": .string(FHIRDateTime.instant(milliseconds: at)), "people": .array(people),
            "notified": .object(told),
        ]
    }

    private static func instant(_ text: String) throws -> Int64 {
        guard let time = FHIRDateTime(text), time.hasTime else {
            throw VigilError(.invalid, "at is an instant with a time and zone (2026-03-02T10:30:00Z)", expression: "at")
        }
        return time.lowerBound
    }
}
