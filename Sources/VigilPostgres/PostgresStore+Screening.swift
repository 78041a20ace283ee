public import VigilCore

extension PostgresStore {
    /// Stores screenings, a resent one (same producer key) once; for each, 1 when stored or nil
    /// when it was a duplicate.
    func insert(_ screenings: [ScreeningEvent], _ db: Database) async throws -> [Int64?] {
        var stored: [Int64?] = []
        for event in screenings {
            let inserted = try await db.rows(
                """
                INSERT INTO screening (device, boot, seq, site, time, celsius, received) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING RETURNING 1
                """, [event.key.device, event.key.boot, event.key.seq, event.site, event.time, event.celsius, event.received])
            stored.append(inserted.isEmpty ? nil : 1)
        }
        return stored
    }

    public func screeningSites() async throws -> [String] {
        try await read { db in try await db.values("SELECT DISTINCT site FROM screening ORDER BY site", as: String.self) }
    }

    public func screenings(site: String, from: Int64, to: Int64) async throws -> [ScreeningEvent] {
        try await read { db in
            try await db.rows(
                "SELECT device, boot, seq, time, celsius, received FROM screening WHERE site = ? AND time >= ? AND time < ? ORDER BY time",
                [site, from, to]
            ).map { row in
                ScreeningEvent(
                    key: ProducerKey(device: row["device"], boot: row["boot"], seq: row["seq"]), site: site, time: row["time"],
                    celsius: row["celsius"], received: row["received"])
            }
        }
    }
}
