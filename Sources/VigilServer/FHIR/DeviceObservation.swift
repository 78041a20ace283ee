import VigilCore

/// A device's `POST /fhir/Observation`: one reading in FHIR form, taken through the same ingest
/// path as `POST /api/ingest` (same validation, patient resolution, deduplication, quarantine).
///
/// The Observation carries its producer key as `identifier` (`urn:vigil:producer-key`,
/// `DEVICE/BOOT/SEQ`, DEVICE being the token's device), a catalogued LOINC code, a
/// `valueQuantity` with a UCUM code, and `effectiveDateTime` or `effectiveInstant`. `subject`
/// and `device`, when given, must match the device and the patient it is on. Nothing else is
/// accepted: what a reading cannot hold would otherwise be lost.
struct DeviceObservation: Sendable {
    let runtime: VigilRuntime
    let device: String
    let client: String?

    static let elements: Set<String> = [
        "resourceType", "meta", "status", "category", "code", "subject", "effectiveDateTime", "effectiveInstant",
        "valueQuantity", "device", "identifier",
    ]

    /// Stores the reading; returns it as an Observation, and whether it was new (false for a resend).
    func ingest(_ body: JSON) async throws -> (StoredResource, created: Bool) {
        let issues = FHIRValidator.validate(body, as: "Observation")
        guard issues.isEmpty else { throw VigilError(.invalid, issues: issues) }
        let key = (body["identifier"]?.arrayValue ?? []).first { $0["system"]?.stringValue == ProducerKey.system }?["value"]?.stringValue
            .flatMap(ProducerKey.init)
        let handler = IngestHandler(runtime: runtime)
        func refuse(_ reason: String, _ expression: String) async throws -> Never {
            try await handler.quarantine(device: device, payload: body, key: key, reason: reason, client: client, source: "fhir")
            throw VigilError(.unprocessable, reason, expression: expression)
        }
        if let extra = body.objectValue?.keys.first(where: { !Self.elements.contains($0) }) {
            try await refuse("a device observation carries only \(Self.elements.sorted().joined(separator: ", "))", "Observation.\(extra)")
        }
        guard let key else {
            try await refuse("identifier with system \(ProducerKey.system) and value DEVICE/BOOT/SEQ is required", "Observation.identifier")
        }
        guard key.device == device else { try await refuse("the producer key names Device/\(key.device), not this device", "Observation.identifier") }
        guard body["status"]?.stringValue == "final" else { try await refuse("a device reading has status final", "Observation.status") }
        if let reference = body["device"]?["reference"]?.stringValue, reference != "Device/\(device)" {
            try await refuse("device must be Device/\(device)", "Observation.device")
        }
        let code = FHIRIndexer.values(at: "code.coding", in: body)
            .first { $0["system"]?.stringValue == CodeDefinition.loinc && $0["code"]?.stringValue.flatMap(runtime.catalog.definition(of:)) != nil }?[
                "code"]
        let quantity = body["valueQuantity"]
        if let system = quantity?["system"]?.stringValue, system != CodeDefinition.ucum {
            try await refuse("valueQuantity.system must be \(CodeDefinition.ucum)", "Observation.valueQuantity.system")
        }
        guard let effective = (body["effectiveDateTime"] ?? body["effectiveInstant"])?.stringValue, let time = FHIRDateTime(effective),
            time.hasTime
        else {
            try await refuse("effectiveDateTime or effectiveInstant is required: an instant with a zone, such as 2026-03-01T08:00:00Z", "Observation")
        }
        guard let code = (code ?? FHIRIndexer.values(at: "code.coding.code", in: body).first)?.stringValue else {
            try await refuse("code.coding with a LOINC code is required", "Observation.code")
        }
        guard let value = quantity?["value"]?.doubleValue else { try await refuse("valueQuantity.value is required", "Observation.valueQuantity") }
        guard let unit = (quantity?["code"] ?? quantity?["unit"])?.stringValue else {
            try await refuse("valueQuantity.code is required (a UCUM unit)", "Observation.valueQuantity")
        }
        let now = runtime.clock.now()
        let decoder = ReadingBatchDecoder(catalog: runtime.catalog, limits: runtime.configuration.ingestLimits)
        let submission: ReadingSubmission
        let candidate = ReadingSubmission(index: 0, boot: key.boot, seq: key.seq, time: time.lowerBound, code: code, value: value, unit: unit)
        switch decoder.check(candidate, payload: body.text, now: now) {
        case .failure(let rejection): try await refuse(rejection.reason, "Observation")
        case .success(let checked): submission = checked
        }
        if let subject = body["subject"]?["reference"]?.stringValue {
            let patient = try await runtime.deviceDirectory.links(device: device).patient(at: submission.time)
            if patient.map({ "Patient/\($0)" }) != subject {
                try await refuse("subject \(subject) is not the patient Device/\(device) was on at the reading's time", "Observation.subject")
            }
        }
        let result = try await handler.ingest(
            ReadingBatchDecoder.Result(submissions: [submission], rejections: []), device: device, client: client, source: "fhir", now: now
        )
        if let rejection = result.rejected.first { throw VigilError(.unprocessable, rejection.reason, expression: "Observation") }
        guard let stored = try await runtime.store.reading(key: key) else {
            throw VigilError(.internal, "the reading was stored but cannot be read back")
        }
        return (
            StoredResource(
                type: .observation, id: String(stored.id), version: 1, lastUpdated: stored.reading.received,
                compartment: "Patient/\(stored.reading.patient)", json: stored.observation(catalog: runtime.catalog)),
            result.accepted == 1
        )
    }
}
