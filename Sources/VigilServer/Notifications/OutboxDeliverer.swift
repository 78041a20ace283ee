import Logging
public import ServiceLifecycle
public import VigilCore

/// Delivers the outbox: every message due, woken by each commit that writes messages and at least
/// once a second; 16 deliveries at a time. A message not accepted is tried again after 5 seconds,
/// then twice as long each time up to 15 minutes, until 24 hours after it was written; then it is
/// given up. Every outcome is stored through the writer, with a step in the alert's history when it
/// was delivered, first failed or given up, and an audit event for each disclosure. A person's
/// message that failed ``escalateAfter`` times escalates its alert. A message is
/// marked delivered only after its receiver accepted it: a crash in between delivers it again,
/// with the same event id for the receiver to drop.
public final class OutboxDeliverer: Service, CommitSubscriber {
    let store: any VigilStore
    let writer: ChangeWriter
    let clock: any VigilClock
    let sender: WebhookSender
    let signer: WebhookSigner
    /// The mail relay and the text gateway, when configured.
    let mail: SMTPSender?
    let texts: TextGateway?
    /// Told when notifications to a person keep failing, to escalate.
    let alerts: AlertCenter
    /// The base of links to the dashboard.
    let linkBase: String
    let logger: Logger
    static let batchSize = 64
    static let concurrency = 16
    /// How long a message is tried, in milliseconds.
    static let lifetime: Int64 = 24 * 3_600_000
    private let wake = WakeSignal()
    /// One delivery pass at a time: two would send the same due messages.
    private let passes = AsyncLock()

    /// Failed attempts after which a person's notification escalates the alert (it is still tried).
    static let escalateAfter = 3

    init(
        store: any VigilStore, writer: ChangeWriter, clock: any VigilClock, sender: WebhookSender, signer: WebhookSigner, mail: SMTPSender?,
        texts: TextGateway?, alerts: AlertCenter, linkBase: String, logger: Logger
    ) {
        (self.store, self.writer, self.clock, self.sender, self.signer, self.linkBase, self.logger) =
            (store, writer, clock, sender, signer, linkBase, logger)
        (self.mail, self.texts, self.alerts) = (mail, texts, alerts)
    }

    /// Seconds before the next try after `attempts` failed ones.
    static func backoff(attempts: Int) -> Int64 { min(5 << min(max(attempts - 1, 0), 20), 900) }

    public func run() async throws {
        await wake.run(every: .seconds(1)) { await self.deliverDue() }
        await sender.shutdown()
        await texts?.shutdown()
    }

    public func committed(_ commit: Committed) async {
        if commit.messages > 0 { wake.wake() }
    }

    /// Delivers every message due now, a batch at a time; returns how many were tried.
    @discardableResult
    func deliverDue() async -> Int {
        await passes.withLock { await pass() }
    }

    private func pass() async -> Int {
        var tried = 0
        do {
            while true {
                let now = clock.now()
                let due = try await store.dueMessages(at: now, limit: Self.batchSize)
                guard !due.isEmpty else { break }
                var outcomes: [(DeliveryOutcome, AuditEvent?)] = []
                for start in stride(from: 0, to: due.count, by: Self.concurrency) {
                    outcomes += await withTaskGroup(of: (DeliveryOutcome, AuditEvent?).self) { group in
                        for message in due[start..<min(start + Self.concurrency, due.count)] {
                            group.addTask { await self.deliver(message) }
                        }
                        return await group.reduce(into: []) { $0.append($1) }
                    }
                }
                try await writer.submit(Change(.deliveries(outcomes.map(\.0)), audit: outcomes.compactMap(\.1)))
                // A person who cannot be reached: the alert goes up a level, once per alert and batch.
                var escalated: Set<Int64> = []
                for (message, outcome) in zip(due, outcomes.map(\.0))
                where message.target.hasPrefix("user/") && message.attempts + 1 == Self.escalateAfter && !escalated.contains(message.alert) {
                    guard case .retry(_, let error) = outcome.result else { continue }
                    escalated.insert(message.alert)
                    await alerts.escalate(
                        message.alert, because: "\(message.channel.rawValue) to \(message.target) failed \(Self.escalateAfter) times: \(error)")
                }
                tried += due.count
                if due.count < Self.batchSize { break }
            }
        } catch {
            logger.error("outbox delivery failed", metadata: ["error": "\(error)"])
        }
        return tried
    }

    /// One attempt at one message.
    private func deliver(_ message: OutboxMessage) async -> (DeliveryOutcome, AuditEvent?) {
        var event = (try? JSON.parse(message.payload).objectValue) ?? JSONObject()
        event["id"] = .string(message.eventID)
        let link = "\(linkBase)/alerts?alert=\(message.alert)"
        event["link"] = .string(link)
        let patient = event["alert"]?["patient"]?.stringValue.flatMap(FHIRReference.init)?.id
        let body = Array(JSON.object(event).text.utf8)
        let text = NotificationText(event: .object(event), link: link)
        let problem: String
        do {
            switch message.channel {
            case .webhook:
                guard let id = Int64(message.target.dropFirst("webhook/".count)) else { throw VigilError(.internal, "no webhook id") }
                let timestamp = clock.now() / 1000
                let answer = try await sender.post(
                    message.address, body: body,
                    headers: [
                        ("Vigil-Event-Id", message.eventID), ("Vigil-Timestamp", String(timestamp)),
                        ("Vigil-Signature", signer.signature(webhook: id, timestamp: timestamp, body: body)),
                    ])
                if answer.accepted { return delivered(message, status: String(answer.status), patient: patient) }
                problem =
                    (300..<400).contains(answer.status) ? "answered \(answer.status), a redirect, which is not followed" : "answered \(answer.status)"
            case .email:
                guard let mail else { throw VigilError(.unavailable, "no mail relay is configured (--smtp)") }
                let answer = try await mail.send(
                    to: message.address, subject: text.subject, body: text.body, messageID: message.eventID, at: clock.now())
                return delivered(message, status: answer, patient: patient)
            case .sms, .pager:
                guard let texts else { throw VigilError(.unavailable, "no text gateway is configured (--sms-gateway)") }
                let status = try await texts.send(
                    to: message.address, text: text.short, channel: message.channel, priority: event["alert"]?["priority"]?.stringValue ?? "",
                    eventID: message.eventID)
                if (200..<300).contains(status) { return delivered(message, status: String(status), patient: patient) }
                problem = "the gateway answered \(status)"
            }
        } catch let refusal as VigilError {
            problem = refusal.message
        } catch {
            problem = "\(type(of: error)): \(error)"
        }
        return (failed(message, error: problem), nil)
    }

    private func delivered(_ message: OutboxMessage, status: String, patient: String?) -> (DeliveryOutcome, AuditEvent?) {
        let now = clock.now()
        let entry = AlertHistoryEntry(
            kind: .delivered, at: now, actor: nil,
            detail: "\(message.channel.rawValue) to \(message.target) accepted \(message.eventID) (\(status))",
            recipients: message.target.hasPrefix("user/") ? [message.target] : [])
        let audit = AuditEvent(
            time: now, actor: "system/outbox", role: "notifications", patient: patient, action: .execute, resource: "Alert/\(message.alert)",
            client: nil, detail: "delivered to \(message.target) by \(message.channel.rawValue)")
        return (
            DeliveryOutcome(message: message.id, alert: message.alert, at: now, result: .delivered(detail: status), history: entry), audit
        )
    }

    private func failed(_ message: OutboxMessage, error: String) -> DeliveryOutcome {
        let now = clock.now()
        let attempts = message.attempts + 1
        if now - message.created >= Self.lifetime {
            let entry = AlertHistoryEntry(
                kind: .deliveryFailed, at: now, actor: nil, detail: "\(message.target): given up after \(attempts) attempts in 24 h: \(error)",
                recipients: [])
            return DeliveryOutcome(message: message.id, alert: message.alert, at: now, result: .failed(error: error), history: entry)
        }
        let next = now + Self.backoff(attempts: attempts) * 1000
        let entry =
            attempts == 1
            ? AlertHistoryEntry(
                kind: .deliveryFailed, at: now, actor: nil, detail: "\(message.target): \(error); trying again for 24 h", recipients: []) : nil
        return DeliveryOutcome(message: message.id, alert: message.alert, at: now, result: .retry(next: next, error: error), history: entry)
    }
}
