public import VigilCore

/// The alert lifecycle as a value-type state machine: events go in with the time, the new alert
/// and its transitions come out. Nothing here reads a clock or does I/O.
///
/// `active` (raised and notified) → `acknowledged` (by a named person) → `resolved` (the condition
/// cleared, with an all-clear, or a person resolved it with a reason). While nobody acknowledges,
/// the alert is re-notified and, after the policy's time, escalated to the next level of the care
/// team. A worse condition upgrades the priority, re-activates an acknowledged alert and notifies
/// again. Priority is never lowered while the alert is open (it latches).
public enum AlertLifecycle {
    public enum Event: Sendable, Equatable {
        /// The condition began.
        case raise(AlertCondition)
        /// The condition still holds, possibly worse.
        case update(AlertCondition)
        /// The condition cleared.
        case clear(values: JSON)
        case acknowledge(by: String)
        case resolve(by: String, reason: String)
        /// Time passed; due re-notifications and escalations happen.
        case tick
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
        schedule(&alert, from: now, policy: policy, escalation: true)
        return (alert, [Transition(kind: .raised, at: now, notifyLevel: 0, detail: condition.message)])
    }

    /// Applies `event` to an open alert.
    /// - Throws: ``Refusal`` for an acknowledgement or resolution of a resolved alert, or a raise
    ///   (callers raise new alerts with ``raise(_:patient:now:policy:)``).
    public static func apply(_ event: Event, to alert: Alert, now: Int64, policy: EscalationPolicy) throws(Refusal) -> (Alert, [Transition]) {
        var alert = alert
        guard alert.isOpen else { throw Refusal(reason: "the alert is resolved") }
        switch event {
        case .raise(let condition), .update(let condition):
            alert.values = condition.values
            alert.message = condition.message
            alert.updated = now
            guard condition.priority > alert.priority else {
                return (alert, [Transition(kind: .updated, at: now)])
            }
            alert.priority = condition.priority
            alert.status = .active
            schedule(&alert, from: now, policy: policy, escalation: true)
            return (alert, [Transition(kind: .upgraded, at: now, notifyLevel: alert.escalation, detail: "priority \(condition.priority.rawValue)")])
        case .clear(let values):
            alert.values = values
            alert.status = .resolved
            alert.updated = now
            alert.resolution = Alert.Resolution(by: nil, reason: "the condition cleared", at: now)
            alert.nextRenotify = nil
            alert.nextEscalation = nil
            return (alert, [Transition(kind: .resolved, at: now, notifyLevel: alert.escalation, allClear: true, detail: "the condition cleared")])
        case .acknowledge(let by):
            if !alert.acknowledgements.contains(where: { $0.by == by }) {
                alert.acknowledgements.append(Alert.Acknowledgement(by: by, at: now))
            }
            alert.status = .acknowledged
            alert.updated = now
            alert.nextEscalation = nil
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
            if let due = alert.nextEscalation, due <= now, alert.status == .active, alert.escalation + 1 < policy.levels.count {
                alert.escalation += 1
                alert.updated = now
                schedule(&alert, from: now, policy: policy, escalation: true)
                transitions.append(Transition(kind: .escalated, at: now, notifyLevel: alert.escalation, detail: "level \(alert.escalation)"))
            } else if let due = alert.nextEscalation, due <= now {
                alert.nextEscalation = nil
            }
            if let due = alert.nextRenotify, due <= now, transitions.isEmpty {
                schedule(&alert, from: now, policy: policy, escalation: false)
                transitions.append(
                    Transition(kind: .renotified, at: now, notifyLevel: alert.escalation, except: alert.acknowledgements.map(\.by))
                )
            }
            return (alert, transitions)
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
