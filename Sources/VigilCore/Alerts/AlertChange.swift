/// One alert to store with the history steps that led to it and their audit events. `{alert}` in
/// an audit event's resource stands for the alert's id (assigned when a new alert is stored).
public struct AlertChange: Sendable, Equatable {
    /// A new alert when its id is 0.
    public var alert: Alert
    public var history: [AlertHistoryEntry]
    public var audit: [AuditEvent]
    /// Notifications of its steps to deliver outside the server, written with them.
    public var messages: [OutboxMessage]
    /// The `updated` time of the stored state it follows: the store refuses it (conflict) when the
    /// alert changed since (on another node, several on one database). Nil: whatever is stored.
    public var follows: Int64?

    public init(alert: Alert, history: [AlertHistoryEntry], audit: [AuditEvent], messages: [OutboxMessage] = [], follows: Int64? = nil) {
        self.alert = alert
        self.history = history
        self.audit = audit
        self.messages = messages
        self.follows = follows
    }
}
