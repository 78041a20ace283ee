import Logging
import Synchronization
import VigilClinical
public import VigilCore

/// Keeps every open alert, carries out the lifecycle (``AlertLifecycle``) on the rules' conditions,
/// on people's acknowledgements and resolutions, and on the clock (``EscalationClock``); finds who
/// to notify on the patient's care team, and hands every transition, audited and with its
/// ``Notice``s, to the ``ChangeWriter``.
///
/// Operations run one at a time (``AsyncLock``), so two conditions of one patient never race to
/// open the same alert. The conditions of one analysed commit are stored in one transaction
/// (``AlertBatch``).
public final class AlertCenter: Sendable {
    let store: any VigilStore
    let writer: ChangeWriter
    let clock: any VigilClock
    let policy: EscalationPolicy
    /// Who of a patient's care team is told, and when they are on duty.
    let rosters: CareTeamRosters
    /// Who outside the server is told of every step (outbox messages written with the step).
    let webhooks: WebhookDirectory
    let logger: Logger
    private let lock = AsyncLock()
    /// Open alerts by patient and condition.
    private let open = Mutex<[OpenKey: Alert]>([:])
    private let loaded = Mutex(false)
    /// Who held each open alert when last seen.
    private let watch = Mutex(DutyWatch())

    struct OpenKey: Hashable {
        var patient: String
        var key: String
    }

    init(
        store: any VigilStore, writer: ChangeWriter, clock: any VigilClock, policy: EscalationPolicy, rosters: CareTeamRosters,
        webhooks: WebhookDirectory, logger: Logger
    ) {
        self.store = store
        self.writer = writer
        self.clock = clock
        self.policy = policy
        self.rosters = rosters
        self.webhooks = webhooks
        self.logger = logger
    }

    /// Loads the open alerts from the store, once.
    func load() async throws {
        guard !loaded.withLock({ $0 }) else { return }
        let alerts = try await store.openAlerts()
        open.withLock { table in
            for alert in alerts where table[OpenKey(patient: alert.patient, key: alert.key)] == nil {
                table[OpenKey(patient: alert.patient, key: alert.key)] = alert
            }
        }
        loaded.withLock { $0 = true }
    }

    /// Open alerts, of some patients or all.
    public func openAlerts(patients: Set<String>? = nil) -> [Alert] {
        open.withLock { table in
            table.values.filter { patients?.contains($0.patient) ?? true }.sorted { $0.id < $1.id }
        }
    }

    func openAlert(patient: String, key: String) -> Alert? {
        open.withLock { $0[OpenKey(patient: patient, key: key)] }
    }

    /// Acts on what the rules say about patients' conditions, storing every change, and the records
    /// derived with them, in one transaction.
    func handle(_ outputs: [(patient: String, output: EngineOutput)], along records: DerivedRecords = DerivedRecords()) async {
        guard !outputs.isEmpty || !records.isEmpty else { return }
        do {
            try await lock.withLock {
                try await againOnConflict {
                    let now = clock.now()
                    var batch = AlertBatch()
                    for (patient, output) in outputs {
                        let key = OpenKey(patient: patient, key: output.key)
                        let current = batch.open(key) ?? openAlert(patient: patient, key: output.key)
                        switch (output, current) {
                        case (.raise(let condition), nil), (.worsen(let condition), nil):
                            // A condition that got worse after a person resolved its alert is a new alert.
                            let (alert, transitions) = AlertLifecycle.raise(condition, patient: patient, now: now, policy: policy)
                            add(alert, following: nil, transitions, to: &batch, actor: nil, client: nil)
                        case (.raise(let condition), let alert?), (.update(let condition), let alert?):
                            let (next, transitions) = try AlertLifecycle.apply(.update(condition), to: alert, now: now, policy: policy)
                            var sameButTime = next
                            sameButTime.updated = alert.updated
                            guard sameButTime != alert else { continue }
                            add(next, following: alert, transitions, to: &batch, actor: nil, client: nil)
                        case (.worsen(let condition), let alert?):
                            let (next, transitions) = try AlertLifecycle.apply(.worsen(condition), to: alert, now: now, policy: policy)
                            add(next, following: alert, transitions, to: &batch, actor: nil, client: nil)
                        case (.clear(_, let values), let alert?):
                            let (next, transitions) = try AlertLifecycle.apply(.clear(values: values), to: alert, now: now, policy: policy)
                            add(next, following: alert, transitions, to: &batch, actor: nil, client: nil)
                        default:
                            continue
                        }
                    }
                    try await commit(batch, along: records)
                }
            }
        } catch {
            logger.error("alerts not updated", metadata: ["conditions": "\(outputs.count)", "error": "\(error)"])
        }
    }

    /// A person acknowledges an alert, at their escalation level on the patient's care team.
    func acknowledge(_ id: Int64, by user: UserAccount, client: String?) async throws -> Alert {
        try await load()
        // Only an open alert can be acknowledged (``change(_:_:by:client:)`` says why otherwise).
        var level: Int?
        if let alert = open.withLock({ $0.values.first { $0.id == id } }) {
            // Public health answers the alerts about places: theirs is the answering level.
            level =
                alert.isPublicHealth
                ? (user.role == .publicHealth ? policy.answeringLevel(kind: alert.kind, priority: alert.priority) : nil)
                : rosters.level(of: user, team: try await store.careTeam(patient: alert.patient, at: clock.now()))
        }
        return try await change(id, .acknowledge(by: "user/\(user.username)", level: level), by: user, client: client)
    }

    /// A person resolves an alert, with a reason.
    func resolve(_ id: Int64, reason: String, by user: UserAccount, client: String?) async throws -> Alert {
        try await change(id, .resolve(by: "user/\(user.username)", reason: reason), by: user, client: client)
    }

    /// A person comments on an alert (open or not).
    func comment(_ id: Int64, text: String, by user: UserAccount, client: String?) async throws -> AlertHistoryEntry {
        try await lock.withLock {
            guard let alert = try await store.alert(id: id) else { throw VigilError(.notFound, "alert \(id) was not found") }
            let now = clock.now()
            let entry = AlertHistoryEntry(kind: .commented, at: now, actor: "user/\(user.username)", detail: text, recipients: [])
            let audit = auditEvent(alert, .update, actor: .user(user), client: client, detail: "comment")
            let notice = AlertNotice(transition: .commented, by: "user/\(user.username)", alert: alert, text: text)
            var batch = AlertBatch()
            let transition = AlertTransition(kind: .commented, at: now, actor: entry.actor, detail: text)
            batch.add(alert, [AlertBatch.Step(transition: transition, entry: entry, alert: alert)], audit: [audit], follows: alert.updated)
            batch.addMessages(webhooks: try await webhooks.webhooks(), people: [:], at: now)
            try await writer.submit(Change(.alerts(batch.changes, derived: []), notices: [.alert(notice)]))
            return entry
        }
    }

    private func change(_ id: Int64, _ event: AlertLifecycle.Event, by user: UserAccount, client: String?) async throws -> Alert {
        try await load()
        return try await lock.withLock {
            try await againOnConflict {
                guard let alert = open.withLock({ $0.values.first { $0.id == id } }) else {
                    if try await store.alert(id: id) != nil { throw VigilError(.conflict, "alert \(id) is resolved") }
                    throw VigilError(.notFound, "alert \(id) was not found")
                }
                do {
                    let (next, transitions) = try AlertLifecycle.apply(event, to: alert, now: clock.now(), policy: policy)
                    var batch = AlertBatch()
                    add(next, following: alert, transitions, to: &batch, actor: .user(user), client: client)
                    return try await commit(batch)[0]
                } catch let refusal as AlertLifecycle.Refusal {
                    throw VigilError(.conflict, refusal.reason)
                }
            }
        }
    }

    /// Escalates an open alert not yet answered to its next level at once, for `reason`
    /// (notifications to someone keep failing).
    func escalate(_ id: Int64, because reason: String) async {
        do {
            try await lock.withLock {
                guard let alert = open.withLock({ $0.values.first { $0.id == id } }), !AlertLifecycle.isAnswered(alert, policy: policy)
                else { return }
                let (next, transitions) = try AlertLifecycle.apply(
                    .escalateNow(to: alert.escalation + 1, reason: reason), to: alert, now: clock.now(), policy: policy)
                guard !transitions.isEmpty else { return }
                var batch = AlertBatch()
                add(next, following: alert, transitions, to: &batch, actor: nil, client: nil)
                try await commit(batch)
            }
        } catch {
            logger.error("alert not escalated", metadata: ["alert": "\(id)", "error": "\(error)"])
        }
    }

    /// Re-notifies and escalates what is due, and hands alerts over when who is on duty for them
    /// changed (``DutyWatch``).
    func tick() async {
        let now = clock.now()
        let patients = open.withLock { Set($0.values.map(\.patient)) }
        guard !patients.isEmpty else { return }
        do {
            // Read before the lock, mostly from the rosters' cache, so that the rules never wait for it.
            let rosters = try await rosters.current(patients: patients.subtracting([Alert.noPatient]))
            try await lock.withLock {
                let alerts = open.withLock { $0.values.sorted { $0.id < $1.id } }
                let staffing = watch.withLock { watch in
                    watch.keep(Set(alerts.map(\.id)))
                    return alerts.reduce(into: [Int64: DutyWatch.Staffing]()) { staffing, alert in
                        guard let roster = rosters[alert.patient] else { return }
                        staffing[alert.id] = watch.staffing(of: alert, roster: roster, at: now, policy: policy)
                    }
                }
                var batch = AlertBatch()
                for alert in alerts {
                    var events: [AlertLifecycle.Event] = []
                    if let needed = staffing[alert.id] {
                        var record = ""
                        if let handoff = needed.handoff { record = handoff.record(of: alert, history: try await store.alertHistory(id: alert.id)) }
                        events += needed.events(record: record)
                    }
                    if (alert.nextDue ?? .max) <= now { events.append(.tick) }
                    var next = alert
                    var transitions: [AlertTransition] = []
                    for event in events {
                        let (changed, steps) = try AlertLifecycle.apply(event, to: next, now: now, policy: policy)
                        (next, transitions) = (changed, transitions + steps)
                    }
                    guard !transitions.isEmpty || next != alert else { continue }
                    add(next, following: alert, transitions, to: &batch, actor: nil, client: nil)
                }
                try await commit(batch)
            }
        } catch {
            logger.error("alert tick failed", metadata: ["error": "\(error)"])
        }
    }

    /// Adds an alert's transitions to a batch, with their audit events (``commit(_:along:)`` finds
    /// their recipients).
    private func add(
        _ alert: Alert, following previous: Alert?, _ transitions: [AlertTransition], to batch: inout AlertBatch, actor: Principal?, client: String?
    ) {
        // Every stored change moves `updated` on, so that the store tells a change that follows an
        // older state apart (``AlertChange/follows``) even within one millisecond.
        var alert = alert
        if let previous, previous.id != 0, alert.updated <= previous.updated { alert.updated = previous.updated + 1 }
        var steps: [AlertBatch.Step] = []
        for transition in transitions {
            let entry = AlertHistoryEntry(
                kind: transition.kind, at: transition.at, actor: transition.actor, detail: transition.detail, recipients: [])
            steps.append(AlertBatch.Step(transition: transition, entry: entry, alert: alert))
        }
        let audit = transitions.map {
            auditEvent(alert, $0.kind == .raised ? .create : .update, actor: actor, client: client, detail: $0.kind.rawValue)
        }
        batch.add(alert, steps, audit: audit, follows: previous.flatMap { $0.id == 0 ? nil : $0.updated })
    }

    /// Runs `body` (under the lock), and once more when the store refused what it wrote because
    /// another node changed one of the alerts meanwhile, or opened the same condition's alert
    /// first: by then ``commit(_:along:)`` has read the open alerts again.
    private func againOnConflict<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch is StaleAlerts {
            do {
                return try await body()
            } catch let stale as StaleAlerts {
                throw stale.error
            }
        }
    }

    /// The store refused a batch: another node changed one of its alerts, or opened one of its
    /// conditions' alert, first.
    private struct StaleAlerts: Error, CustomStringConvertible {
        let error: VigilError
        var description: String { error.message }
    }

    /// Finds who each step notifies, stores the batch in one change, with the records derived
    /// along and a notice of every step, and updates the open set. Called under the lock.
    @discardableResult
    private func commit(_ batch: AlertBatch, along records: DerivedRecords = DerivedRecords()) async throws -> [Alert] {
        guard !batch.isEmpty || !records.isEmpty else { return [] }
        var batch = batch
        let audience = try await audience(batch.patientsNotified)
        batch.address { transition, patient in recipients(of: transition, patient: patient, audience: audience) }
        batch.addMessages(webhooks: try await webhooks.webhooks(), people: try await rosters.preferences(), at: clock.now())
        var notices = records.notices
        for (index, (change, steps)) in zip(batch.changes, batch.steps).enumerated() {
            for step in steps {
                var state = step.alert
                state.id = change.alert.id
                notices.append(
                    .alert(
                        AlertNotice(
                            transition: step.transition.kind, by: step.transition.actor, alert: state, recipients: step.entry.recipients,
                            level: step.transition.notifyLevel ?? 0, allClear: step.transition.allClear, index: change.alert.id == 0 ? index : nil)))
            }
        }
        let change = Change(.alerts(batch.changes, derived: records.writes), audit: records.audit, notices: notices)
        let applied: Applied
        do {
            applied = try await writer.submit(change)
        } catch let error as VigilError where error.code == .conflict {
            // Another node changed an alert or opened a condition's alert first: read them again.
            let current = try await store.openAlerts()
            open.withLock { table in
                table = Dictionary(current.map { (OpenKey(patient: $0.patient, key: $0.key), $0) }, uniquingKeysWith: { first, _ in first })
            }
            throw StaleAlerts(error: error)
        }
        // The open set follows the commit's announcement (``committed(_:)``), before this returns.
        guard case .alerts(let stored) = applied else { return [] }
        return stored
    }

    /// Keeps alerts in the open set as stored: open ones in, closed ones out, unless the set
    /// holds a later state of the same alert.
    func keep(_ stored: [Alert]) {
        open.withLock { table in
            for alert in stored {
                let key = OpenKey(patient: alert.patient, key: alert.key)
                if let held = table[key], held.id == alert.id, held.updated > alert.updated { continue }
                if alert.isOpen { table[key] = alert } else if table[key]?.id == alert.id { table[key] = nil }
            }
        }
    }

    /// Who an operation may notify, read once for all the alerts it touches: the rosters of their
    /// patients' care teams now, and for alerts about places the accounts.
    private struct Audience {
        var rosters: [String: DutyRoster]
        var users: [UserAccount]
    }

    private func audience(_ patients: Set<String>) async throws -> Audience {
        guard !patients.isEmpty, !policy.levels.isEmpty else { return Audience(rosters: [:], users: []) }
        let rosters = try await rosters.current(patients: patients.subtracting([Alert.noPatient]))
        return Audience(rosters: rosters, users: patients.contains(Alert.noPatient) ? try await self.rosters.users() : [])
    }

    /// The people a transition notifies: those on duty at levels 0 through its level on the
    /// patient's care teams (``DutyRoster``), less those it excepts; for an alert about a place,
    /// every public-health officer.
    private func recipients(of transition: AlertTransition, patient: String, audience: Audience) -> [String] {
        guard let notifyLevel = transition.notifyLevel else { return [] }
        let told: [String]
        if patient == Alert.noPatient {
            told = audience.users.filter { !$0.disabled && $0.role == .publicHealth }.map { "user/\($0.username)" }
        } else {
            guard let roster = audience.rosters[patient] else { return [] }
            told = roster.duties(at: transition.at).filter { $0.onDuty && $0.level <= notifyLevel }.map(\.account)
        }
        return told.filter { !transition.except.contains($0) }.sorted()
    }

    private func auditEvent(_ alert: Alert, _ action: AuditEvent.Action, actor: Principal?, client: String?, detail: String) -> AuditEvent {
        AuditEvent(
            time: clock.now(), actor: actor?.auditName ?? "system/rules", role: actor?.roleName ?? "rules",
            patient: alert.isPublicHealth ? nil : alert.patient, action: action,
            resource: alert.id == 0 ? "Alert/{alert}" : "Alert/\(alert.id)", client: client, detail: detail
        )
    }
}

extension EngineOutput {
    /// The condition key this output is about.
    var key: String {
        switch self {
        case .raise(let condition), .update(let condition), .worsen(let condition): condition.key
        case .clear(let key, _): key
        case .score(let record): record.kind.rawValue
        }
    }
}
