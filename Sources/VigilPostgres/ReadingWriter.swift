import VigilCore

/// The readings of one write transaction: each batch in one `INSERT … SELECT unnest(…) ON
/// CONFLICT DO NOTHING`, its rows sent as ten arrays; and each device's newest upload, recorded
/// once at the end.
struct ReadingWriter: Sendable {
    /// Device keys of the readings inserted so far, with the newest receive time and its patient.
    private(set) var seen: [Int64: (received: Int64, patient: Int64)] = [:]

    /// Inserts readings; returns each one's id, nil when its producer key was already stored
    /// (before, or earlier in the batch).
    mutating func insert(_ readings: [Reading], store: PostgresStore, _ db: Database) async throws -> [Int64?] {
        guard !readings.isEmpty else { return [] }
        var devices: [Int64] = [], patients: [Int64] = [], codes: [Int64] = []
        var deviceKeys: [String: Int64] = [:], patientKeys: [String: Int64] = [:], codeKeys: [String: Int64] = [:]
        for reading in readings {
            // Readings only name devices and patients that were stored before the commit began.
            devices.append(try await Self.key(reading.key.device, in: &deviceKeys) { try await Self.stored("Device", $0, store, db) })
            patients.append(try await Self.key(reading.patient, in: &patientKeys) { try await Self.stored("Patient", $0, store, db) })
            codes.append(try await Self.key(reading.code, in: &codeKeys) { try await store.codeKey($0, db) })
        }
        let inserted = try await db.rows(
            """
            INSERT INTO reading (device_key, boot, seq, patient_key, code_key, value, unit, time, received, flags)
            SELECT * FROM unnest(?::bigint[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::float8[], ?::text[], ?::bigint[], ?::bigint[],
                ?::bigint[])
            ON CONFLICT DO NOTHING RETURNING id, device_key, boot, seq
            """,
            [
                devices, readings.map(\.key.boot), readings.map(\.key.seq), patients, codes, readings.map(\.value), readings.map(\.unit),
                readings.map(\.time), readings.map(\.received), readings.map { Int64($0.flags.rawValue) },
            ])
        var ids: [Key: Int64] = [:]
        // By position: a name is looked up in a dictionary for every cell.
        for row in inserted { ids[Key(device: row[1], boot: row[2], seq: row[3])] = row[0] }
        return readings.indices.map { index in
            let reading = readings[index]
            // The first of a producer key in the batch is the one stored.
            guard let id = ids.removeValue(forKey: Key(device: devices[index], boot: reading.key.boot, seq: reading.key.seq)) else { return nil }
            if (seen[devices[index]]?.received ?? .min) <= reading.received { seen[devices[index]] = (reading.received, patients[index]) }
            return id
        }
    }

    /// Records each device's upload in `device_seen`.
    func recordUploads(_ db: Database) async throws {
        guard !seen.isEmpty else { return }
        let uploads = seen.sorted { $0.key < $1.key }
        try await db.execute(
            """
            INSERT INTO device_seen AS s (device_key, last_received, patient_key) SELECT * FROM unnest(?::bigint[], ?::bigint[], ?::bigint[])
            ON CONFLICT (device_key) DO UPDATE SET previous_received = s.last_received, last_received = excluded.last_received,
            patient_key = excluded.patient_key WHERE excluded.last_received > s.last_received
            """, [uploads.map(\.key), uploads.map(\.value.received), uploads.map(\.value.patient)])
    }

    private struct Key: Hashable {
        let device: Int64
        let boot: String
        let seq: Int64
    }

    private static func stored(_ type: String, _ id: String, _ store: PostgresStore, _ db: Database) async throws -> Int64 {
        guard let key = try await store.key(type, id, db, committed: true) else { throw VigilError(.unprocessable, "\(type)/\(id) does not exist") }
        return key
    }

    private static func key(_ name: String, in cache: inout [String: Int64], find: (String) async throws -> Int64) async throws -> Int64 {
        if let key = cache[name] { return key }
        let key = try await find(name)
        cache[name] = key
        return key
    }
}
