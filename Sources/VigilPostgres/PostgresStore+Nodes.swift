import Foundation
import PostgresNIO
public import VigilCore

extension PostgresStore: SharedStore {
    /// The channel on which a commit wakes the nodes (its payload is the commit's number).
    static let commitChannel = "vigil_commit"

    /// Records what a group commit stored, inside its transaction (under the write lock, so the
    /// numbers follow the commits): readings by their id range (every reading id in it is this
    /// commit's, the lock being held), the rest as JSON. Committing wakes the listening nodes.
    func record(_ committed: Committed, _ db: Database) async throws {
        guard !committed.isQuiet else { return }
        var body = committed
        body.readings = []
        let ids = committed.readings.map(\.id)
        let json = String(decoding: try JSONEncoder().encode(body), as: UTF8.self)
        let number = try await db.value(
            "INSERT INTO commit_event (node, at, first_reading, last_reading, body) VALUES (?, ?, ?, ?, ?) RETURNING id",
            [node, Int64(Date().timeIntervalSince1970 * 1000), ids.min(), ids.max(), json], as: Int64.self)
        try await db.execute("SELECT pg_notify(?, ?)", [Self.commitChannel, String(number ?? 0)])
    }

    public func newestCommitNumber() async throws -> Int64 {
        try await read { db in try await db.value("SELECT coalesce(max(id), 0) FROM commit_event", as: Int64.self) ?? 0 }
    }

    public func commits(after number: Int64, limit: Int) async throws -> [NumberedCommit] {
        try await read { db in
            var commits: [NumberedCommit] = []
            let rows = try await db.rows(
                "SELECT id, node, first_reading, last_reading, body FROM commit_event WHERE id > ? ORDER BY id LIMIT ?", [number, limit])
            for row in rows {
                let id: Int64 = row["id"]
                // This node announced its own commits when it made them; only the number is news.
                guard (row["node"] as String) != self.node else {
                    commits.append(NumberedCommit(number: id, commit: Committed()))
                    continue
                }
                var commit = try JSONDecoder().decode(Committed.self, from: Data((row["body"] as String).utf8))
                if let first: Int64 = row["first_reading"], let last: Int64 = row["last_reading"] {
                    commit.readings = try await Self.readings(after: first - 1, through: last, limit: Int(last - first + 1), db)
                }
                commits.append(NumberedCommit(number: id, commit: commit))
            }
            return commits
        }
    }

    public func keepsCommit(_ number: Int64) async throws -> Bool {
        try await read { db in try await db.value("SELECT 1 FROM commit_event WHERE id = ?", [number], as: Int.self) != nil }
    }

    public func listenForCommits(_ wake: @escaping @Sendable () -> Void) async throws {
        try await client.withConnection { connection in
            try await connection.listen(on: Self.commitChannel) { notifications in
                wake()  // listening now: whatever was recorded before is read by the catch-up
                for try await _ in notifications { wake() }
            }
        }
    }

    public func forgetCommits(before time: Int64) async throws {
        try await read { db in try await db.execute("DELETE FROM commit_event WHERE at < ?", [time]) }
    }

    public func holdLease(_ name: String, seconds: Int) async throws -> Bool {
        try await read { db in
            try await db.value(
                """
                INSERT INTO node_lease (name, holder, expires) VALUES (?, ?, clock_timestamp() + ?::int * interval '1 second')
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
                WHERE node_lease.holder = excluded.holder OR node_lease.expires < clock_timestamp()
                RETURNING holder
                """, [name, self.node, seconds], as: String.self) != nil
        }
    }

    public func recordProgress(_ progress: Int64, lease name: String) async throws {
        try await read { db in
            try await db.execute("UPDATE node_lease SET progress = ? WHERE name = ? AND holder = ?", [progress, name, self.node])
        }
    }

    public func progress(lease name: String) async throws -> Int64? {
        try await read { db in try await db.value("SELECT progress FROM node_lease WHERE name = ?", [name], as: Int64.self) }
    }

    public func readings(after id: Int64, through: Int64, limit: Int) async throws -> [StoredReading] {
        try await read { db in try await Self.readings(after: id, through: through, limit: limit, db) }
    }

    static func readings(after id: Int64, through: Int64, limit: Int, _ db: Database) async throws -> [StoredReading] {
        try await db.rows("SELECT \(readingColumns) WHERE r.id > ? AND r.id <= ? ORDER BY r.id LIMIT ?", [id, through, limit]).map(storedReading)
    }
}
