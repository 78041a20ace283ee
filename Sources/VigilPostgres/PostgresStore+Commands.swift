public import VigilCore

extension PostgresStore {
    static let commandColumns = """
        id, device, patient, name, parameters_json, state, requested_by, confirmed_by, proposal, reason, created, deadline, attempts, \
        next_attempt, version
        """

    public func command(id: Int64) async throws -> DeviceCommand? {
        try await read { db in try await Self.commands(db, where: SQLFragment("id = ?", [id]), order: "id", limit: 1).first }
    }

    public func commands(_ query: CommandQuery) async throws -> [DeviceCommand] {
        var conditions: [SQLFragment] = []
        if let device = query.device { conditions.append(SQLFragment("device = ?", [device])) }
        if let patients = query.patients { conditions.append(.in("patient", Array(patients))) }
        if let states = query.states { conditions.append(.in("state", states.map(\.rawValue))) }
        let condition = SQLFragment.all(conditions)
        return try await read { db in try await Self.commands(db, where: condition, order: "id DESC", limit: query.limit) }
    }

    public func dueCommands(at time: Int64, limit: Int) async throws -> [DeviceCommand] {
        let open = CommandState.allCases.filter { !$0.isFinal }.map(\.rawValue)
        return try await read { db in
            try await Self.commands(
                db, where: .all([.in("state", open), SQLFragment("next_attempt <= ?", [time])]), order: "next_attempt, id", limit: limit)
        }
    }

    private static func commands(_ db: Database, where condition: SQLFragment, order: String, limit: Int) async throws -> [DeviceCommand] {
        var commands = try await db.rows(
            SQLFragment("SELECT \(commandColumns) FROM command WHERE ").appending(condition).appending(" ORDER BY \(order) LIMIT ?", [limit])
        ).map(command)
        guard !commands.isEmpty else { return [] }
        let index = Dictionary(uniqueKeysWithValues: commands.enumerated().map { ($1.id, $0) })
        let steps = try await db.rows(
            "SELECT command_id, state, at, actor, detail FROM command_event WHERE command_id = ANY(?::bigint[]) ORDER BY id", [commands.map(\.id)])
        for row in steps {
            guard let position = index[row["command_id"] as Int64], let state = CommandState(rawValue: row["state"] as String) else { continue }
            commands[position].history.append(CommandStep(state, at: row["at"], actor: row["actor"], detail: row["detail"]))
        }
        return commands
    }

    private static func command(_ row: Row) -> DeviceCommand {
        let parameters = (try? JSON.parse(row["parameters_json"] as String).objectValue) ?? JSONObject()
        return DeviceCommand(
            id: row["id"], device: row["device"], patient: row["patient"], name: row["name"],
            parameters: Dictionary(uniqueKeysWithValues: parameters.compactMap { member in member.value.doubleValue.map { (member.key, $0) } }),
            state: CommandState(rawValue: row["state"]) ?? .failed, requestedBy: row["requested_by"], confirmedBy: row["confirmed_by"],
            proposal: row["proposal"], reason: row["reason"], created: row["created"], deadline: row["deadline"], attempts: row["attempts"],
            nextAttempt: row["next_attempt"], version: row["version"])
    }

    /// Inserts a new command, or moves one on from the version it was read at; adds its new steps.
    func save(_ command: DeviceCommand, newSteps: Int, _ db: Database) async throws -> DeviceCommand {
        var saved = command
        let parameters = command.parametersJSON.text
        if command.id == 0 {
            if let proposal = command.proposal,
                try await db.value(
                    "SELECT 1 FROM command WHERE proposal = ? AND device = ? AND name = ?", [proposal, command.device, command.name], as: Int.self)
                    != nil
            {
                throw VigilError(.conflict, "\(command.name) was already proposed to Device/\(command.device) for \(proposal)")
            }
            saved.id = try await db.value(
                """
                INSERT INTO command (device, patient, name, parameters_json, state, requested_by, confirmed_by, proposal, reason, created,
                    deadline, attempts, next_attempt, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id
                """,
                [
                    command.device, command.patient, command.name, parameters, command.state.rawValue, command.requestedBy, command.confirmedBy,
                    command.proposal, command.reason, command.created, command.deadline, command.attempts, command.nextAttempt,
                ], as: Int64.self)!
        } else {
            let updated = try await db.rows(
                """
                UPDATE command SET state = ?, confirmed_by = ?, reason = ?, attempts = ?, next_attempt = ?, version = version + 1
                WHERE id = ? AND version = ? RETURNING id
                """,
                [
                    command.state.rawValue, command.confirmedBy, command.reason, command.attempts, command.nextAttempt, command.id, command.version,
                ])
            guard updated.count == 1 else { throw VigilError(.conflict, "command \(command.id) changed since it was read") }
        }
        saved.version += 1
        for entry in command.history.suffix(newSteps) {
            try await db.execute(
                "INSERT INTO command_event (command_id, state, at, actor, detail) VALUES (?, ?, ?, ?, ?)",
                [saved.id, entry.state.rawValue, entry.at, entry.actor, entry.detail])
        }
        return saved
    }
}
