/// A command to a device (suspend an insulin pump's basal delivery, take a measurement now, set
/// a monitor's alarm limits), kept as a record from the moment it is asked for until the device
/// says what became of it or its deadline passes (docs/commands.md).
///
/// Its ``id`` goes to the device with it: a device executes each id once, however often it is
/// sent. Changes to it are written through the one writer, each with the version it was read at,
/// so that two writers cannot both move it on from the same state.
public struct DeviceCommand: Sendable, Equatable, Codable {
    /// 0 before it is stored.
    public var id: Int64
    /// The Device's FHIR id.
    public var device: String
    /// The patient the device was on when it was asked for, when it was on one.
    public var patient: String?
    /// What to do, as the policy names it: `suspend-basal`, `set-alarm-limits`, …
    public var name: String
    /// Its values, by the policy's parameter names (`rate`: units per hour).
    public var parameters: [String: Double]
    public var state: CommandState
    /// Who asked for it: `user/NAME`, or `rule/KIND` for a rule's proposal.
    public var requestedBy: String
    /// Who confirmed it, when it needed a second person.
    public var confirmedBy: String?
    /// The alert a rule proposed it for (`Alert/ID`); a rule proposes each command once per alert.
    public var proposal: String?
    /// Why it ended as it did (rejected, failed, expired, cancelled), in words.
    public var reason: String?
    public var created: Int64
    /// After this the device must not start it, and the server stops sending it.
    public var deadline: Int64
    /// How many times it was sent.
    public var attempts: Int
    /// When it is sent again while the device has not answered.
    public var nextAttempt: Int64
    /// Incremented by every stored change.
    public var version: Int
    /// Every step, oldest first.
    public var history: [CommandStep]

    public init(
        id: Int64 = 0, device: String, patient: String?, name: String, parameters: [String: Double], state: CommandState,
        requestedBy: String, confirmedBy: String? = nil, proposal: String? = nil, reason: String? = nil, created: Int64, deadline: Int64,
        attempts: Int = 0, nextAttempt: Int64? = nil, version: Int = 0, history: [CommandStep] = []
    ) {
        (self.id, self.device, self.patient, self.name, self.parameters, self.state) = (id, device, patient, name, parameters, state)
        (self.requestedBy, self.confirmedBy, self.proposal, self.reason) = (requestedBy, confirmedBy, proposal, reason)
        (self.created, self.deadline, self.attempts, self.nextAttempt, self.version, self.history) =
            (created, deadline, attempts, nextAttempt ?? created, version, history)
    }
}

extension DeviceCommand {
    /// The parameters as a JSON object, by name: as stored and as sent.
    public var parametersJSON: JSON {
        .object(JSONObject(parameters.sorted { $0.key < $1.key }.map { ($0.key, JSON.double($0.value)) }))
    }
}

/// Where a ``DeviceCommand`` stands. It only moves forward:
/// `proposed → requested → sent → delivered → accepted | rejected → completed | failed`, and any
/// state before `accepted` may end `expired`; `proposed` and `requested` may end `cancelled`.
public enum CommandState: String, Sendable, Codable, CaseIterable {
    /// Waiting for a person to confirm it (a therapy change, or a rule's proposal).
    case proposed
    /// Confirmed, or needing no confirmation: to be sent.
    case requested
    /// Published to the device's commands topic; not yet answered.
    case sent
    /// The device has it (it said so, or fetched it by polling).
    case delivered
    /// The device will carry it out.
    case accepted
    /// The device refused it (its reason is kept).
    case rejected
    /// The device carried it out.
    case completed
    /// The device tried and could not, or never said it had finished.
    case failed
    /// Its deadline passed before the device accepted it: it will not be carried out.
    case expired
    /// A person withdrew it before it was sent.
    case cancelled

    /// Its place in the order above; the four endings share the last.
    public var rank: Int {
        switch self {
        case .proposed: 0
        case .requested: 1
        case .sent: 2
        case .delivered: 3
        case .accepted: 4
        case .rejected, .completed, .failed, .expired, .cancelled: 5
        }
    }

    /// Whether nothing more happens to it.
    public var isFinal: Bool { rank == 5 }

    /// Whether it is on its way to the device, not yet accepted or refused.
    public var isOutstanding: Bool { self == .requested || self == .sent || self == .delivered }
}

/// One step in a command's history.
public struct CommandStep: Sendable, Equatable, Codable {
    public var state: CommandState
    public var at: Int64
    /// `user/NAME`, `device/ID`, `rule/KIND`, or `vigil` for the server's own steps (sending, expiry).
    public var actor: String
    public var detail: String?

    public init(_ state: CommandState, at: Int64, actor: String, detail: String? = nil) {
        (self.state, self.at, self.actor, self.detail) = (state, at, actor, detail)
    }
}
