/// Which alerts to list.
public struct AlertQuery: Sendable, Equatable {
    public var statuses: Set<Alert.Status>?
    public var priorities: Set<Priority>?
    /// Only these patients' alerts (the requester's scope); nil for all.
    public var patients: Set<String>?
    public var patient: String?
    public var kind: String?
    /// Raised at or after this time.
    public var since: Int64?
    /// Only alerts with an id below this: the next page of a listing, newest first.
    public var before: Int64?
    public var limit: Int

    public init(
        statuses: Set<Alert.Status>? = nil, priorities: Set<Priority>? = nil, patients: Set<String>? = nil, patient: String? = nil,
        kind: String? = nil, since: Int64? = nil, before: Int64? = nil, limit: Int = 500
    ) {
        self.before = before
        self.statuses = statuses
        self.priorities = priorities
        self.patients = patients
        self.patient = patient
        self.kind = kind
        self.since = since
        self.limit = limit
    }
}

/// One stored step of an alert's history: a transition or a comment, with who was notified.
public struct AlertHistoryEntry: Sendable, Equatable {
    public var kind: AlertTransition.Kind
    public var at: Int64
    /// `user/NAME`, or nil for the rules and the clock.
    public var actor: String?
    public var detail: String?
    /// The people notified by this step (`user/NAME`).
    public var recipients: [String]

    public init(kind: AlertTransition.Kind, at: Int64, actor: String?, detail: String?, recipients: [String]) {
        self.kind = kind
        self.at = at
        self.actor = actor
        self.detail = detail
        self.recipients = recipients
    }
}

/// When a device last uploaded, and the upload before (the store keeps both so that a device's
/// cadence is known again after a restart).
public struct DeviceActivity: Sendable, Equatable {
    public var device: String
    /// The patient of its last upload.
    public var patient: String
    public var lastReceived: Int64
    public var previousReceived: Int64?

    public init(device: String, patient: String, lastReceived: Int64, previousReceived: Int64?) {
        self.device = device
        self.patient = patient
        self.lastReceived = lastReceived
        self.previousReceived = previousReceived
    }
}
