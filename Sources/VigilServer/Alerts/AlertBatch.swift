import VigilCore

/// Alert changes gathered under the ``AlertCenter``'s lock and stored in one transaction: each
/// alert once, in its final state, with every transition it went through and the state after each
/// (to publish). A plain update (new values) is published and audited but is not a step of the
/// alert's history. A condition raised, cleared and raised again within one batch gives two alerts.
struct AlertBatch {
    struct Step {
        var transition: AlertTransition
        var entry: AlertHistoryEntry
        /// The alert as this step left it.
        var alert: Alert
    }

    private(set) var changes: [AlertChange] = []
    private(set) var steps: [[Step]] = []
    /// The change holding each condition's alert in this batch.
    private var index: [AlertCenter.OpenKey: Int] = [:]

    var isEmpty: Bool { changes.isEmpty }

    /// The condition's open alert as this batch has left it, if the batch changed it.
    func open(_ key: AlertCenter.OpenKey) -> Alert?? {
        guard let i = index[key] else { return nil }
        let alert = changes[i].alert
        return .some(alert.isOpen ? alert : nil)
    }

    /// The patients of the steps that notify someone.
    var patientsNotified: Set<String> {
        Set(steps.joined().filter { $0.transition.notifyLevel != nil }.map(\.alert.patient))
    }

    /// Gives every step, and the history entries they make, its recipients.
    mutating func address(_ recipients: (AlertTransition, _ patient: String) -> [String]) {
        for i in changes.indices {
            for j in steps[i].indices {
                steps[i][j].entry.recipients = recipients(steps[i][j].transition, steps[i][j].alert.patient)
            }
            changes[i].history = Self.history(steps[i])
        }
    }

    /// The history entries of `steps`: a plain update is not one.
    private static func history(_ steps: [Step]) -> [AlertHistoryEntry] {
        historySteps(steps).map(\.entry)
    }

    private static func historySteps(_ steps: [Step]) -> [Step] { steps.filter { $0.transition.kind != .updated } }

    /// The steps of change `i` that are in its history, in order (as ``AlertChange/history``).
    func historySteps(_ i: Int) -> [Step] { Self.historySteps(steps[i]) }

    /// Sets the outbox messages of change `i`.
    mutating func setMessages(_ messages: [OutboxMessage], of i: Int) { changes[i].messages = messages }

    /// Records the alert after `transitions`, with their history entries and audit events.
    /// - Parameter follows: the `updated` time of the stored state the alert was changed from (nil
    ///   for a new alert); kept from the first change of the alert in the batch.
    mutating func add(_ alert: Alert, _ steps: [Step], audit: [AuditEvent], follows: Int64?) {
        let key = AlertCenter.OpenKey(patient: alert.patient, key: alert.key)
        let history = Self.history(steps)
        if let i = index[key], changes[i].alert.isOpen {
            changes[i].alert = alert
            changes[i].history += history
            changes[i].audit += audit
            self.steps[i] += steps
        } else {
            index[key] = changes.count
            changes.append(AlertChange(alert: alert, history: history, audit: audit, follows: follows))
            self.steps.append(steps)
        }
    }
}
