import GRDB
import GRDBSQLite
import VigilCore

/// The hot loop of a group commit: one prepared `INSERT … ON CONFLICT DO NOTHING` of readings,
/// bound with SQLite's C API (GRDB's argument boxing costs more than the insert itself at
/// 100,000 rows a second). Runs inside the caller's transaction.
struct ReadingInserter {
    private let statement: Statement
    private let store: SQLiteStore
    private let db: Database
    private var devices: [String: Int64] = [:]
    private var patients: [String: Int64] = [:]
    private var codes: [String: Int64] = [:]
    private var last: (device: String, deviceKey: Int64, patient: String, patientKey: Int64, code: String, codeKey: Int64)?

    init(store: SQLiteStore, db: Database) throws {
        self.store = store
        self.db = db
        self.statement = try db.cachedStatement(
            sql: """
                INSERT INTO reading (device_key, boot, seq, patient_key, code_key, value, unit, time, received, flags)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """
        )
    }

    /// Device keys of the readings inserted so far, with the newest receive time and its patient.
    private(set) var seen: [Int64: (received: Int64, patient: Int64)] = [:]

    /// Inserts one reading; returns its id, or nil when its producer key was already stored.
    mutating func insert(_ reading: Reading) throws -> Int64? {
        let keys = try self.keys(reading)
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, keys.device)
        Self.bind(reading.key.boot, at: 2, of: handle)
        sqlite3_bind_int64(handle, 3, reading.key.seq)
        sqlite3_bind_int64(handle, 4, keys.patient)
        sqlite3_bind_int64(handle, 5, keys.code)
        sqlite3_bind_double(handle, 6, reading.value)
        Self.bind(reading.unit, at: 7, of: handle)
        sqlite3_bind_int64(handle, 8, reading.time)
        sqlite3_bind_int64(handle, 9, reading.received)
        sqlite3_bind_int64(handle, 10, Int64(reading.flags.rawValue))
        let result = sqlite3_step(handle)
        guard result == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: result), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        guard sqlite3_changes(db.sqliteConnection) > 0 else { return nil }
        if (seen[keys.device]?.received ?? Int64.min) <= reading.received { seen[keys.device] = (reading.received, keys.patient) }
        return sqlite3_last_insert_rowid(db.sqliteConnection)
    }

    /// Records each device's upload in `device_seen`.
    func recordUploads() throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO device_seen (device_key, last_received, patient_key) VALUES (?, ?, ?)
                ON CONFLICT (device_key) DO UPDATE SET previous_received = last_received, last_received = excluded.last_received,
                patient_key = excluded.patient_key WHERE excluded.last_received > last_received
                """
        )
        for (device, upload) in seen { try statement.execute(arguments: [device, upload.received, upload.patient]) }
    }

    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

    private static func bind(_ text: String, at index: Int32, of handle: OpaquePointer) {
        var text = text
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(
                handle, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, Int32(bytes.count), transient)
        }
    }

    /// Device, patient and code keys, with a fast path for a run of readings of one device.
    private mutating func keys(_ reading: Reading) throws -> (device: Int64, patient: Int64, code: Int64) {
        if let last, last.device == reading.key.device, last.patient == reading.patient, last.code == reading.code {
            return (last.deviceKey, last.patientKey, last.codeKey)
        }
        let (store, db) = (self.store, self.db)
        // Readings only name devices and patients that were stored before the commit began.
        let device = try Self.key(reading.key.device, in: &devices) { try Self.stored("Device", $0, store, db) }
        let patient = try Self.key(reading.patient, in: &patients) { try Self.stored("Patient", $0, store, db) }
        let code = try Self.key(reading.code, in: &codes) { try store.codeKey($0, db) }
        last = (reading.key.device, device, reading.patient, patient, reading.code, code)
        return (device, patient, code)
    }

    private static func stored(_ type: String, _ id: String, _ store: SQLiteStore, _ db: Database) throws -> Int64 {
        guard let key = try store.key(type, id, db, committed: true) else { throw VigilError(.unprocessable, "\(type)/\(id) does not exist") }
        return key
    }

    /// The key of `name` from `cache`, or found and remembered. Static, so that the cache is
    /// the only thing borrowed and is not copied.
    private static func key(_ name: String, in cache: inout [String: Int64], find: (String) throws -> Int64) rethrows -> Int64 {
        if let key = cache[name] { return key }
        let key = try find(name)
        cache[name] = key
        return key
    }
}
