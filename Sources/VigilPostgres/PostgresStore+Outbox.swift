import Foundation
public import VigilCore

extension PostgresStore {
    static let outboxColumns = "id, event_id, alert_id, channel, target, address, payload, created, attempts, next_attempt, state, last_error"

    public func dueMessages(at time: Int64, limit: Int) async throws -> [OutboxMessage] {
        try await read { db in
            try await db.rows(
                "SELECT \(Self.outboxColumns) FROM outbox WHERE state = 'pending' AND next_attempt <= ? ORDER BY next_attempt, id LIMIT ?",
                [time, limit]
            ).map(Self.message)
        }
    }

    public func messages(alert: Int64) async throws -> [OutboxMessage] {
        try await read { db in
            try await db.rows("SELECT \(Self.outboxColumns) FROM outbox WHERE alert_id = ? ORDER BY id", [alert]).map(Self.message)
        }
    }

    public func pendingMessageCount() async throws -> Int {
        try await read { db in try await db.value("SELECT count(*) FROM outbox WHERE state = 'pending'", as: Int.self) ?? 0 }
    }

    public func webhooks() async throws -> [Webhook] {
        try await read { db in
            try await db.rows("SELECT id, url, priorities, created FROM webhook ORDER BY id").map { row in
                Webhook(
                    id: row["id"], url: row["url"],
                    priorities: Set((row["priorities"] as String).split(separator: ",").compactMap { Priority(rawValue: String($0)) }),
                    created: row["created"])
            }
        }
    }

    /// Writes an alert's messages, each with its event id from the id of its step.
    static func insert(_ messages: [OutboxMessage], alert: Int64, steps: [Int64], _ db: Database) async throws {
        for message in messages {
            guard steps.indices.contains(message.step) else { throw VigilError(.internal, "an outbox message names no step of its alert") }
            try await db.execute(
                """
                INSERT INTO outbox (event_id, alert_id, channel, target, address, payload, created, attempts, next_attempt, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, 'pending')
                """,
                [
                    "\(steps[message.step]):\(message.target):\(message.channel.rawValue)", alert, message.channel.rawValue, message.target,
                    message.address, message.payload.replacingOccurrences(of: "\"{alert}\"", with: String(alert)), message.created,
                    message.nextAttempt,
                ])
        }
    }

    /// Records delivery outcomes, and the history steps they add to their alerts.
    func record(_ outcomes: [DeliveryOutcome], _ db: Database) async throws {
        let update = "UPDATE outbox SET attempts = attempts + 1, next_attempt = ?, state = ?, last_error = ? WHERE id = ? AND state = 'pending'"
        for outcome in outcomes {
            switch outcome.result {
            case .delivered: try await db.execute(update, [outcome.at, OutboxMessage.State.delivered.rawValue, String?.none, outcome.message])
            case .retry(let next, let error): try await db.execute(update, [next, OutboxMessage.State.pending.rawValue, error, outcome.message])
            case .failed(let error): try await db.execute(update, [outcome.at, OutboxMessage.State.failed.rawValue, error, outcome.message])
            }
            if let entry = outcome.history { _ = try await Self.insertStep(alert: outcome.alert, entry, db) }
        }
    }

    func insert(_ webhook: Webhook, _ db: Database) async throws -> Webhook {
        var stored = webhook
        stored.id = try await db.value(
            "INSERT INTO webhook (url, priorities, created) VALUES (?, ?, ?) RETURNING id",
            [webhook.url, webhook.priorities.map(\.rawValue).sorted().joined(separator: ","), webhook.created], as: Int64.self)!
        return stored
    }

    /// Removes a webhook and gives up its pending messages; 404 when there is none.
    func removeWebhook(id: Int64, at time: Int64, _ db: Database) async throws -> Int {
        guard try await db.rows("DELETE FROM webhook WHERE id = ? RETURNING id", [id]).count == 1 else {
            throw VigilError(.notFound, "webhook \(id) was not found")
        }
        try await db.execute(
            "UPDATE outbox SET state = 'failed', last_error = 'the webhook was removed', next_attempt = ? WHERE target = ? AND state = 'pending'",
            [time, "webhook/\(id)"])
        return 1
    }

    static func message(_ row: Row) -> OutboxMessage {
        OutboxMessage(
            id: row["id"], eventID: row["event_id"], alert: row["alert_id"], step: 0,
            channel: OutboxMessage.Channel(rawValue: row["channel"]) ?? .webhook, target: row["target"], address: row["address"],
            payload: row["payload"], created: row["created"], attempts: row["attempts"], nextAttempt: row["next_attempt"],
            state: OutboxMessage.State(rawValue: row["state"]) ?? .pending, lastError: row["last_error"])
    }
}
