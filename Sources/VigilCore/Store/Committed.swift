/// What one group commit stored, announced once after it is durable to everyone who keeps
/// derived state or tells people: the analysis, the care-team scope cache, the broker's accounts,
/// the live event hub. Plain values and `Codable`, so that it can cross to other nodes.
public struct Committed: Sendable, Equatable, Codable {
    /// The audit chain's head after the commit.
    public var auditHead: AuditHead?
    /// Readings stored (duplicates left out), with their ids.
    public var readings: [StoredReading] = []
    /// Screenings stored (duplicates left out).
    public var screenings: [ScreeningEvent] = []
    /// Per device, how many of its readings went to quarantine.
    public var refused: [String: Int] = [:]
    /// Per device, how many of those were dated ahead of the server's clock.
    public var clockAhead: [String: Int] = [:]
    /// The newest receive time of the readings and quarantine entries, when there were any.
    public var received: Int64?
    /// Resources written through FHIR.
    public var resources: [StoredResource] = []
    /// Resources the rules derived (scores).
    public var derived: [StoredResource] = []
    /// Alerts in their state after the commit.
    public var alerts: [Alert] = []
    /// What to tell the people watching, in order.
    public var notices: [Notice] = []
    /// Accounts added or changed (usernames).
    public var users: [String] = []
    /// Devices whose credentials were issued or revoked.
    public var credentials: [String] = []
    /// Outbox messages written.
    public var messages = 0
    /// Whether webhooks were added or removed.
    public var webhooks = false
    /// Device commands in their state after the commit.
    public var commands: [DeviceCommand] = []

    public init() {}

    /// Whether it stored nothing anyone derives from (only audit events).
    public var isQuiet: Bool {
        readings.isEmpty && screenings.isEmpty && refused.isEmpty && resources.isEmpty && derived.isEmpty && alerts.isEmpty && notices.isEmpty
            && users.isEmpty
            && credentials.isEmpty && messages == 0 && !webhooks && commands.isEmpty
    }

    /// Adds what `change` stored.
    public mutating func add(_ change: Change, _ applied: Applied) {
        var notices = change.notices
        switch (change.content, applied) {
        case (.readings(let batch), .readings(let ids)):
            for (id, reading) in zip(ids, batch.readings) {
                if let id { readings.append(StoredReading(id: id, reading: reading)) }
            }
            for (id, screening) in zip(ids.dropFirst(batch.readings.count), batch.screenings) where id != nil { screenings.append(screening) }
            for entry in batch.quarantine { refused[entry.device, default: 0] += 1 }
            clockAhead.merge(batch.clockAhead, uniquingKeysWith: +)
            let newest = (batch.readings.map(\.received) + batch.screenings.map(\.received) + batch.quarantine.map(\.received)).max()
            if let newest { received = max(received ?? newest, newest) }
        case (.resources, .resources(let stored)):
            resources += stored
        case (.alerts(let changes, let writes), .alerts(let stored)):
            messages += changes.reduce(0) { $0 + $1.messages.count }
            derived += writes.map(\.resource)
            alerts += stored
            notices = notices.map { notice in
                guard case .alert(var step) = notice, let index = step.index, stored.indices.contains(index) else { return notice }
                step.alert.id = stored[index].id
                step.index = nil
                return .alert(step)
            }
        case (.addUser, .user(let user)), (.updateUser, .user(let user)):
            users.append(user.username)
        case (.command, .command(let command)):
            commands.append(command)
        case (.addWebhook, _), (.removeWebhook, _):
            webhooks = true
        case (.addCredential(let device, _, _, _), .credential), (.revokeCredentials(let device, _, _), .revoked):
            credentials.append(device)
        default:
            break
        }
        self.notices += notices
    }
}
