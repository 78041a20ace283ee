import Foundation
public import VigilCore

extension PostgresStore {
    static let alertColumns = """
        id, patient, key, kind, priority, status, escalation, raised, updated, message, values_json, acknowledgements_json,
        resolution_by, resolution_reason, resolution_at, next_renotify, next_escalation
        """

    public func openAlerts() async throws -> [Alert] {
        try await read { db in
            try await db.rows("SELECT \(Self.alertColumns) FROM alert WHERE status != 'resolved' ORDER BY id").map(Self.alert)
        }
    }

    public func alert(id: Int64) async throws -> Alert? {
        try await read { db in try await db.row("SELECT \(Self.alertColumns) FROM alert WHERE id = ?", [id]).map(Self.alert) }
    }

    public func alerts(_ query: AlertQuery) async throws -> [Alert] {
        var conditions: [SQLFragment] = []
        if let statuses = query.statuses { conditions.append(.in("status", statuses.map(\.rawValue))) }
        if let priorities = query.priorities { conditions.append(.in("priority", priorities.map(\.rawValue))) }
        if let patients = query.patients { conditions.append(.in("patient", Array(patients))) }
        if let patient = query.patient { conditions.append(SQLFragment("patient = ?", [patient])) }
        if let kind = query.kind { conditions.append(SQLFragment("kind = ?", [kind])) }
        if let since = query.since { conditions.append(SQLFragment("raised >= ?", [since])) }
        if let before = query.before { conditions.append(SQLFragment("id < ?", [before])) }
        let select = SQLFragment("SELECT \(Self.alertColumns) FROM alert WHERE ").appending(.all(conditions))
            .appending(" ORDER BY id DESC LIMIT ?", [query.limit])
        return try await read { db in try await db.rows(select).map(Self.alert) }
    }

    public func latestAlert(patient: String, key: String) async throws -> Alert? {
        try await read { db in
            try await db.row("SELECT \(Self.alertColumns) FROM alert WHERE patient = ? AND key = ? ORDER BY id DESC LIMIT 1", [patient, key])
                .map(Self.alert)
        }
    }

    /// Stores alerts with their history and the records derived with them, inside the caller's
    /// transaction; returns the alerts with their ids and the audit events naming them.
    func save(_ changes: [AlertChange], derived writes: [ResourceWrite], _ db: Database) async throws -> (alerts: [Alert], audit: [AuditEvent]) {
        for write in writes { try await self.apply(write, db) }
        var stored: [Alert] = []
        var audit: [AuditEvent] = []
        for change in changes {
            let (alert, steps) = try await Self.save(change.alert, history: change.history, follows: change.follows, db)
            try await Self.insert(change.messages, alert: alert.id, steps: steps, db)
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
    static func save(_ alert: Alert, history: [AlertHistoryEntry], follows: Int64? = nil, _ db: Database) async throws -> (Alert, [Int64]) {
        var alert = alert
        let acknowledgements = JSON.array(
            alert.acknowledgements.map { ack in
                var item: JSONObject = ["by": .string(ack.by), "at": .integer(ack.at)]
                if let level = ack.level { item["level"] = .integer(Int64(level)) }
                return .object(item)
            }
        ).text
        let columns: [any SQLBindable] = [
            alert.patient, alert.key, alert.kind, alert.priority.rawValue, alert.status.rawValue, alert.escalation, alert.raised,
            alert.updated, alert.message, alert.values.text, acknowledgements, alert.resolution?.by, alert.resolution?.reason,
            alert.resolution?.at, alert.nextRenotify, alert.nextEscalation,
        ]
        if alert.id == 0 {
            if try await db.value(
                "SELECT 1 FROM alert WHERE patient = ? AND key = ? AND status != 'resolved'", [alert.patient, alert.key], as: Int.self) != nil
            {
                throw VigilError(.conflict, "an alert for \(alert.key) of Patient/\(alert.patient) is already open")
            }
            alert.id = try await db.value(
                """
                INSERT INTO alert (patient, key, kind, priority, status, escalation, raised, updated, message, values_json,
                acknowledgements_json, resolution_by, resolution_reason, resolution_at, next_renotify, next_escalation)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, columns, as: Int64.self)!
        } else {
            let updated = try await db.rows(
                """
                UPDATE alert SET patient = ?, key = ?, kind = ?, priority = ?, status = ?, escalation = ?, raised = ?, updated = ?,
                message = ?, values_json = ?, acknowledgements_json = ?, resolution_by = ?, resolution_reason = ?, resolution_at = ?,
                next_renotify = ?, next_escalation = ? WHERE id = ? AND (?::bigint IS NULL OR updated = ?) RETURNING id
                """, columns + [alert.id, follows, follows])
            guard updated.count == 1 else {
                let exists = try await db.value("SELECT 1 FROM alert WHERE id = ?", [alert.id], as: Int.self) != nil
                throw VigilError.alertMissing(alert.id, exists: exists)
            }
        }
        var steps: [Int64] = []
        for entry in history {
            steps.append(try await insertStep(alert: alert.id, entry, db))
        }
        return (alert, steps)
    }

    /// Appends one step to an alert's history; its id.
    static func insertStep(alert: Int64, _ entry: AlertHistoryEntry, _ db: Database) async throws -> Int64 {
        try await db.value(
            "INSERT INTO alert_event (alert_id, kind, at, actor, detail, recipients_json) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [alert, entry.kind.rawValue, entry.at, entry.actor, entry.detail, JSON.array(entry.recipients.map { .string($0) }).text],
            as: Int64.self)!
    }

    public func alertHistory(id: Int64) async throws -> [AlertHistoryEntry] {
        try await read { db in
            try await db.rows("SELECT kind, at, actor, detail, recipients_json FROM alert_event WHERE alert_id = ? ORDER BY id", [id]).map { row in
                AlertHistoryEntry(
                    kind: AlertTransition.Kind(rawValue: row["kind"]) ?? .updated, at: row["at"], actor: row["actor"], detail: row["detail"],
                    recipients: (try? JSON.parse(row["recipients_json"] as String))?.arrayValue?.compactMap(\.stringValue) ?? []
                )
            }
        }
    }

    public func careTeams(patients: [String], at time: Int64) async throws -> [String: [String: Set<String>]] {
        try await read { db in
            var teams: [String: [String: Set<String>]] = [:]
            for patient in Set(patients) {
                let members = try await Self.careTeam(db, patient: patient, at: time)
                if !members.isEmpty { teams[patient] = members }
            }
            return teams
        }
    }

    private static func careTeam(_ db: Database, patient: String, at time: Int64) async throws -> [String: Set<String>] {
        let target = "Patient/\(patient)"
        // The groups the patient is a member of at `time`.
        let memberships = try await db.rows(
            """
            SELECT l.start, l."end", r.id FROM access_link l JOIN resource r ON r.key = l.resource_key
            WHERE l.kind = 'member' AND l.target = ?
            """, [target])
        let groups = Set(
            memberships.filter { AccessLink(.member, target, start: $0["start"], end: $0["end"]).covers(time) }.map {
                "Group/" + ($0["id"] as String)
            })
        let teams = try await db.rows(
            "SELECT resource_key, start, \"end\" FROM access_link WHERE kind = 'subject' AND target = ANY(?::text[])", [[target] + groups.sorted()]
        ).filter { AccessLink(.subject, "", start: $0["start"], end: $0["end"]).covers(time) }.map { $0["resource_key"] as Int64 }
        guard !teams.isEmpty else { return [:] }
        var members: [String: Set<String>] = [:]
        for json in try await db.values("SELECT json FROM resource WHERE key = ANY(?::bigint[])", [teams], as: String.self) {
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
