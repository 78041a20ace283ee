public import VigilCore

extension PostgresStore {
    /// Stores screenings, a resent one (same producer key) once; for each, 1 when stored or nil
    /// when it was a duplicate.
    func insert(_ screenings: [ScreeningEvent], _ db: Database) async throws -> [Int64?] {
        guard !screenings.isEmpty else { return [] }
        let stored = try await db.insert(
            into: "screening", columns: ["device", "boot", "seq", "site", "time", "celsius", "received"],
            rows: screenings.map { [$0.key.device, $0.key.boot, $0.key.seq, $0.site, $0.time, $0.celsius, $0.received] },
            returning: "device, boot, seq")
        return Self.firstOfEachKey(screenings.map(\.key), stored: stored)
    }

    /// For each producer key, 1 for the first of it among those `stored` returned, else nil.
    static func firstOfEachKey(_ keys: [ProducerKey], stored: [Row]) -> [Int64?] {
        var fresh = Set(stored.map { ProducerKey(device: $0["device"], boot: $0["boot"], seq: $0["seq"]) })
        return keys.map { fresh.remove($0) == nil ? nil : 1 }
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
