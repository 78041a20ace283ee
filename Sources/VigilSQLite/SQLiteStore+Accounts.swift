import Foundation
import GRDB
public import VigilCore

extension SQLiteStore {
    func addCredential(device: String, tokenHash: [UInt8], brokerHash: String?, at time: Int64, _ db: Database) throws -> Int64 {
        guard try self.key("Device", device, db) != nil else { throw VigilError(.notFound, "Device/\(device) does not exist") }
        try db.execute(
            sql: "INSERT INTO device_credential (device, token_hash, broker_hash, created) VALUES (?, ?, ?, ?)",
            arguments: [device, Data(tokenHash), brokerHash, time]
        )
        return db.lastInsertedRowID
    }

    func revokeCredentials(device: String, id: Int64?, at time: Int64, _ db: Database) throws -> Int {
        if let id {
            try db.execute(
                sql: "UPDATE device_credential SET revoked = ? WHERE device = ? AND id = ? AND revoked IS NULL",
                arguments: [time, device, id]
            )
        } else {
            try db.execute(sql: "UPDATE device_credential SET revoked = ? WHERE device = ? AND revoked IS NULL", arguments: [time, device])
        }
        return db.changesCount
    }

    public func device(forCredential tokenHash: [UInt8]) async throws -> String? {
        try await pool.read { db in
            try String.fetchOne(
                db.cachedStatement(sql: "SELECT device FROM device_credential WHERE token_hash = ? AND revoked IS NULL"), arguments: [Data(tokenHash)]
            )
        }
    }

    public func brokerAccounts() async throws -> [DeviceBrokerAccount] {
        try await pool.read { db in
            // The newest active credential of each device (ids grow with time).
            try Row.fetchAll(
                db,
                sql: """
                    SELECT device, broker_hash FROM device_credential
                    WHERE id IN (SELECT MAX(id) FROM device_credential WHERE revoked IS NULL GROUP BY device)
                    ORDER BY device
                    """
            ).map { DeviceBrokerAccount(device: $0["device"], passwordHash: $0["broker_hash"]) }
        }
    }

    public func userCount() async throws -> Int {
        try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user") ?? 0 }
    }

    func insert(_ user: UserAccount, _ db: Database) throws -> UserAccount {
        if try Int.fetchOne(db, sql: "SELECT 1 FROM user WHERE username = ?", arguments: [user.username]) != nil {
            throw VigilError(.conflict, "user \(user.username) already exists")
        }
        try db.execute(
            sql:
                """
                INSERT INTO user (username, role, fhir_user, password_hash, disabled, created, sign_in_generation, client_jwks, client_scope,
                notifications_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                user.username, user.role.rawValue, user.fhirUser?.description, user.passwordHash, user.disabled, user.created,
                user.signInGeneration, user.client.map { String(decoding: $0.jwks.serialized(), as: UTF8.self) }, user.client?.scope,
                user.notifications?.text,
            ]
        )
        var stored = user
        stored.id = db.lastInsertedRowID
        return stored
    }

    func update(_ user: UserAccount, _ db: Database) throws {
        try db.execute(
            sql: """
                UPDATE user SET role = ?, fhir_user = ?, password_hash = ?, disabled = ?, sign_in_generation = ?, client_jwks = ?, client_scope = ?,
                notifications_json = ? WHERE id = ?
                """,
            arguments: [
                user.role.rawValue, user.fhirUser?.description, user.passwordHash, user.disabled, user.signInGeneration,
                user.client.map { String(decoding: $0.jwks.serialized(), as: UTF8.self) }, user.client?.scope, user.notifications?.text, user.id,
            ]
        )
        guard db.changesCount == 1 else { throw VigilError(.notFound, "user \(user.username) does not exist") }
    }

    public func user(id: Int64) async throws -> UserAccount? {
        try await pool.read { db in try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM user WHERE id = ?"), arguments: [id]).map(Self.user) }
    }

    public func user(username: String) async throws -> UserAccount? {
        try await pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM user WHERE username = ?", arguments: [username]).map(Self.user) }
    }

    public func users() async throws -> [UserAccount] {
        try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM user ORDER BY username").map(Self.user) }
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
        try await pool.read { db in
            let teamKeys = try Int64.fetchAll(
                db, sql: "SELECT DISTINCT resource_key FROM access_link WHERE kind = 'participant' AND target = ?", arguments: [member]
            )
            guard !teamKeys.isEmpty else { return .nothing }
            let teams = try self.accessLinks(resources: teamKeys, db)
            let groupTargets = Set(teams.values.flatMap { $0 }.filter { $0.kind == .subject && $0.target.hasPrefix("Group/") }.map(\.target))
            var groups: [String: [AccessLink]] = [:]
            for target in groupTargets {
                guard let key = try self.key("Group", String(target.dropFirst(6)), db) else { continue }
                groups[target] = try self.accessLinks(resources: [key], db)[key] ?? []
            }
            return AccessScope.compute(member: member, teams: Array(teams.values), groups: groups, now: time)
        }
    }

    private func accessLinks(resources: [Int64], _ db: Database) throws -> [Int64: [AccessLink]] {
        let marks = Array(repeating: "?", count: resources.count).joined(separator: ",")
        let rows = try Row.fetchAll(
            db, sql: "SELECT resource_key, kind, target, start, end FROM access_link WHERE resource_key IN (\(marks))",
            arguments: StatementArguments(resources)
        )
        var links: [Int64: [AccessLink]] = [:]
        for row in rows {
            guard let kind = AccessLink.Kind(rawValue: row["kind"]) else { continue }
            links[row["resource_key"], default: []].append(AccessLink(kind, row["target"], start: row["start"], end: row["end"]))
        }
        return links
    }
}
