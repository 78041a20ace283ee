import Foundation
import GRDB
public import VigilCore

extension SQLiteStore {
    static let alertColumns = """
        id, patient, key, kind, priority, status, escalation, raised, updated, message, values_json, acknowledgements_json,
        resolution_by, resolution_reason, resolution_at, next_renotify, next_escalation
        """

    public func openAlerts() async throws -> [Alert] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.alertColumns) FROM alert WHERE status != 'resolved' ORDER BY id").map(Self.alert)
        }
    }

    public func alert(id: Int64) async throws -> Alert? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT \(Self.alertColumns) FROM alert WHERE id = ?", arguments: [id]).map(Self.alert)
        }
    }

    public func alerts(_ query: AlertQuery) async throws -> [Alert] {
        try await pool.read { db in
            var conditions: [SQLFragment] = []
            if let statuses = query.statuses { conditions.append(.in("status", statuses.map(\.rawValue))) }
            if let priorities = query.priorities { conditions.append(.in("priority", priorities.map(\.rawValue))) }
            if let patients = query.patients { conditions.append(.in("patient", Array(patients))) }
            if let patient = query.patient { conditions.append(SQLFragment("patient = ?", [patient])) }
            if let kind = query.kind { conditions.append(SQLFragment("kind = ?", [kind])) }
            if let since = query.since { conditions.append(SQLFragment("raised >= ?", [since])) }
            if let before = query.before { conditions.append(SQLFragment("id < ?", [before])) }
            let filter = SQLFragment.all(conditions)
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.alertColumns) FROM alert WHERE \(filter.sql) ORDER BY id DESC LIMIT ?",
                arguments: StatementArguments(filter.arguments + [query.limit])
            ).map(Self.alert)
        }
    }

    public func latestAlert(patient: String, key: String) async throws -> Alert? {
        try await pool.read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.alertColumns) FROM alert WHERE patient = ? AND key = ? ORDER BY id DESC LIMIT 1", arguments: [patient, key]
            ).map(Self.alert)
        }
    }

    /// Stores alerts with their history and the records derived with them, inside the caller's
    /// transaction; returns the alerts with their ids and the audit events naming them.
    func save(_ changes: [AlertChange], derived writes: [ResourceWrite], _ db: Database) throws -> (alerts: [Alert], audit: [AuditEvent]) {
        for write in writes { try self.apply(write, db) }
        var stored: [Alert] = []
        var audit: [AuditEvent] = []
        for change in changes {
            let (alert, steps) = try Self.save(change.alert, history: change.history, follows: change.follows, db)
            try Self.insert(change.messages, alert: alert.id, steps: steps, db)
            stored.append(alert)
            audit += change.audit.map { event in
                var event = event
                event.resource = event.resource.replacingOccurrences(of: "{alert}", with: String(alert.id))
                return event
            }
        }
        return (stored, audit)
    }

    /// Stores an alert and appends its history; returns it with its id, and the ids of the steps.
    static func save(_ alert: Alert, history: [AlertHistoryEntry], follows: Int64? = nil, _ db: Database) throws -> (Alert, [Int64]) {
        var alert = alert
        let acknowledgements = JSON.array(
            alert.acknowledgements.map { ack in
                var item: JSONObject = ["by": .string(ack.by), "at": .integer(ack.at)]
                if let level = ack.level { item["level"] = .integer(Int64(level)) }
                return .object(item)
            }
        ).text
        let columns: [(any DatabaseValueConvertible)?] = [
            alert.patient, alert.key, alert.kind, alert.priority.rawValue, alert.status.rawValue, alert.escalation, alert.raised,
            alert.updated, alert.message, alert.values.text, acknowledgements, alert.resolution?.by, alert.resolution?.reason,
            alert.resolution?.at, alert.nextRenotify, alert.nextEscalation,
        ]
        if alert.id == 0 {
            if try Int.fetchOne(
                db, sql: "SELECT 1 FROM alert WHERE patient = ? AND key = ? AND status != 'resolved'", arguments: [alert.patient, alert.key])
                != nil
            {
                throw VigilError(.conflict, "an alert for \(alert.key) of Patient/\(alert.patient) is already open")
            }
            try db.execute(
                sql: """
                    INSERT INTO alert (patient, key, kind, priority, status, escalation, raised, updated, message, values_json,
                    acknowledgements_json, resolution_by, resolution_reason, resolution_at, next_renotify, next_escalation)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: StatementArguments(columns)
            )
            alert.id = db.lastInsertedRowID
        } else {
            try db.execute(
                sql: """
                    UPDATE alert SET patient = ?, key = ?, kind = ?, priority = ?, status = ?, escalation = ?, raised = ?, updated = ?,
                    message = ?, values_json = ?, acknowledgements_json = ?, resolution_by = ?, resolution_reason = ?, resolution_at = ?,
                    next_renotify = ?, next_escalation = ? WHERE id = ? AND (? IS NULL OR updated = ?)
                    """,
                arguments: StatementArguments(columns + [alert.id, follows, follows])
            )
            guard db.changesCount == 1 else {
                let exists = try Int.fetchOne(db, sql: "SELECT 1 FROM alert WHERE id = ?", arguments: [alert.id]) != nil
                throw VigilError.alertMissing(alert.id, exists: exists)
            }
        }
        let insert = try db.cachedStatement(
            sql: "INSERT INTO alert_event (alert_id, kind, at, actor, detail, recipients_json) VALUES (?, ?, ?, ?, ?, ?)"
        )
        var steps: [Int64] = []
        for entry in history {
            try insert.execute(arguments: [
                alert.id, entry.kind.rawValue, entry.at, entry.actor, entry.detail, JSON.array(entry.recipients.map { .string($0) }).text,
            ])
            steps.append(db.lastInsertedRowID)
        }
        return (alert, steps)
    }

    public func alertHistory(id: Int64) async throws -> [AlertHistoryEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT kind, at, actor, detail, recipients_json FROM alert_event WHERE alert_id = ? ORDER BY id", arguments: [id]
            )
            .map { row in
                AlertHistoryEntry(
                    kind: AlertTransition.Kind(rawValue: row["kind"]) ?? .updated, at: row["at"], actor: row["actor"], detail: row["detail"],
                    recipients: (try? JSON.parse(row["recipients_json"] as String))?.arrayValue?.compactMap(\.stringValue) ?? []
                )
            }
        }
    }

    public func careTeams(patients: [String], at time: Int64) async throws -> [String: [String: Set<String>]] {
        try await pool.read { db in
            var teams: [String: [String: Set<String>]] = [:]
            for patient in Set(patients) {
                let members = try Self.careTeam(db, patient: patient, at: time)
                if !members.isEmpty { teams[patient] = members }
            }
            return teams
        }
    }

    private static func careTeam(_ db: Database, patient: String, at time: Int64) throws -> [String: Set<String>] {
        let target = "Patient/\(patient)"
        let groupKeys = try Int64.fetchAll(
            db, sql: "SELECT resource_key FROM access_link WHERE kind = 'member' AND target = ?", arguments: [target])
        var groups: [String] = []
        for key in groupKeys {
            let links = try Row.fetchAll(
                db, sql: "SELECT start, end FROM access_link WHERE resource_key = ? AND kind = 'member' AND target = ?", arguments: [key, target])
            guard links.contains(where: { AccessLink(.member, target, start: $0["start"], end: $0["end"]).covers(time) }),
                let id = try String.fetchOne(db, sql: "SELECT id FROM resource WHERE key = ?", arguments: [key])
            else { continue }
            groups.append("Group/\(id)")
        }
        let subjects = SQLFragment.in("target", [target] + groups)
        let teams = try Row.fetchAll(
            db, sql: "SELECT resource_key, start, end FROM access_link WHERE kind = 'subject' AND \(subjects.sql)",
            arguments: subjects.statementArguments
        ).filter { AccessLink(.subject, "", start: $0["start"], end: $0["end"]).covers(time) }.map { $0["resource_key"] as Int64 }
        guard !teams.isEmpty else { return [:] }
        let inTeams = SQLFragment.in("key", teams)
        var members: [String: Set<String>] = [:]
        for json in try String.fetchAll(db, sql: "SELECT json FROM resource WHERE \(inTeams.sql)", arguments: inTeams.statementArguments) {
            members.merge(AccessLink.participants(of: try JSON.parse(json), at: time)) { $0.union($1) }
        }
        return members
    }

    static func alert(_ row: Row) throws -> Alert {
        let acknowledgements = (try? JSON.parse(row["acknowledgements_json"] as String))?.arrayValue ?? []
        let resolutionAt: Int64? = row["resolution_at"]
        return Alert(
            id: row["id"], patient: row["patient"], key: row["key"], kind: row["kind"],
            priority: Priority(rawValue: row["priority"]) ?? .high, status: Alert.Status(rawValue: row["status"]) ?? .active,
            escalation: row["escalation"], raised: row["raised"], updated: row["updated"], message: row["message"],
            values: (try? JSON.parse(row["values_json"] as String)) ?? nil,
            acknowledgements: acknowledgements.compactMap { item in
                guard let by = item["by"]?.stringValue, let at = item["at"]?.int64Value else { return nil }
                return Alert.Acknowledgement(by: by, at: at, level: item["level"]?.int64Value.map(Int.init))
            },
            resolution: resolutionAt.map { Alert.Resolution(by: row["resolution_by"], reason: row["resolution_reason"] ?? "", at: $0) },
            nextRenotify: row["next_renotify"], nextEscalation: row["next_escalation"]
        )
    }
}
