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
            var found: [LocationPing] = []
            // Merged, a ping is read at most twice: when it has both coordinates and a place.
            var both = Set<ProducerKey>()
            let byCell = try db.cachedStatement(
                sql: "SELECT \(Self.pingColumns) FROM location_ping WHERE cell = ? AND time >= ? AND time < ?")
            let byPlace = try db.cachedStatement(
                sql: "SELECT \(Self.pingColumns) FROM location_ping WHERE place = ? AND time >= ? AND time < ?")
            func read(_ statement: Statement, _ key: some DatabaseValueConvertible, _ window: PingWindow) throws {
                let rows = try Row.fetchCursor(statement, arguments: [key, window.from, window.to])
                while let row = try rows.next() {
                    let ping = Self.ping(row)
                    if ping.position == nil || ping.place == nil || both.insert(ping.key).inserted { found.append(ping) }
                }
            }
            for window in PingWindow.merged(windows) {
                if let cell = window.cell { try read(byCell, cell, window) }
                if let place = window.place { try read(byPlace, place, window) }
            }
            return found.sorted { ($0.time, $0.patient, $0.key.seq) < ($1.time, $1.patient, $1.key.seq) }
        }
    }

    public func pingPatients() async throws -> [String] {
        try await pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT patient FROM location_ping ORDER BY patient") }
    }

    /// The columns ``ping(_:)`` reads, by position.
    static let pingColumns = "device, boot, seq, patient, time, latitude, longitude, accuracy, place, received"

    static func ping(_ row: Row) -> LocationPing {
        let latitude: Double? = row[5]
        let longitude: Double? = row[6]
        let position = latitude.flatMap { lat in longitude.map { GeoPosition(latitude: lat, longitude: $0, accuracy: row[7]) } }
        return LocationPing(
            key: ProducerKey(device: row[0], boot: row[1], seq: row[2]), patient: row[3], time: row[4], position: position, place: row[8],
            received: row[9])
    }
}
