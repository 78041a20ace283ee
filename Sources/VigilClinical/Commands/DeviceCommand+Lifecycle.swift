public import VigilCore

/// The lifecycle of a ``DeviceCommand``, as pure functions of the command, the policy and the time:
/// the server reads a command, moves it on here and stores it with the version it read.
extension DeviceCommand {
    /// A person's request for `name` on a device of `type`: refused with the reason when the type
    /// takes no such command, a value is outside the policy's limits, the deadline is too far or
    /// the person's role may not ask for it. A therapy change waits, `proposed`, for a second person.
    public static func request(
        _ name: String, parameters: [String: Double], device: String, type: CommandPolicy.DeviceType?, patient: String?, by user: String,
        role: Role, deadlineSeconds: Int?, at now: Int64, policy: CommandPolicy
    ) throws(VigilError) -> DeviceCommand {
        guard let type else {
            throw VigilError(.unprocessable, "Device/\(device) is of no type that takes commands (its Device.type names none the policy knows)")
        }
        let rule = try Self.rule(name, of: type)
        if let problem = rule.problem(with: parameters) { throw VigilError(.unprocessable, problem) }
        guard rule.roles.contains(role) else {
            throw VigilError(.forbidden, "a \(role.rawValue) may not ask for \(name) (\(rule.roles.map(\.rawValue).joined(separator: ", ")) may)")
        }
        let seconds = deadlineSeconds ?? policy.deadlineSeconds
        guard seconds > 0, seconds <= policy.maximumDeadlineSeconds else {
            throw VigilError(.unprocessable, "deadlineSeconds must be between 1 and \(policy.maximumDeadlineSeconds)")
        }
        let state: CommandState = rule.therapy ? .proposed : .requested
        let detail = rule.therapy ? "a therapy change: sent once a second person confirms it" : nil
        let deadline = now + Int64(seconds) * 1000
        return DeviceCommand(
            device: device, patient: patient, name: name, parameters: parameters, state: state, requestedBy: user, created: now,
            deadline: deadline, nextAttempt: state == .proposed ? deadline : now,
            history: [CommandStep(state, at: now, actor: user, detail: detail)])
    }

    /// A rule's proposal of `proposal` for the alert `alert` (its kind, `Alert/ID`).
    public static func propose(
        _ proposal: CommandPolicy.Proposal, alert: String, kind: String, device: String, patient: String, at now: Int64
    ) -> DeviceCommand {
        let state: CommandState = proposal.sendAtOnce ? .requested : .proposed
        let deadline = now + Int64(proposal.deadlineSeconds) * 1000
        return DeviceCommand(
            device: device, patient: patient, name: proposal.command, parameters: proposal.parameters, state: state, requestedBy: "rule/\(kind)",
            proposal: alert, created: now, deadline: deadline, nextAttempt: state == .proposed ? deadline : now,
            history: [
                CommandStep(
                    state, at: now, actor: "rule/\(kind)",
                    detail: proposal.sendAtOnce ? "proposed for \(alert) and sent at once by policy" : "proposed for \(alert): a person confirms it")
            ])
    }

    /// The command `name` of `type`, or 422 naming what it takes.
    public static func rule(_ name: String, of type: CommandPolicy.DeviceType) throws(VigilError) -> CommandPolicy.Rule {
        guard let rule = type.commands.first(where: { $0.name == name }) else {
            throw VigilError(.unprocessable, "a \(type.name) takes no \(name) (it takes \(type.commands.map(\.name).joined(separator: ", ")))")
        }
        return rule
    }

    /// Confirms a proposed command: by a person whose role may ask for it, and, for a person's
    /// request, not the one who asked.
    public mutating func confirm(by user: String, role: Role, rule: CommandPolicy.Rule, at now: Int64) throws(VigilError) {
        guard state == .proposed else { throw VigilError(.conflict, "command \(id) is \(state.rawValue): only a proposed command is confirmed") }
        guard now < deadline else { throw VigilError(.conflict, "command \(id) passed its deadline") }
        guard rule.roles.contains(role) else {
            throw VigilError(.forbidden, "a \(role.rawValue) may not confirm \(name) (\(rule.roles.map(\.rawValue).joined(separator: ", ")) may)")
        }
        guard user != requestedBy else { throw VigilError(.forbidden, "a second person confirms a therapy change, not the one who asked for it") }
        (state, confirmedBy, nextAttempt) = (.requested, user, now)
        history.append(CommandStep(.requested, at: now, actor: user, detail: "confirmed"))
    }

    /// Withdraws a command not yet sent.
    public mutating func cancel(by user: String, reason: String, at now: Int64) throws(VigilError) {
        guard state == .proposed || state == .requested else {
            throw VigilError(.conflict, "command \(id) is \(state.rawValue): only a command not yet sent is cancelled")
        }
        end(.cancelled, reason: reason, at: now, actor: user)
    }

    /// What the passing of time does to it at `now`: expires it past its deadline, fails it when
    /// the device never said it completed, sends it (again) when it is due and `canSend` (a broker
    /// is connected; otherwise it waits for the device to fetch it). True when it is to be sent now.
    public mutating func tick(at now: Int64, canSend: Bool, policy: CommandPolicy) -> Bool {
        guard !state.isFinal, now >= nextAttempt else { return false }
        if state.rank < CommandState.accepted.rank, now >= deadline {
            end(.expired, reason: "not accepted by its deadline: it will not be carried out", at: now, actor: "vigil")
            return false
        }
        switch state {
        case .accepted:
            end(.failed, reason: "the device did not say it completed within \(policy.completionSeconds) s of accepting", at: now, actor: "vigil")
            return false
        case .requested, .sent:
            guard canSend else {
                nextAttempt = deadline
                return false
            }
            attempts += 1
            state = .sent
            let wait = min(policy.resendSeconds << min(attempts - 1, 20), policy.resendAtMostSeconds)
            nextAttempt = min(now + Int64(wait) * 1000, deadline)
            history.append(CommandStep(.sent, at: now, actor: "vigil", detail: attempts == 1 ? nil : "sent again (attempt \(attempts))"))
            return true
        case .proposed, .delivered:
            nextAttempt = deadline
            return false
        default:
            return false
        }
    }

    /// The states a device answers with.
    public static let answers: Set<CommandState> = [.delivered, .accepted, .rejected, .completed, .failed]

    /// The device's answer (`delivered`, `accepted`, `rejected`, `completed` or `failed`). Nil when
    /// it moved the command on; otherwise why it was ignored (a repeat, a late answer, a command
    /// never sent): a command only moves forward.
    public mutating func answer(_ answer: CommandState, detail: String?, at now: Int64, policy: CommandPolicy) -> String? {
        let actor = "device/\(device)"
        guard Self.answers.contains(answer) else {
            return "\(answer.rawValue) is not an answer a device gives"
        }
        guard !state.isFinal else { return "command \(id) is already \(state.rawValue)" }
        guard state != .proposed else { return "command \(id) was never sent" }
        guard answer.rank > state.rank else { return "command \(id) is already \(state.rawValue)" }
        switch answer {
        case .delivered:
            state = .delivered
            nextAttempt = deadline
            history.append(CommandStep(.delivered, at: now, actor: actor, detail: detail))
        case .accepted:
            state = .accepted
            nextAttempt = now + Int64(policy.completionSeconds) * 1000
            history.append(CommandStep(.accepted, at: now, actor: actor, detail: detail))
        case .completed:
            if state != .accepted { history.append(CommandStep(.accepted, at: now, actor: actor)) }
            end(.completed, reason: nil, at: now, actor: actor, detail: detail)
        default:
            end(answer, reason: detail ?? "the device said \(answer.rawValue)", at: now, actor: actor)
        }
        return nil
    }

    /// The device fetched it over HTTP (devices that poll).
    public mutating func fetched(at now: Int64) {
        guard state.isOutstanding, state != .delivered else { return }
        if state == .requested { attempts += 1 }
        state = .delivered
        nextAttempt = deadline
        history.append(CommandStep(.delivered, at: now, actor: "device/\(device)", detail: "fetched"))
    }

    private mutating func end(_ final: CommandState, reason: String?, at now: Int64, actor: String, detail: String? = nil) {
        (state, self.reason, nextAttempt) = (final, reason, now)
        history.append(CommandStep(final, at: now, actor: actor, detail: detail ?? reason))
    }
}
