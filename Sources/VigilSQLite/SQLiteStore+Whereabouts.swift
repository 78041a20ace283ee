import GRDB
public import VigilCore

extension SQLiteStore {
    /// Stores pings, a resent one (same producer key) once; for each, 1 when stored or nil when it
    /// was a duplicate.
    func insert(_ pings: [LocationPing], _ db: Database) throws -> [Int64?] {
        guard !pings.isEmpty else { return [] }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO location_ping (device, boot, seq, patient, time, latitude, longitude, accuracy, cell, place, received)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
        return try pings.map { ping in
            try statement.execute(arguments: [
                ping.key.device, ping.key.boot, ping.key.seq, ping.patient, ping.time, ping.position?.latitude, ping.position?.longitude,
                ping.position?.accuracy, ping.position?.cell, ping.place, ping.received,
            ])
            return db.changesCount > 0 ? 1 : nil
        }
    }

    /// Erases what `erasure` names; returns how many pings went.
    func erase(_ erasure: PingErasure, _ db: Database) throws -> Int {
        var conditions: [SQLFragment] = []
        if let patient = erasure.patient { conditions.append(SQLFragment("patient = ?", [patient])) }
        if let before = erasure.before { conditions.append(SQLFragment("time < ?", [before])) }
        guard !conditions.isEmpty else { return 0 }
        let condition = SQLFragment.all(conditions)
        try db.execute(sql: "DELETE FROM location_ping WHERE \(condition.sql)", arguments: condition.statementArguments)
        return db.changesCount
    }

    public func pings(patient: String, from: Int64, to: Int64) async throws -> [LocationPing] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.pingColumns) FROM location_ping WHERE patient = ? AND time >= ? AND time < ? ORDER BY time",
                arguments: [patient, from, to]
            ).map(Self.ping)
        }
    }

    public func pings(in windows: [PingWindow]) async throws -> [LocationPing] {
        try await pool.read { db in
            var found: [ProducerKey: LocationPing] = [:]
            let byCell = try db.cachedStatement(
                sql: "SELECT \(Self.pingColumns) FROM location_ping WHERE cell = ? AND time >= ? AND time < ?")
            let byPlace = try db.cachedStatement(
                sql: "SELECT \(Self.pingColumns) FROM location_ping WHERE place = ? AND time >= ? AND time < ?")
            for window in windows {
                if let cell = window.cell {
                    for ping in try Row.fetchAll(byCell, arguments: [cell, window.from, window.to]).map(Self.ping) { found[ping.key] = ping }
                }
                if let place = window.place {
                    for ping in try Row.fetchAll(byPlace, arguments: [place, window.from, window.to]).map(Self.ping) { found[ping.key] = ping }
                }
            }
            return found.values.sorted { ($0.time, $0.patient, $0.key.seq) < ($1.time, $1.patient, $1.key.seq) }
        }
    }

    public func pingPatients() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT patient FROM location_ping ORDER BY patient") }
    }

    static let pingColumns = "device, boot, seq, patient, time, latitude, longitude, accuracy, place, received"

    static func ping(_ row: Row) -> LocationPing {
        let latitude: Double? = row["latitude"]
        let longitude: Double? = row["longitude"]
        let position = latitude.flatMap { lat in longitude.map { GeoPosition(latitude: lat, longitude: $0, accuracy: row["accuracy"]) } }
        return LocationPing(
            key: ProducerKey(device: row["device"], boot: row["boot"], seq: row["seq"]), patient: row["patient"], time: row["time"],
            position: position, place: row["place"], received: row["received"])
    }
}
