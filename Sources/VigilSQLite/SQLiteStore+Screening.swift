import GRDB
public import VigilCore

extension SQLiteStore {
    /// Stores screenings, a resent one (same producer key) once; for each, 1 when stored or nil
    /// when it was a duplicate.
    func insert(_ screenings: [ScreeningEvent], _ db: Database) throws -> [Int64?] {
        guard !screenings.isEmpty else { return [] }
        let statement = try db.cachedStatement(
            sql: "INSERT INTO screening (device, boot, seq, site, time, celsius, received) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
        return try screenings.map { event in
            try statement.execute(arguments: [event.key.device, event.key.boot, event.key.seq, event.site, event.time, event.celsius, event.received])
            return db.changesCount > 0 ? 1 : nil
        }
    }

    public func screeningSites() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT site FROM screening ORDER BY site") }
    }

    public func screenings(site: String, from: Int64, to: Int64) async throws -> [ScreeningEvent] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT device, boot, seq, time, celsius, received FROM screening
                    WHERE site = ? AND time >= ? AND time < ? ORDER BY time
                    """,
                arguments: [site, from, to]
            ).map { row in
                ScreeningEvent(
                    key: ProducerKey(device: row["device"], boot: row["boot"], seq: row["seq"]), site: site, time: row["time"],
                    celsius: row["celsius"],
                    received: row["received"])
            }
        }
    }
}
