/// What one group commit writes: readings (duplicates skipped), quarantined readings (duplicates
/// skipped) and audit events, in one transaction.
public struct IngestCommit: Sendable, Equatable {
    public var readings: [Reading]
    public var quarantine: [QuarantineEntry]
    public var audit: [AuditEvent]
    /// Per device, how many of its quarantined readings were dated ahead of the server's clock:
    /// not stored, told to the analysis (the device's clock-skew alert).
    public var clockAhead: [String: Int]

    public init(readings: [Reading] = [], quarantine: [QuarantineEntry] = [], audit: [AuditEvent] = [], clockAhead: [String: Int] = [:]) {
        self.readings = readings
        self.quarantine = quarantine
        self.audit = audit
        self.clockAhead = clockAhead
    }

    public var isEmpty: Bool { readings.isEmpty && quarantine.isEmpty && audit.isEmpty }

    /// Appends another commit's contents; returns the offset of its readings in this one.
    @discardableResult
    public mutating func append(_ other: IngestCommit) -> Int {
        let offset = readings.count
        readings.append(contentsOf: other.readings)
        quarantine.append(contentsOf: other.quarantine)
        audit.append(contentsOf: other.audit)
        clockAhead.merge(other.clockAhead, uniquingKeysWith: +)
        return offset
    }
}

/// What a group commit did.
public struct IngestCommitResult: Sendable, Equatable {
    /// For each reading of the commit, in order: its id when stored, nil when it was a duplicate.
    public var ids: [Int64?]
    /// The audit chain's head after the commit, when the commit held audit events.
    public var auditHead: AuditHead?

    public init(ids: [Int64?], auditHead: AuditHead?) {
        self.ids = ids
        self.auditHead = auditHead
    }

    /// For each reading: stored (true) or a duplicate (false).
    public var inserted: [Bool] { ids.map { $0 != nil } }
}
