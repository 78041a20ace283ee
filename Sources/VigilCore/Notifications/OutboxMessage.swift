/// A notification to deliver outside the server (a webhook call, an e-mail, a text), written to
/// the outbox in the same transaction as the alert step it tells of, and delivered by a worker
/// until it is accepted or its time runs out. A crash between the two loses nothing: the message
/// is in the store, and is delivered after the restart.
public struct OutboxMessage: Sendable, Equatable {
    public enum Channel: String, Sendable, Codable, CaseIterable { case webhook, email, sms, pager }
    public enum State: String, Sendable, Codable { case pending, delivered, failed }

    /// 0 before it is stored.
    public var id: Int64
    /// Stable across retries and restarts, so that receivers de-duplicate by it; assigned when
    /// stored (`STEP:TARGET:CHANNEL`, STEP the id of the alert's history step).
    public var eventID: String
    /// 0 for a new alert, until stored.
    public var alert: Int64
    /// Before it is stored, the index of its step in ``AlertChange/history``.
    public var step: Int
    public var channel: Channel
    /// Who or what it goes to: `webhook/ID`, `user/NAME`.
    public var target: String
    /// A URL, an e-mail address, a number.
    public var address: String
    /// The content, JSON text; `"{alert}"` (with its quotes) stands for the alert's id until stored.
    public var payload: String
    public var created: Int64
    public var attempts: Int
    public var nextAttempt: Int64
    public var state: State
    public var lastError: String?

    public init(
        id: Int64 = 0, eventID: String = "", alert: Int64 = 0, step: Int, channel: Channel, target: String, address: String, payload: String,
        created: Int64, attempts: Int = 0, nextAttempt: Int64? = nil, state: State = .pending, lastError: String? = nil
    ) {
        (self.id, self.eventID, self.alert, self.step, self.channel, self.target, self.address, self.payload) =
            (id, eventID, alert, step, channel, target, address, payload)
        (self.created, self.attempts, self.nextAttempt, self.state, self.lastError) = (created, attempts, nextAttempt ?? created, state, lastError)
    }
}

/// What became of one attempt to deliver an ``OutboxMessage``.
public struct DeliveryOutcome: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        /// Accepted by the receiver (`detail`: what it answered).
        case delivered(detail: String)
        /// Not accepted; tried again at `next`.
        case retry(next: Int64, error: String)
        /// Not accepted, and no more tries.
        case failed(error: String)
    }

    public var message: Int64
    public var alert: Int64
    public var at: Int64
    public var result: Result
    /// A step for the alert's history, when this outcome is one to show there.
    public var history: AlertHistoryEntry?

    public init(message: Int64, alert: Int64, at: Int64, result: Result, history: AlertHistoryEntry? = nil) {
        (self.message, self.alert, self.at, self.result, self.history) = (message, alert, at, result, history)
    }
}
