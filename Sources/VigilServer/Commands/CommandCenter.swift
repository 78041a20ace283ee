import Logging
import Synchronization
import VigilClinical
import VigilCore

/// The one owner of device commands (docs/commands.md): people ask for, confirm and cancel them,
/// rules propose them, devices answer them, and the clock sends, resends and expires them. Each
/// step is a ``DeviceCommand`` moved on by its lifecycle and written through the writer with the
/// version it was read at and an audit event, so two steps never both move it from one state.
public final class CommandCenter: Sendable {
    let store: any VigilStore
    let writer: ChangeWriter
    let clock: any VigilClock
    let policy: CommandPolicy
    let publisher: DevicePublisher
    let directory: DeviceDirectory
    let logger: Logger
    let wake = WakeSignal()
    /// One dispatch pass at a time: two would send the same command twice.
    let passes = AsyncLock()
    /// Alerts raised since the last pass, for their proposals.
    let raised = Mutex<[Alert]>([])
    /// Whether it sends (runs): several nodes on one database, only the leading one does, and the
    /// others keep no alerts for it.
    let sending = Atomic(false)
    /// The alert kinds that propose commands.
    let proposalKinds: Set<String>

    init(
        store: any VigilStore, writer: ChangeWriter, clock: any VigilClock, policy: CommandPolicy, publisher: DevicePublisher,
        directory: DeviceDirectory, logger: Logger
    ) {
        (self.store, self.writer, self.clock, self.policy, self.publisher, self.directory, self.logger) =
            (store, writer, clock, policy, publisher, directory, logger)
        proposalKinds = Set(policy.proposals.flatMap(\.alertKinds))
    }

    /// A person's request for a command to `device`; proposed when it is a therapy change.
    func request(
        _ name: String, parameters: [String: Double], deadlineSeconds: Int?, device: String, access: AccessControl, client: String?
    ) async throws -> DeviceCommand {
        let user = try access.requireClinicalViewer()
        let (type, patient) = try await target(device, access: access)
        let command = try DeviceCommand.request(
            name, parameters: parameters, device: device, type: type, patient: patient, by: "user/\(user.username)", role: user.role,
            deadlineSeconds: deadlineSeconds, at: clock.now(), policy: policy)
        return try await save(command, newSteps: 1, by: access.principal.auditName, role: user.role.rawValue, action: .create, client: client)
    }

    /// A second person's confirmation of a proposed command.
    func confirm(_ command: DeviceCommand, access: AccessControl, client: String?) async throws -> DeviceCommand {
        let user = try access.requireClinicalViewer()
        let (type, _) = try await target(command.device, access: access)
        guard let type else { throw VigilError(.unprocessable, "Device/\(command.device) no longer is of a type that takes commands") }
        var confirmed = command
        try confirmed.confirm(by: "user/\(user.username)", role: user.role, rule: try DeviceCommand.rule(command.name, of: type), at: clock.now())
        return try await save(confirmed, newSteps: 1, by: access.principal.auditName, role: user.role.rawValue, action: .update, client: client)
    }

    /// Withdraws a command not yet sent.
    func cancel(_ command: DeviceCommand, reason: String, access: AccessControl, client: String?) async throws -> DeviceCommand {
        let user = try access.requireClinicalViewer()
        var cancelled = command
        try cancelled.cancel(by: "user/\(user.username)", reason: reason, at: clock.now())
        return try await save(cancelled, newSteps: 1, by: access.principal.auditName, role: user.role.rawValue, action: .update, client: client)
    }

    /// A device's answer (`{"id","status","detail"}`, over MQTT or HTTP) to one of its commands.
    /// - Returns: the command after it; nil when the answer was a repeat or came too late (logged).
    /// - Throws: 400 for an answer that is not of this shape, 404 for a command that is not this device's.
    @discardableResult
    func answer(_ body: JSON, from device: String, client: String?) async throws -> DeviceCommand? {
        guard let id = body["id"]?.int64Value else { throw VigilError(.invalid, "an answer names its command: \"id\" (an integer)") }
        guard let status = body["status"]?.stringValue.flatMap(CommandState.init(rawValue:)), DeviceCommand.answers.contains(status) else {
            throw VigilError(.invalid, "an answer's \"status\" is delivered, accepted, rejected, completed or failed")
        }
        let detail = body["detail"]?.stringValue.map { String($0.prefix(500)) }
        // Read again when something else moved it on meanwhile (the clock resending it).
        for _ in 0..<3 {
            guard let command = try await store.command(id: id), command.device == device else {
                throw VigilError(.notFound, "Device/\(device) has no command \(id)")
            }
            var answered = command
            if let ignored = answered.answer(status, detail: detail, at: clock.now(), policy: policy) {
                logger.info("a device's answer was ignored", metadata: ["command": "\(id)", "why": "\(ignored)"])
                return nil
            }
            do {
                return try await save(
                    answered, newSteps: answered.history.count - command.history.count, by: "device/\(device)", role: "device", action: .update,
                    client: client)
            } catch let error as VigilError where error.code == .conflict {
                continue
            }
        }
        throw VigilError(.unavailable, "command \(id) kept changing; answer again")
    }

    /// The commands waiting for a device that fetches them over HTTP: each is marked delivered.
    func fetch(device: String, client: String?) async throws -> [DeviceCommand] {
        let now = clock.now()
        let waiting = try await store.commands(CommandQuery(device: device, states: [.requested, .sent, .delivered], limit: 100))
        var fetched: [DeviceCommand] = []
        for command in waiting.reversed() where command.deadline > now {
            var delivered = command
            delivered.fetched(at: now)
            guard delivered != command else {
                fetched.append(command)
                continue
            }
            do {
                fetched.append(try await save(delivered, newSteps: 1, by: "device/\(device)", role: "device", action: .read, client: client))
            } catch let error as VigilError where error.code == .conflict {
                if let current = try await store.command(id: command.id), current.state.isOutstanding { fetched.append(current) }
            }
        }
        return fetched
    }

    /// The device's type by the policy and the patient it is on; 404 for a device that does not
    /// exist or whose patient `access` may not see.
    private func target(_ device: String, access: AccessControl) async throws -> (CommandPolicy.DeviceType?, String?) {
        guard FHIRID.isValid(device), let stored = try await store.resource(.device, id: device), !stored.isDeleted else {
            throw VigilError(.notFound, "Device/\(device) does not exist")
        }
        let patient = try await directory.links(device: device).current
        if let patient, !access.canSee(patient: patient) { throw VigilError(.notFound, "Device/\(device) does not exist") }
        if patient == nil, access.scope != nil {
            throw VigilError(.forbidden, "Device/\(device) is on no patient: only commands to a patient's device are open to care roles")
        }
        return (policy.deviceType(codes: Self.typeCodes(stored.json)), patient)
    }

    /// Stores a command with its new steps, each write that adds steps with an audit event (one
    /// that only reschedules it has none).
    func save(
        _ command: DeviceCommand, newSteps: Int, by actor: String, role: String, action: AuditEvent.Action, client: String?
    ) async throws -> DeviceCommand {
        let last = command.history.last
        let event = AuditEvent(
            time: clock.now(), actor: actor, role: role, patient: command.patient, action: action,
            resource: command.id == 0 ? "Device/\(command.device)/commands" : "Command/\(command.id)", client: client,
            detail: "\(command.name) \(last?.state.rawValue ?? command.state.rawValue)")
        let change = Change(.command(command, newSteps: newSteps), audit: newSteps > 0 ? [event] : [])
        guard case .command(let stored) = try await writer.submit(change) else {
            throw VigilError(.internal, "the command was not stored")
        }
        return stored
    }
}
