/// One thing to write, with the audit events that record it: the only way anything is written.
///
/// The server's `ChangeWriter` gathers changes from every writer (devices, FHIR clients, people,
/// the rules) and hands them to ``VigilStore/apply(_:sealer:)`` in group transactions.
public struct Change: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// Device readings and quarantine entries (duplicates skipped).
        case readings(IngestCommit)
        /// FHIR resources, all or nothing.
        case resources([ResourceWrite])
        /// Alerts (new ones when their id is 0) with their history, and the records the rules
        /// derived with them (score Observations). ``Notice``s of new alerts name them by their
        /// index here until they are stored.
        case alerts([AlertChange], derived: [ResourceWrite])
        /// A new account; fails with ``VigilError/Code/conflict`` when the username is taken.
        case addUser(UserAccount)
        /// An account's role, fhirUser, password hash, disabled flag and sign-in generation.
        case updateUser(UserAccount)
        /// A device credential: the SHA-256 of its token and the token's broker password hash.
        case addCredential(device: String, tokenHash: [UInt8], brokerHash: String?, at: Int64)
        /// Revokes a device's credentials (all, or the one with `id`).
        case revokeCredentials(device: String, id: Int64?, at: Int64)
        /// Erases location pings (consent withdrawn, retention over).
        case erasePings(PingErasure)
        /// What became of attempts to deliver outbox messages, with the alert history steps they add.
        case deliveries([DeliveryOutcome])
        /// A new webhook.
        case addWebhook(Webhook)
        /// Removes a webhook; its pending messages are dropped as failed.
        case removeWebhook(id: Int64, at: Int64)
        /// A device command, new (id 0) or moved on from the ``DeviceCommand/version`` it was read
        /// at, with its last `newSteps` history steps to add. Fails with
        /// ``VigilError/Code/conflict`` when it changed since it was read, or when a rule proposed
        /// the same command for the same alert before.
        case command(DeviceCommand, newSteps: Int)
        /// Nothing but its audit events (reads, backups).
        case audit
    }

    public var content: Content
    public var audit: [AuditEvent]
    /// What to announce once it is stored (scores, alert transitions, notifications).
    public var notices: [Notice]

    public init(_ content: Content, audit: [AuditEvent] = [], notices: [Notice] = []) {
        self.content = content
        self.audit = audit
        self.notices = notices
    }

    /// Audit events alone.
    public static func audit(_ events: [AuditEvent]) -> Change { Change(.audit, audit: events) }

    /// Whether it can fail on its own (a conflict, a missing row): the store then keeps it in a
    /// savepoint, so that it fails alone and its neighbours in the transaction are stored.
    public var mayFail: Bool {
        switch content {
        case .readings, .audit, .erasePings: false
        default: true
        }
    }

    /// How much of the write queue it takes: its rows.
    public var weight: Int {
        var rows = audit.count
        switch content {
        case .readings(let batch): rows += batch.readings.count + batch.screenings.count + batch.pings.count + batch.quarantine.count
        case .resources(let writes): rows += writes.count
        case .alerts(let changes, let derived): rows += changes.count + derived.count + changes.reduce(0) { $0 + $1.messages.count }
        case .deliveries(let outcomes): rows += outcomes.count
        default: rows += 1
        }
        return max(1, rows)
    }
}

/// What the store did with one ``Change``.
public enum Applied: Sendable, Equatable {
    /// For each reading, then each screening, then each ping, in order: its id (for a screening or a
    /// ping, 1) when stored, nil when it was a duplicate.
    case readings(ids: [Int64?])
    case resources([StoredResource])
    /// The alerts with their ids, in order.
    case alerts([Alert])
    case user(UserAccount)
    /// The new credential's id.
    case credential(Int64)
    /// How many credentials were active and are now revoked.
    case revoked(Int)
    /// How many pings were erased.
    case erased(Int)
    case webhook(Webhook)
    /// The command as stored, with its id and new version.
    case command(DeviceCommand)
    case audited
}

/// What one transaction of ``VigilStore/apply(_:sealer:)`` did: each change's outcome, in order,
/// and the audit chain's head after it.
public struct AppliedChanges: Sendable, Equatable {
    /// A change that failed on its own (``Change/mayFail``) left nothing behind.
    public var outcomes: [Result<Applied, VigilError>]
    /// The audit chain's head after the commit, when the commit appended to it.
    public var auditHead: AuditHead?

    public init(outcomes: [Result<Applied, VigilError>], auditHead: AuditHead?) {
        self.outcomes = outcomes
        self.auditHead = auditHead
    }
}
