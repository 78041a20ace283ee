import VigilClinical
import VigilCore

/// The alerts of one simulated patient on the virtual clock: the engine's conditions carried
/// through ``AlertLifecycle`` exactly as the server does (one open alert per condition key), the
/// staff acknowledging as ``StaffModel`` says, and a record of each alert for the report.
struct AlertLedger {
    /// A condition an alert named: its kind, the highest priority it had, when it was first named.
    struct Named: Sendable {
        var kind: String
        var priority: Priority
        var first: Int64
    }

    /// One alert's life, as the report counts it.
    struct Record: Sendable {
        var raised: Int64
        var key: String
        /// A clinical alert (from the rules), or a technical one (a device).
        var clinical: Bool
        var highest: Priority
        /// The conditions it named, by condition key (`news2`, `threshold:spo2-low`).
        var named: [String: Named] = [:]
        var firstHigh: Int64?
        var renotifications = 0
        var escalations = 0
        var resolved: Int64?
    }

    let policy: EscalationPolicy
    let staff: StaffModel
    private(set) var records: [Record] = []
    private var open: [String: (alert: Alert, record: Int)] = [:]
    /// Acknowledgements due: when, by whom, at which level, for which alert key.
    private var due: [(at: Int64, by: String, level: Int, key: String)] = []

    init(policy: EscalationPolicy, staff: StaffModel) {
        self.policy = policy
        self.staff = staff
    }

    /// Carries out what the engine (clinical) or a device monitor (technical) said at `now`.
    mutating func apply(_ outputs: [EngineOutput], clinical: Bool, now: Int64) {
        for output in outputs {
            switch output {
            case .score: continue
            case .raise(let condition), .worsen(let condition):
                if let current = open[condition.key] {
                    let event: AlertLifecycle.Event = if case .worsen = output { .worsen(condition) } else { .update(condition) }
                    step(condition.key, current, event, now: now)
                } else {
                    let (alert, transitions) = AlertLifecycle.raise(condition, patient: "p", now: now, policy: policy)
                    var record = Record(raised: now, key: condition.key, clinical: clinical, highest: condition.priority)
                    record.firstHigh = condition.priority == .high ? now : nil
                    Self.name(condition, in: &record, at: now)
                    records.append(record)
                    open[condition.key] = (alert, records.count - 1)
                    notice(transitions, key: condition.key, now: now)
                }
            case .update(let condition):
                if let current = open[condition.key] { step(condition.key, current, .update(condition), now: now) }
            case .clear(let key, let values):
                if let current = open[key] { step(key, current, .clear(values: values), now: now) }
            }
        }
    }

    /// Time passed: acknowledgements that are due, then re-notifications and escalations.
    mutating func tick(now: Int64) {
        let ready = due.filter { $0.at <= now }
        due.removeAll { $0.at <= now }
        for ack in ready {
            guard let current = open[ack.key], !current.alert.acknowledgements.contains(where: { $0.by == ack.by }) else { continue }
            step(ack.key, current, .acknowledge(by: ack.by, level: ack.level), now: now)
        }
        for key in open.keys.sorted() {
            guard let current = open[key], (current.alert.nextDue ?? .max) <= now else { continue }
            step(key, current, .tick, now: now)
        }
    }

    private mutating func step(_ key: String, _ current: (alert: Alert, record: Int), _ event: AlertLifecycle.Event, now: Int64) {
        guard let (alert, transitions) = try? AlertLifecycle.apply(event, to: current.alert, now: now, policy: policy) else { return }
        var record = records[current.record]
        record.highest = max(record.highest, alert.priority)
        if alert.priority == .high, record.firstHigh == nil { record.firstHigh = now }
        switch event {
        case .raise(let c), .update(let c), .worsen(let c): Self.name(c, in: &record, at: now)
        default: break
        }
        record.renotifications += transitions.count { $0.kind == .renotified }
        record.escalations += transitions.count { $0.kind == .escalated }
        if !alert.isOpen {
            record.resolved = now
            open[key] = nil
            due.removeAll { $0.key == key }
        } else {
            open[key] = (alert, current.record)
        }
        records[current.record] = record
        notice(transitions, key: key, now: now)
    }

    /// The people a transition tells acknowledge it in their time (once each until an upgrade
    /// clears their acknowledgement).
    private mutating func notice(_ transitions: [AlertTransition], key: String, now: Int64) {
        for transition in transitions {
            guard let level = transition.notifyLevel, !transition.allClear else { continue }
            for person in staff.people where person.level <= level && !transition.except.contains(person.name) {
                guard !due.contains(where: { $0.key == key && $0.by == person.name }) else { continue }
                due.append((now + Int64(person.minutes * 60_000), person.name, person.level, key))
            }
        }
    }

    /// Notes the conditions an alert names: an episode's open conditions, or the condition itself.
    private static func name(_ condition: AlertCondition, in record: inout Record, at now: Int64) {
        let listed = (condition.values["conditions"]?.arrayValue ?? []).compactMap { item -> (String, String, Priority)? in
            guard let key = item["condition"]?.stringValue, let kind = item["kind"]?.stringValue,
                let priority = item["priority"]?.stringValue.flatMap(Priority.init(rawValue:))
            else { return nil }
            return (key, kind, priority)
        }
        for (key, kind, priority) in listed.isEmpty ? [(condition.key, condition.kind, condition.priority)] : listed {
            let earlier = record.named[key]
            record.named[key] = Named(kind: kind, priority: max(priority, earlier?.priority ?? priority), first: earlier?.first ?? now)
        }
    }
}
