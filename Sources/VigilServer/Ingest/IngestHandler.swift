import VigilCore

/// The one path every device reading takes, whatever its transport: decode and validate, find
/// the patient the device was on at the reading's time, quarantine what fails, hand the rest to
/// the group-commit writer, and answer after the commit.
struct IngestHandler: Sendable {
    let runtime: VigilRuntime

    /// The answer to one ingest request (docs/ingest.md).
    struct Result: Sendable {
        var accepted = 0
        var duplicates = 0
        var rejected: [ReadingRejection] = []

        /// The answer once the commit is stored: how many readings were new, how many duplicates.
        func counting(_ outcome: Applied) -> Result {
            var result = self
            result.accepted = outcome.inserted.count(where: { $0 })
            result.duplicates = outcome.inserted.count - result.accepted
            return result
        }

        var json: JSON {
            let object: JSONObject = [
                "accepted": .integer(accepted),
                "duplicates": .integer(duplicates),
                "rejected": .array(
                    rejected.map { r in
                        var item: JSONObject = ["index": .integer(r.index)]
                        if let seq = r.seq { item["seq"] = .integer(seq) }
                        item["reason"] = .string(r.reason)
                        return .object(item)
                    }),
            ]
            return .object(object)
        }
    }

    /// Ingests the body of `POST /api/ingest` from `device`.
    func ingest(_ body: JSON, device: String, client: String?, source: String) async throws -> Result {
        let now = runtime.clock.now()
        let decoded = try ReadingBatchDecoder(catalog: runtime.catalog, limits: runtime.configuration.ingestLimits).decode(body, now: now)
        return try await ingest(decoded, device: device, client: client, source: source, now: now)
    }

    /// Ingests decoded submissions.
    func ingest(_ decoded: ReadingBatchDecoder.Result, device: String, client: String?, source: String, now: Int64) async throws -> Result {
        let prepared = try await prepare(decoded, device: device, client: client, source: source, now: now)
        return prepared.result.counting(try await runtime.writer.submit(prepared.commit))
    }

    /// A batch ready for the writer: what to commit, and the answer so far (rejections).
    struct Prepared: Sendable {
        var commit: Change
        var result: Result
    }

    /// Finds each reading's patient (the one the device was on at the reading's time, or
    /// `patient` when the message itself names the patient, as HL7 does) and builds the commit:
    /// readings, quarantine entries and audit events.
    func prepare(
        _ decoded: ReadingBatchDecoder.Result, device: String, patient fixedPatient: String? = nil, client: String?, source: String, now: Int64
    ) async throws -> Prepared {
        let links = fixedPatient == nil ? try await runtime.deviceDirectory.links(device: device) : DeviceLinkHistory([])
        var result = Result()
        result.rejected = decoded.rejections
        var readings: [Reading] = []
        readings.reserveCapacity(decoded.submissions.count)
        var screenings: [ScreeningEvent] = []
        var site: String??
        let lateWindow = runtime.configuration.ingestLimits.lateUploadWindow
        for submission in decoded.submissions {
            let attribution = fixedPatient.map { .patient($0) } ?? links.attribution(of: submission.time, receivedAt: now, lateWindow: lateWindow)
            guard case .patient(let patient) = attribution else {
                var reason = attribution.explanation(device: device, readingTime: submission.time, lateWindow: lateWindow)
                // A device on nobody that stands at a Location is a screening kiosk: it measures passers-by.
                if attribution == .noPatient, fixedPatient == nil {
                    if site == nil { site = .some(try await runtime.deviceDirectory.site(device: device)) }
                    if let location = site ?? nil {
                        if let screening = ScreeningEvent(submission, device: device, site: location, received: now) {
                            screenings.append(screening)
                            continue
                        }
                        reason =
                            "Device/\(device) is a screening kiosk at Location/\(location) (a location and no patient): it sends temperatures "
                            + "(\(ScreeningEvent.code) in Cel or [degF]), not \(submission.code) in \(submission.unit)"
                    }
                }
                result.rejected.append(
                    ReadingRejection(
                        index: submission.index, boot: submission.boot, seq: submission.seq, reason: reason, payload: submission.payloadText))
                continue
            }
            readings.append(
                Reading(
                    key: ProducerKey(device: device, boot: submission.boot, seq: submission.seq), patient: patient,
                    code: submission.code, value: submission.value, unit: submission.unit, time: submission.time, received: now
                ))
        }
        let pings = try await attribute(decoded.pings, links: links, fixedPatient: fixedPatient, device: device, now: now, rejected: &result.rejected)
        result.rejected.sort { $0.index < $1.index }
        let ahead = result.rejected.count(where: \.clockAhead)
        let batch = IngestCommit(
            readings: readings, screenings: screenings, pings: pings,
            quarantine: result.rejected.filter { !$0.withheld }.map {
                QuarantineEntry(
                    device: device, boot: $0.boot, seq: $0.seq, index: $0.index, reason: $0.reason, payload: $0.payload, source: source, received: now
                )
            },
            clockAhead: ahead > 0 ? [device: ahead] : [:]
        )
        let commit = Change(
            .readings(batch),
            audit: auditEvents(
                readings: readings, screenings: screenings, pings: pings, rejected: result.rejected.count(where: { !$0.withheld }), device: device,
                client: client, source: source))
        runtime.metrics.recordRejected(result.rejected.count)
        return Prepared(commit: commit, result: result)
    }

    /// Quarantines one refused reading that never reached the decoder (a malformed FHIR
    /// Observation from a device), with its reason, and returns once that is stored.
    func quarantine(device: String, payload: JSON, key: ProducerKey?, reason: String, client: String?, source: String) async throws {
        _ = try await runtime.writer.submit(
            quarantineCommit(
                payload.text, reason: reason, device: device, key: key.map { ($0.boot, $0.seq) }, principal: .device(device), client: client,
                source: source, now: runtime.clock.now()))
    }

    /// The commit that keeps one whole refused payload (a body, an MQTT message, an HL7 message)
    /// in quarantine with its reason, audited as `principal`. `key` (boot, seq) makes a resend
    /// land on the same entry.
    func quarantineCommit(
        _ payload: String, reason: String, device: String, key: (boot: String, seq: Int64)? = nil, principal: Principal?, client: String?,
        source: String, now: Int64
    ) -> Change {
        runtime.metrics.recordRejected(1)
        let entry = QuarantineEntry(
            device: device, boot: key?.boot, seq: key?.seq, index: 0, reason: reason, payload: payload, source: source, received: now)
        return Change(
            .readings(IngestCommit(quarantine: [entry])),
            audit: [
                runtime.auditEvent(
                    principal, client: client, action: .create, resource: "quarantine", outcome: .minorFailure,
                    detail: "1 readings quarantined via \(source)")
            ])
    }

    /// The pings whose wearer the device was on and consents to their whereabouts being kept; the
    /// others join `rejected`, withheld from quarantine.
    private func attribute(
        _ submissions: [PingSubmission], links: DeviceLinkHistory, fixedPatient: String?, device: String, now: Int64,
        rejected: inout [ReadingRejection]
    ) async throws -> [LocationPing] {
        var pings: [LocationPing] = []
        let lateWindow = runtime.configuration.ingestLimits.lateUploadWindow
        for ping in submissions {
            let attribution = fixedPatient.map { .patient($0) } ?? links.attribution(of: ping.time, receivedAt: now, lateWindow: lateWindow)
            func withhold(_ reason: String) {
                rejected.append(ReadingRejection(index: ping.index, boot: ping.boot, seq: ping.seq, reason: reason, payload: "", withheld: true))
            }
            guard case .patient(let patient) = attribution else {
                withhold(attribution.explanation(device: device, readingTime: ping.time, lateWindow: lateWindow) + ": the ping is not kept")
                continue
            }
            guard try await runtime.whereabouts.permits(patient: patient, at: ping.time) else {
                withhold("Patient/\(patient) has no active Consent to keep their whereabouts (docs/ingest.md, Location pings): the ping is not kept")
                continue
            }
            pings.append(
                LocationPing(
                    key: ProducerKey(device: device, boot: ping.boot, seq: ping.seq), patient: patient, time: ping.time, position: ping.position,
                    place: ping.place, received: now))
        }
        return pings
    }

    private func auditEvents(
        readings: [Reading], screenings: [ScreeningEvent], pings: [LocationPing], rejected: Int, device: String, client: String?, source: String
    ) -> [AuditEvent] {
        /// One event per patient: how many of `what` the device wrote for them.
        func perPatient(_ patients: [String], resource: String, what: String) -> [AuditEvent] {
            Dictionary(patients.map { ($0, 1) }, uniquingKeysWith: +).sorted { $0.key < $1.key }.map { patient, count in
                runtime.auditEvent(
                    .device(device), client: client, patient: patient, action: .create, resource: resource, detail: "\(count) \(what) via \(source)")
            }
        }
        var events =
            perPatient(readings.map(\.patient), resource: "Observation", what: "readings")
            + perPatient(pings.map(\.patient), resource: "location-ping", what: "location pings")
        if let site = screenings.first?.site {
            events.append(
                runtime.auditEvent(
                    .device(device), client: client, action: .create, resource: "Location/\(site)/screening",
                    detail: "\(screenings.count) screenings via \(source)"))
        }
        if rejected > 0 {
            events.append(
                runtime.auditEvent(
                    .device(device), client: client, action: .create, resource: "quarantine", outcome: .minorFailure,
                    detail: "\(rejected) readings quarantined via \(source)"))
        }
        return events
    }
}

extension ReadingSubmission {
    /// The reading as JSON text, for the quarantine.
    var payloadText: String {
        JSON.object([
            "seq": .integer(seq), "boot": .string(boot), "time": .string(FHIRDateTime.instant(milliseconds: time)),
            "code": .string(code), "value": .double(value), "unit": .string(unit),
        ]).text
    }
}
