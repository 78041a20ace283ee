import Crypto
import Foundation
import HL7v2
import Logging
import MLLP
import NIOCore
import NIOSSL
public import ServiceLifecycle
import VigilCore

/// HL7 v2 over MLLP (`vigil serve --mllp`): each IHE PCD-01 ORU^R01 goes down the same ingest
/// path as `POST /api/ingest` and is answered after the commit: `AA` when every reading is
/// stored (or was already), `AE` with the reasons when some or all were quarantined, `AR` when
/// the message is not understood or its sender is not allowed. ADT^A01/A02/A03/A08 move the
/// patient's Encounter, bed and ward (``admission(_:sender:text:client:now:)``).
///
/// - Senders: only the sending facilities (MSH-4) listed in the configuration, each from its
///   networks.
/// - Identity: PID-3 is matched to `Patient.identifier`, OBX-18 to `Device.identifier`; the
///   readings belong to that patient.
/// - Effectively once: each reading's producer key is (the Device, a boot derived from the
///   sender and MSH-10, the OBX's set id), so a resent message is acknowledged and not stored
///   twice.
public struct MLLPIngestService: Service, CustomStringConvertible {
    let runtime: VigilRuntime
    let host: String
    let port: Int
    let onListening: @Sendable (String) -> Void

    init(runtime: VigilRuntime, host: String, port: Int, onListening: @escaping @Sendable (String) -> Void = { _ in }) {
        (self.runtime, self.host, self.port, self.onListening) = (runtime, host, port, onListening)
    }

    /// What the service group logs: the listener, not the runtime it holds.
    public var description: String { "MLLPIngestService(\(host):\(port))" }

    public func run() async throws {
        let configuration = runtime.configuration
        var listener = MLLPListener.Configuration(host: host, port: port)
        listener.maximumMessageSize = configuration.mllpMaxMessage
        if configuration.mllpTLS, let certificate = configuration.tlsCertificate, let key = configuration.tlsKey {
            listener.tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        }
        let logger = runtime.logger
        let mllp = MLLPListener(configuration: listener)
        do {
            try await cancelWhenGracefulShutdown { try await listen(mllp, logger: logger) }
        } catch is CancellationError {
            // Graceful shutdown: the listener stopped taking messages; what was taken is committed.
        } catch let error as IOError {
            let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            throw VigilError.cannotListen(on: address, option: "--mllp", error)
        }
    }

    private func listen(_ mllp: MLLPListener, logger: Logger) async throws {
        try await mllp.run(
            onListening: { address in
                let host = self.host.contains(":") ? "[\(self.host)]" : self.host
                logger.info("MLLP listening", metadata: ["address": "\(host):\(address.port ?? port)"])
                onListening("\(host):\(address.port ?? port)")
            },
            onConnectionError: { error, remote in
                logger.warning("MLLP connection closed on an error", metadata: ["error": "\(error)", "remote": "\(remote ?? "?")"])
            },
            respond: { message in await respond(to: message) })
    }

    /// The ACK (or NAK) for one message, after its readings are committed.
    func respond(to message: MLLPListener.Message) async -> ByteBuffer {
        let now = runtime.clock.now()
        let parsed = Result { try HL7Message(parsing: message.bytes.readableBytesView) }
        let answer: Answer
        do {
            answer = try await self.answer(message, parsed: parsed, now: now)
        } catch {
            // The store failed: a reject (unlike an error, HL7 senders may resend it), nothing acknowledged.
            runtime.logger.error("HL7 message not stored", metadata: ["error": "\(error)"])
            answer = Answer(.reject, [HL7Problem(.internalError, "the message could not be stored now; send it again")])
        }
        runtime.metrics.recordHL7(ack: answer.code.rawValue)
        let controlID = "VIGIL" + String(now) + String(UInt16.random(in: 0...UInt16.max), radix: 16)
        let ack = ((try? parsed.get()) ?? HL7Message(segments: [])).acknowledgement(
            answer.code, problems: answer.problems, controlID: controlID, now: now)
        return ByteBuffer(string: ack.encoded())
    }

    struct Answer {
        var code: HL7Message.AcknowledgementCode
        var problems: [HL7Problem]
        init(_ code: HL7Message.AcknowledgementCode, _ problems: [HL7Problem] = []) { (self.code, self.problems) = (code, problems) }
    }

    private func answer(_ message: MLLPListener.Message, parsed: Result<HL7Message, any Error>, now: Int64) async throws -> Answer {
        let ip = message.remoteIP ?? "unknown"
        let senders = runtime.configuration.mllpSenders
        guard senders.contains(where: { $0.network.contains(ip) }) else {
            return try await refuse("HL7 from \(ip) refused: no sender may connect from there", client: ip)
        }
        let text = String(decoding: message.bytes.readableBytesView.prefix(65_536), as: UTF8.self)
        let hl7: HL7Message
        switch parsed {
        case .success(let message): hl7 = message
        case .failure(let error):
            try await quarantine(device: "hl7", key: nil, payload: text, reasons: ["\(error)"], client: ip, now: now)
            return Answer(.reject, [(error as? HL7Error)?.problem ?? HL7Problem(.segmentSequence, "\(error)")])
        }
        let facility = hl7.first("MSH")?[4] ?? ""
        guard senders.contains(where: { $0.facility == facility && $0.network.contains(ip) }) else {
            return try await refuse("HL7 from sending facility '\(facility.prefix(64))' at \(ip) refused: not an allowed sender", client: ip)
        }
        let sender = senders.first { $0.facility == facility && $0.network.contains(ip) }!
        if hl7.type.code == "ADT" { return try await admission(hl7, sender: sender, text: text, client: ip, now: now) }
        let message: PCD01
        switch Result(catching: { () throws(HL7Error) in try PCD01(hl7, localOffset: sender.localOffset) }) {
        case .success(let read): message = read
        case .failure(let error) where error.code == .unsupportedMessage: return Answer(.reject, [error.problem])
        case .failure(let error):
            try await quarantine(device: "hl7", key: nil, payload: text, reasons: ["\(error)"], client: ip, now: now)
            return Answer(.error, [error.problem])
        }
        let boot = Self.boot(facility: facility, application: message.sendingApplication, controlID: hl7.controlID)
        let patient: String
        let system: String?
        switch patientSystem(message.patientAuthority) {
        case .success(let found): system = found
        case .failure(let problem):
            try await quarantine(device: "hl7", key: (boot, 0), payload: text, reasons: [problem.text], client: ip, now: now)
            return Answer(.error, [problem])
        }
        switch try await resolve(.patient, identifier: message.patient, system: system) {
        case .success(let id): patient = id
        case .failure(let problem):
            try await quarantine(device: "hl7", key: (boot, 0), payload: text, reasons: [problem.text], client: ip, now: now)
            return Answer(.error, [problem])
        }
        var problems = message.refused.map(\.problem)
        if !message.refused.isEmpty {
            try await quarantine(device: "hl7", key: (boot, 0), payload: text, reasons: problems.map(\.description), client: ip, now: now)
        }
        for (equipment, rows) in Dictionary(grouping: message.readings, by: \.equipment).sorted(by: { $0.key < $1.key }) {
            let device: String
            switch try await resolve(.device, identifier: equipment) {
            case .success(let id): device = id
            case .failure(let problem):
                let found = rows.map { HL7Problem(problem.condition, problem.text, segment: "OBX", sequence: $0.setID, field: 18) }
                try await quarantine(
                    device: "hl7", key: (boot, Int64(rows[0].setID) ?? 0), payload: text, reasons: found.map(\.description), client: ip, now: now)
                problems += found
                continue
            }
            let decoder = ReadingBatchDecoder(catalog: runtime.catalog, limits: runtime.configuration.ingestLimits)
            var decoded = ReadingBatchDecoder.Result(submissions: [], rejections: [])
            for (position, row) in rows.enumerated() {
                let submission = ReadingSubmission(
                    index: position, boot: boot, seq: Int64(row.setID) ?? Int64(position + 1), time: row.time, code: row.loinc, value: row.value,
                    unit: row.unit)
                switch decoder.check(submission, payload: submission.payloadText, now: now) {
                case .success(let checked): decoded.submissions.append(checked)
                case .failure(let rejection): decoded.rejections.append(rejection)
                }
            }
            let handler = IngestHandler(runtime: runtime)
            let prepared = try await handler.prepare(decoded, device: device, patient: patient, client: ip, source: "hl7", now: now)
            _ = try await runtime.writer.submit(prepared.commit)
            // The value is not one the code takes (out of its plausible range): a data error.
            problems += prepared.result.rejected.map { HL7Problem(.dataType, $0.reason, segment: "OBX", sequence: rows[$0.index].setID, field: 5) }
        }
        return problems.isEmpty ? Answer(.accept) : Answer(.error, problems)
    }

    /// The boot part of the producer keys of a message's readings: the same for a resent
    /// message (same sender, same MSH-10), different for every other.
    static func boot(facility: String, application: String, controlID: String) -> String {
        let digest = SHA256.hash(data: Array("\(facility)|\(application)|\(controlID)".utf8))
        return "hl7-" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    /// The `Patient.identifier.system` of a PID-3.4 assigning authority: the one `--mllp-authorities`
    /// names for its namespace id, else `urn:oid:` and its ISO universal id. Without an authority,
    /// or with none configured and no OID, nil: the value is matched in any system. An authority
    /// that is neither configured nor an OID, when some are configured, is a 204.
    func patientSystem(_ authority: [String]) -> Result<String?, HL7Problem> {
        guard !authority.isEmpty else { return .success(nil) }
        let authorities = runtime.configuration.mllpAuthorities
        if let system = authorities[authority[0]] { return .success(system) }
        if authority.count > 2, authority[2] == "ISO", !authority[1].isEmpty { return .success("urn:oid:" + authority[1]) }
        if authorities.isEmpty { return .success(nil) }
        return .failure(
            HL7Problem(
                .unknownKey, "PID-3.4 assigning authority '\(authority[0].prefix(64))' is not one of --mllp-authorities", segment: "PID", field: 3))
    }

    /// The one resource of `type` whose identifier has the value `identifier` (any system), or
    /// the problem: 204 when none has it, 205 when several do.
    func resolve(_ type: FHIRResourceType, identifier: String, system: String? = nil) async throws -> Result<String, HL7Problem> {
        let (segment, field) = type == .patient ? ("PID", 3) : ("OBX", 18)
        guard !identifier.isEmpty, !identifier.contains(where: { ",|\\$".contains($0) }) else {
            return .failure(
                HL7Problem(
                    .dataType, "\(segment)-\(field) '\(identifier.prefix(64))' is not an identifier Vigil can look up", segment: segment, field: field
                ))
        }
        let ids = try await runtime.deviceDirectory.resources(type, identifier: system.map { "\($0)|\(identifier)" } ?? identifier)
        switch ids.count {
        case 1: return .success(ids[0])
        case 0:
            return .failure(
                HL7Problem(
                    .unknownKey, "no \(type.rawValue) has the identifier \(segment)-\(field) '\(identifier.prefix(64))'", segment: segment,
                    field: field))
        default:
            return .failure(
                HL7Problem(
                    .duplicateKey, "several \(type.rawValue) resources have the identifier \(segment)-\(field) '\(identifier.prefix(64))'",
                    segment: segment,
                    field: field))
        }
    }

    /// Keeps a message (or part of it) that was not stored as readings, with the reasons, and
    /// returns once that is durable. `key` (boot, seq) makes a resend land on the same entry.
    func quarantine(device: String, key: (String, Int64)?, payload: String, reasons: [String], client: String, now: Int64) async throws {
        _ = try await runtime.writer.submit(
            IngestHandler(runtime: runtime).quarantineCommit(
                payload, reason: reasons.joined(separator: "; "), device: device, key: key, principal: nil, client: client, source: "hl7", now: now))
    }

    /// Refuses a sender: audited and logged, not stored.
    private func refuse(_ reason: String, client: String) async throws -> Answer {
        runtime.logger.warning("\(reason)")
        try await runtime.audit([
            runtime.auditEvent(nil, client: client, action: .create, resource: "hl7", outcome: .minorFailure, detail: reason)
        ])
        return Answer(.reject, [HL7Problem(.tableValueNotFound, "this sender is not allowed to send HL7 to Vigil", segment: "MSH", field: 4)])
    }
}
