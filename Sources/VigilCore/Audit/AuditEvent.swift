/// One access to patient data, or one security-relevant action: who did what to which
/// resource of which patient, when, from where, and how it ended.
///
/// Stored in a hash chain (``AuditRecord``); never holds secrets.
public struct AuditEvent: Sendable, Equatable {
    /// FHIR AuditEvent.action codes, plus sign-in.
    public enum Action: String, Sendable {
        case create = "C", read = "R", update = "U", delete = "D", execute = "E"
        /// A sign-in attempt (FHIR `type` login).
        case login = "L"
    }

    /// FHIR AuditEvent.outcome codes.
    public enum Outcome: Int, Sendable {
        case success = 0, minorFailure = 4, seriousFailure = 8, majorFailure = 12
    }

    /// Milliseconds since the epoch.
    public var time: Int64
    /// Who acted: `user/NAME`, `device/ID`, `anonymous`, `system`.
    public var actor: String
    /// The actor's role (`nurse`, `device`, …).
    public var role: String
    /// The patient whose data was touched, or nil.
    public var patient: String?
    public var action: Action
    /// What was touched: `Patient/123`, `Observation?code=8867-4`, `/auth/token`.
    public var resource: String
    public var outcome: Outcome
    /// The client's network address.
    public var client: String?
    /// A short note (a count, a reason); never patient data or secrets.
    public var detail: String?
    /// The purpose of use the person stated (FHIR AuditEvent.purposeOfEvent), when one was asked
    /// for: why public health traced someone's exposures.
    public var purpose: String?

    public init(
        time: Int64, actor: String, role: String, patient: String? = nil, action: Action, resource: String,
        outcome: Outcome = .success, client: String? = nil, detail: String? = nil, purpose: String? = nil
    ) {
        self.time = time
        self.actor = actor
        self.role = role
        self.patient = patient
        self.action = action
        self.resource = resource
        self.outcome = outcome
        self.client = client
        self.detail = detail
        self.purpose = purpose
    }
}

/// An audit event in the chain: its position and the seal that binds it to every event before it.
public struct AuditRecord: Sendable, Equatable {
    /// Position in the chain, from 1, without gaps.
    public var seq: Int64
    public var event: AuditEvent
    /// HMAC over the previous record's hash and this record's canonical bytes.
    public var hash: [UInt8]

    public init(seq: Int64, event: AuditEvent, hash: [UInt8]) {
        self.seq = seq
        self.event = event
        self.hash = hash
    }
}

/// The newest record of the chain: what an anchor kept outside the database remembers.
public struct AuditHead: Sendable, Equatable, Codable {
    public var seq: Int64
    public var hash: [UInt8]

    public init(seq: Int64, hash: [UInt8]) {
        self.seq = seq
        self.hash = hash
    }
}

/// Computes the seal of the next record. Implemented with a keyed hash (HMAC) whose key is kept
/// outside the database, so that whoever can edit the database cannot recompute the chain.
public protocol AuditSealer: Sendable {
    func seal(previous: [UInt8], seq: Int64, event: AuditEvent) -> [UInt8]
}

extension AuditEvent {
    /// The bytes a seal covers: every field, in a fixed order, separated by 0x1F (unit separator),
    /// which no field may contain. The purpose, which came later, is the last field and only there
    /// when stated, so the records sealed before it still verify.
    public func canonicalBytes(seq: Int64) -> [UInt8] {
        var fields = [
            String(seq), String(time), actor, role, patient ?? "", action.rawValue, resource, String(outcome.rawValue),
            client ?? "", detail ?? "",
        ]
        if let purpose { fields.append(purpose) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(fields.count) { $0 + $1.utf8.count })
        for (i, field) in fields.enumerated() {
            if i > 0 { bytes.append(0x1F) }
            for byte in field.utf8 { bytes.append(byte == 0x1F ? 0x20 : byte) }
        }
        return bytes
    }
}
