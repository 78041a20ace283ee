public import VigilCore

extension PostgresStore {
    /// Stores pings, a resent one (same producer key) once; for each, 1 when stored or nil when it
    /// was a duplicate.
    func insert(_ pings: [LocationPing], _ db: Database) async throws -> [Int64?] {
        guard !pings.isEmpty else { return [] }
        let stored = try await db.insert(
            into: "location_ping",
            columns: ["device", "boot", "seq", "patient", "time", "latitude", "longitude", "accuracy", "cell", "place", "received"],
            rows: pings.map { ping in
                [
                    ping.key.device, ping.key.boot, ping.key.seq, ping.patient, ping.time, ping.position?.latitude, ping.position?.longitude,
                    ping.position?.accuracy, ping.position?.cell, ping.place, ping.received,
                ]
            }, returning: "device, boot, seq")
        return Self.firstOfEachKey(pings.map(\.key), stored: stored)
    }

    /// Erases what `erasure` names; returns how many pings went.
    func erase(_ erasure: PingErasure, _ db: Database) async throws -> Int {
        var conditions: [SQLFragment] = []
        if let patient = erasure.patient { conditions.append(SQLFragment("patient = ?", [patient])) }
        if let before = erasure.before { conditions.append(SQLFragment("time < ?", [before])) }
        guard !conditions.isEmpty else { return 0 }
        return try await db.rows(SQLFragment("DELETE FROM location_ping WHERE ").appending(.all(conditions)).appending(" RETURNING 1")).count
    }

    public func pings(patient: String, from: Int64, to: Int64) async throws -> [LocationPing] {
        try await read { db in
            try await db.rows(
                "SELECT \(Self.pingColumns) FROM location_ping WHERE patient = ? AND time >= ? AND time < ? ORDER BY time", [patient, from, to]
            ).map(Self.ping)
        }
    }

    public func pings(in windows: [PingWindow]) async throws -> [LocationPing] {
        try await read { db in
            var found: [LocationPing] = []
            // Merged, a ping is read at most twice: when it has both coordinates and a place.
            var both = Set<ProducerKey>()
            func read(_ column: String, _ key: any SQLBindable, _ window: PingWindow) async throws {
                for row in try await db.rows(
                    "SELECT \(Self.pingColumns) FROM location_ping WHERE \(column) = ? AND time >= ? AND time < ?", [key, window.from, window.to])
                {
                    let ping = Self.ping(row)
                    if ping.position == nil || ping.place == nil || both.insert(ping.key).inserted { found.append(ping) }
                }
            }
            for window in PingWindow.merged(windows) {
                if let cell = window.cell { try await read("cell", cell, window) }
                if let place = window.place { try await read("place", place, window) }
            }
            return found.sorted { ($0.time, $0.patient, $0.key.seq) < ($1.time, $1.patient, $1.key.seq) }
        }
    }

    public func pingPatients() async throws -> [String] {
        try await read { db in try await db.values("SELECT DISTINCT patient FROM location_ping ORDER BY patient", as: String.self) }
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
