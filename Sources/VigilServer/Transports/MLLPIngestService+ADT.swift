import HL7v2
import VigilClinical
import VigilCore

extension MLLPIngestService {
    /// The answer to an ADT message (admit, transfer, discharge, update), after what it changes is
    /// committed: `AA` when recorded (or already recorded, or overtaken by a later event), `AE`
    /// with the reason (and the message quarantined) when it cannot be.
    func admission(_ message: HL7Message, sender: MLLPSender, text: String, client: String, now: Int64) async throws -> Answer {
        let facility = sender.facility
        let boot = Self.boot(facility: facility, application: message.first("MSH")?[3] ?? "", controlID: message.controlID)
        func refuse(_ problem: HL7Problem) async throws -> Answer {
            try await quarantine(device: "hl7", key: (boot, 0), payload: text, reasons: [problem.description], client: client, now: now)
            return Answer(.error, [problem])
        }
        let adt: ADT
        do {
            adt = try ADT(message, localOffset: sender.localOffset)
        } catch {
            if error.condition == .unsupportedMessageType { return Answer(.reject, [error]) }
            return try await refuse(error)
        }
        // A clock far ahead would hold back every later event of the visit as older.
        let tolerance = Int64(runtime.policy.clockToleranceSeconds) * 1000
        guard adt.occurred <= now + tolerance else {
            return try await refuse(
                HL7Problem(
                    .dataType,
                    "the event time \(FHIRDateTime.instant(milliseconds: adt.occurred)) is ahead of the server's clock (\(FHIRDateTime.instant(milliseconds: now)))",
                    segment: "EVN", field: 2))
        }
        let system: String?
        switch patientSystem(adt.patientAuthority) {
        case .success(let found): system = found
        case .failure(let problem): return try await refuse(problem)
        }
        var patient: String?
        switch try await resolve(.patient, identifier: adt.patient, system: system) {
        case .success(let id): patient = id
        // An admission is how a patient new to the hospital arrives: registered from PID.
        case .failure(let problem) where problem.condition == .unknownKey && adt.event == .admit: patient = nil
        case .failure(let problem): return try await refuse(problem)
        }
        do {
            try await ADTRecorder(runtime: runtime, facility: facility, client: client).record(adt, patient: patient, patientSystem: system)
        } catch let problem as HL7Problem {
            return try await refuse(problem)
        }
        return Answer(.accept)
    }
}
