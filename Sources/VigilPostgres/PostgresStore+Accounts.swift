public import VigilCore

extension PostgresStore {
    func addCredential(device: String, tokenHash: [UInt8], brokerHash: String?, at time: Int64, _ db: Database) async throws -> Int64 {
        guard try await self.key("Device", device, db) != nil else { throw VigilError(.notFound, "Device/\(device) does not exist") }
        return try await db.value(
            "INSERT INTO device_credential (device, token_hash, broker_hash, created) VALUES (?, ?, ?, ?) RETURNING id",
            [device, tokenHash, brokerHash, time], as: Int64.self)!
    }

    func revokeCredentials(device: String, id: Int64?, at time: Int64, _ db: Database) async throws -> Int {
        if let id {
            return try await db.rows(
                "UPDATE device_credential SET revoked = ? WHERE device = ? AND id = ? AND revoked IS NULL RETURNING id", [time, device, id]
            ).count
        }
        return try await db.rows("UPDATE device_credential SET revoked = ? WHERE device = ? AND revoked IS NULL RETURNING id", [time, device]).count
    }

    public func device(forCredential tokenHash: [UInt8]) async throws -> String? {
        try await read { db in
            try await db.value("SELECT device FROM device_credential WHERE token_hash = ? AND revoked IS NULL", [tokenHash], as: String.self)
        }
    }

    public func brokerAccounts() async throws -> [DeviceBrokerAccount] {
        try await read { db in
            // The newest active credential of each device (ids grow with time).
            try await db.rows(
                """
                SELECT device, broker_hash FROM device_credential
                WHERE id IN (SELECT MAX(id) FROM device_credential WHERE revoked IS NULL GROUP BY device)
                ORDER BY device
                """
            ).map { DeviceBrokerAccount(device: $0["device"], passwordHash: $0["broker_hash"]) }
        }
    }

    public func userCount() async throws -> Int {
        try await read { db in try await db.value("SELECT COUNT(*) FROM account", as: Int.self) ?? 0 }
    }

    func insert(_ user: UserAccount, _ db: Database) async throws -> UserAccount {
        if try await db.value("SELECT 1 FROM account WHERE username = ?", [user.username], as: Int.self) != nil {
            throw VigilError(.conflict, "user \(user.username) already exists")
        }
        var stored = user
        stored.id = try await db.value(
            """
            INSERT INTO account (username, role, fhir_user, password_hash, disabled, created, sign_in_generation, client_jwks, client_scope,
            notifications_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            [
                user.username, user.role.rawValue, user.fhirUser?.description, user.passwordHash, user.disabled, user.created,
                user.signInGeneration, user.client.map { String(decoding: $0.jwks.serialized(), as: UTF8.self) }, user.client?.scope,
                user.notifications?.text,
            ], as: Int64.self)!
        return stored
    }

    func update(_ user: UserAccount, _ db: Database) async throws {
        let updated = try await db.rows(
            """
            UPDATE account SET role = ?, fhir_user = ?, password_hash = ?, disabled = ?, sign_in_generation = ?, client_jwks = ?, client_scope = ?,
            notifications_json = ? WHERE id = ? RETURNING id
            """,
            [
                user.role.rawValue, user.fhirUser?.description, user.passwordHash, user.disabled, user.signInGeneration,
                user.client.map { String(decoding: $0.jwks.serialized(), as: UTF8.self) }, user.client?.scope, user.notifications?.text, user.id,
            ])
        guard updated.count == 1 else { throw VigilError(.notFound, "user \(user.username) does not exist") }
    }

    public func user(id: Int64) async throws -> UserAccount? {
        try await read { db in try await db.row("SELECT * FROM account WHERE id = ?", [id]).map(Self.user) }
    }

    public func user(username: String) async throws -> UserAccount? {
        try await read { db in try await db.row("SELECT * FROM account WHERE username = ?", [username]).map(Self.user) }
    }

    public func users() async throws -> [UserAccount] {
        try await read { db in try await db.rows("SELECT * FROM account ORDER BY username").map(Self.user) }
    }

    static func user(_ row: Row) -> UserAccount {
        UserAccount(
            id: row["id"], username: row["username"], role: Role(rawValue: row["role"]) ?? .researcher,
            fhirUser: (row["fhir_user"] as String?).flatMap(FHIRReference.init), passwordHash: row["password_hash"],
            disabled: row["disabled"], created: row["created"], signInGeneration: row["sign_in_generation"],
            client: (row["client_jwks"] as String?).flatMap { try? JSON.parse($0) }.map {
                BackendClient(jwks: $0, scope: row["client_scope"] ?? "")
            },
            notifications: (row["notifications_json"] as String?).flatMap { try? JSON.parse($0) }
        )
    }

    public func accessScope(member: String, at time: Int64) async throws -> AccessScope {
        try await read { db in
            let teamKeys = try await db.values(
                "SELECT DISTINCT resource_key FROM access_link WHERE kind = 'participant' AND target = ?", [member], as: Int64.self)
            guard !teamKeys.isEmpty else { return .nothing }
            let teams = try await Self.accessLinks(resources: teamKeys, db)
            let groupTargets = Set(teams.values.flatMap { $0 }.filter { $0.kind == .subject && $0.target.hasPrefix("Group/") }.map(\.target))
            var groups: [String: [AccessLink]] = [:]
            for target in groupTargets {
                guard let key = try await self.key("Group", String(target.dropFirst(6)), db) else { continue }
                groups[target] = try await Self.accessLinks(resources: [key], db)[key] ?? []
            }
            return AccessScope.compute(member: member, teams: Array(teams.values), groups: groups, now: time)
        }
    }

    private static func accessLinks(resources: [Int64], _ db: Database) async throws -> [Int64: [AccessLink]] {
        var links: [Int64: [AccessLink]] = [:]
        for row in try await db.rows(
            "SELECT resource_key, kind, target, start, \"end\" FROM access_link WHERE resource_key = ANY(?::bigint[])", [resources])
        {
            guard let kind = AccessLink.Kind(rawValue: row["kind"]) else { continue }
            links[row["resource_key"], default: []].append(AccessLink(kind, row["target"], start: row["start"], end: row["end"]))
        }
        return links
    }
}
