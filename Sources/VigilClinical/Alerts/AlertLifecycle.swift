public import VigilCore

/// The alert lifecycle as a value-type state machine: events go in with the time, the new alert
/// and its transitions come out. Nothing here reads a clock or does I/O.
///
/// `active` (raised and notified) → `acknowledged` (by a named person) → `resolved` (the condition
/// cleared, with an all-clear, or a person resolved it with a reason). A new alert tells the levels
/// of the care team its priority calls for at once (``EscalationPolicy/firstLevel(kind:priority:)``);
/// until someone at the answering level acknowledges, those told who have not acknowledged are
/// re-notified, and it escalates level by level, adding people, up to the last resort. A condition that gets
/// worse within its priority tells everyone again; a higher priority upgrades the alert, clears
/// earlier acknowledgements and tells the levels the new priority calls for. Priority is never
/// lowered while the alert is open (it latches).
public enum AlertLifecycle {
    public enum Event: Sendable, Equatable {
        /// The condition began.
        case raise(AlertCondition)
        /// The condition still holds, with new values.
        case update(AlertCondition)
        /// The condition got worse: a higher priority, or worse within it.
        case worsen(AlertCondition)
        /// The condition cleared.
        case clear(values: JSON)
        /// A person acknowledged, at an escalation level of the patient's care team (nil: none).
        case acknowledge(by: String, level: Int?)
        case resolve(by: String, reason: String)
        /// Time passed; due re-notifications and escalations happen.
        case tick
        /// Who is on duty for the alert changed (a shift ended): `from` hand it over to `to`, who
        /// are told with the handoff `record`; `staying` are on duty still. Acknowledgements of
        /// those going off duty no longer count; an alert not answered is reminded from now.
        case handOver(from: [String], to: [String], staying: [String], record: String)
        /// The alert escalates at once to `level` (unless it is there already), for `reason`:
        /// nobody is on duty at its levels, or notifications to someone keep failing.
        case escalateNow(to: Int, reason: String)
    }

    public typealias Transition = AlertTransition

    /// Refusals of events that do not apply to the alert as it is.
    public struct Refusal: Error, Sendable, Equatable {
        public var reason: String
    }

    /// A new alert for `condition` of `patient`, raised at `now`.
    public static func raise(_ condition: AlertCondition, patient: String, now: Int64, policy: EscalationPolicy) -> (Alert, [Transition]) {
        var alert = Alert(
            patient: patient, key: condition.key, kind: condition.kind, priority: condition.priority, raised: now, updated: now,
            message: condition.message, values: condition.values
        )
        alert.escalation = policy.firstLevel(kind: condition.kind, priority: condition.priority)
        schedule(&alert, from: now, policy: policy, escalation: true)
        return (alert, [Transition(kind: .raised, at: now, notifyLevel: alert.escalation, detail: condition.message)])
    }

    /// Whether someone at the level that answers the alert has acknowledged it.
    public static func isAnswered(_ alert: Alert, policy: EscalationPolicy) -> Bool {
        let level = policy.answeringLevel(kind: alert.kind, priority: alert.priority)
        return alert.acknowledgements.contains { ($0.level ?? -1) >= level }
    }

    /// Applies `event` to an open alert.
    /// - Throws: ``Refusal`` for an acknowledgement or resolution of a resolved alert, or a raise
    ///   (callers raise new alerts with ``raise(_:patient:now:policy:)``).
    public static func apply(_ event: Event, to alert: Alert, now: Int64, policy: EscalationPolicy) throws(Refusal) -> (Alert, [Transition]) {
        var alert = alert
        guard alert.isOpen else { throw Refusal(reason: "the alert is resolved") }
        switch event {
        case .raise(let condition), .update(let condition), .worsen(let condition):
            alert.values = condition.values
            alert.message = condition.message
            alert.kind = condition.priority >= alert.priority ? condition.kind : alert.kind
            alert.updated = now
            if condition.priority > alert.priority {
                alert.priority = condition.priority
                alert.status = .active
                alert.acknowledgements = []
                alert.escalation = max(alert.escalation, policy.firstLevel(kind: condition.kind, priority: condition.priority))
                schedule(&alert, from: now, policy: policy, escalation: true)
                return (alert, [Transition(kind: .upgraded, at: now, notifyLevel: alert.escalation, detail: condition.message)])
            }
            guard case .worsen = event else { return (alert, [Transition(kind: .updated, at: now)]) }
            return (alert, [Transition(kind: .worsened, at: now, notifyLevel: alert.escalation, detail: condition.message)])
        case .clear(let values):
            alert.values = values
            alert.status = .resolved
            alert.updated = now
            alert.resolution = Alert.Resolution(by: nil, reason: "the condition cleared", at: now)
            alert.nextRenotify = nil
            alert.nextEscalation = nil
            return (alert, [Transition(kind: .resolved, at: now, notifyLevel: alert.escalation, allClear: true, detail: "the condition cleared")])
        case .acknowledge(let by, let level):
            if !alert.acknowledgements.contains(where: { $0.by == by }) {
                alert.acknowledgements.append(Alert.Acknowledgement(by: by, at: now, level: level))
            }
            alert.status = .acknowledged
            alert.updated = now
            if isAnswered(alert, policy: policy) {
                alert.nextEscalation = nil
                alert.nextRenotify = nil
            }
            if policy.acknowledgementSilencesAll { alert.nextRenotify = nil }
            return (alert, [Transition(kind: .acknowledged, at: now, actor: by)])
        case .resolve(let by, let reason):
            alert.status = .resolved
            alert.updated = now
            alert.resolution = Alert.Resolution(by: by, reason: reason, at: now)
            alert.nextRenotify = nil
            alert.nextEscalation = nil
            return (alert, [Transition(kind: .resolved, at: now, actor: by, detail: reason)])
        case .tick:
            var transitions: [Transition] = []
            let acknowledged = alert.acknowledgements.map(\.by)
            if let due = alert.nextEscalation, due <= now, !isAnswered(alert, policy: policy), alert.escalation + 1 < policy.levels.count {
                alert.escalation += 1
                alert.updated = now
                schedule(&alert, from: now, policy: policy, escalation: true)
                transitions.append(
                    Transition(
                        kind: .escalated, at: now, notifyLevel: alert.escalation, except: acknowledged,
                        detail: "level \(alert.escalation): \(policy.levels[alert.escalation].name)"))
            } else if let due = alert.nextEscalation, due <= now {
                alert.nextEscalation = nil
            }
            if let due = alert.nextRenotify, due <= now, transitions.isEmpty {
                schedule(&alert, from: now, policy: policy, escalation: false)
                transitions.append(Transition(kind: .renotified, at: now, notifyLevel: alert.escalation, except: acknowledged))
            }
            return (alert, transitions)
        case .handOver(let from, _, let staying, let record):
            let wasAnswered = isAnswered(alert, policy: policy)
            alert.acknowledgements.removeAll { from.contains($0.by) }
            if alert.acknowledgements.isEmpty { alert.status = .active }
            alert.updated = now
            // Reminders start again from now; the escalation clock runs on, or starts again when
            // the alert was answered by someone who left.
            if !isAnswered(alert, policy: policy) { schedule(&alert, from: now, policy: policy, escalation: wasAnswered) }
            return (alert, [Transition(kind: .handedOver, at: now, notifyLevel: alert.escalation, except: staying, detail: record)])
        case .escalateNow(let level, let reason):
            guard level > alert.escalation, level < policy.levels.count else { return (alert, []) }
            alert.escalation = level
            alert.updated = now
            schedule(&alert, from: now, policy: policy, escalation: true)
            let detail = "level \(level): \(policy.levels[level].name); \(reason)"
            return (
                alert,
                [Transition(kind: .escalated, at: now, notifyLevel: level, except: alert.acknowledgements.map(\.by), detail: detail)]
            )
        }
    }

    private static func schedule(_ alert: inout Alert, from now: Int64, policy: EscalationPolicy, escalation: Bool) {
        alert.nextRenotify = policy.renotifySeconds[alert.priority].map { now + Int64($0) * 1000 }
        if escalation {
            alert.nextEscalation =
                alert.escalation + 1 < policy.levels.count ? policy.escalateSeconds[alert.priority].map { now + Int64($0) * 1000 } : nil
        }
    }
}
