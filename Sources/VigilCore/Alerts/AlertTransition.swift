/// One step of the alert's history, stored and audited, and published to those who may see it.
public struct AlertTransition: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        case raised, updated, upgraded, worsened, acknowledged, renotified, escalated, resolved, commented
        /// Those on duty for it changed: the outgoing handed it to the incoming, with a record.
        case handedOver = "handed-over"
        /// A notification outside the server was accepted by its receiver (history only).
        case delivered
        /// A notification outside the server could not be delivered (history only).
        case deliveryFailed = "delivery-failed"
    }

    public var kind: Kind
    public var at: Int64
    /// Who caused it: `user/NAME`, or nil for the rules and the clock.
    public var actor: String?
    /// The escalation level through which people are notified (levels 0 through it), when this
    /// notifies anyone.
    public var notifyLevel: Int?
    /// People not to notify again (they acknowledged).
    public var except: [String]
    /// An all-clear to everyone notified so far.
    public var allClear: Bool
    public var detail: String?

    public init(
        kind: Kind, at: Int64, actor: String? = nil, notifyLevel: Int? = nil, except: [String] = [], allClear: Bool = false, detail: String? = nil
    ) {
        self.kind = kind
        self.at = at
        self.actor = actor
        self.notifyLevel = notifyLevel
        self.except = except
        self.allClear = allClear
        self.detail = detail
    }
}
