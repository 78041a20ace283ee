import GRDB
import VigilCore

/// The schema, as ordered migrations. A migration is never edited once released; changes are new
/// migrations.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("1-spine") { db in
            for statement in version1 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("2-alerts") { db in
            for statement in version2 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("3-broker") { db in
            for statement in version3 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("4-sign-in-generation") { db in
            for statement in version4 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("5-deletion") { db in
            for statement in version5 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("6-backend-clients") { db in
            for statement in version6 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("7-search-quantity") { db in
            for statement in version7 { try db.execute(sql: statement) }
            try reindex(db)
        }
        migrator.registerMigration("8-population") { db in
            // Filled by 14, with the columns added since.
            for statement in version8 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("9-screening") { db in
            for statement in version9 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("10-whereabouts") { db in
            for statement in version10 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("11-covering-population-reads") { db in
            for statement in version11 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("12-population-changes") { db in
            for statement in version12 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("13-export-by-type") { db in
            for statement in version13 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("14-population-sex-and-research-refusals") { db in
            for statement in version14 { try db.execute(sql: statement) }
            try reindexPopulation(db)
        }
        migrator.registerMigration("15-reading-code") { db in
            for statement in version15 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("16-outbox") { db in
            for statement in version16 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("17-notification-preferences") { db in
            for statement in version17 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("18-device-commands") { db in
            for statement in version18 { try db.execute(sql: statement) }
        }
        return migrator
    }

    static let version1 = [
        // FHIR resources: current version as JSON; earlier versions in resource_history.
        """
        CREATE TABLE resource (
            key INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            last_updated INTEGER NOT NULL,
            compartment TEXT,
            json TEXT NOT NULL,
            UNIQUE (type, id)
        )
        """,
        "CREATE INDEX resource_compartment ON resource (type, compartment)",
        """
        CREATE TABLE resource_history (
            resource_key INTEGER NOT NULL,
            version INTEGER NOT NULL,
            last_updated INTEGER NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (resource_key, version)
        ) WITHOUT ROWID
        """,
        // Search index: one row per search-parameter value.
        "CREATE TABLE search_token (resource_key INTEGER NOT NULL, param TEXT NOT NULL, system TEXT, code TEXT NOT NULL)",
        "CREATE INDEX search_token_value ON search_token (param, code, system)",
        "CREATE INDEX search_token_resource ON search_token (resource_key)",
        "CREATE TABLE search_reference (resource_key INTEGER NOT NULL, param TEXT NOT NULL, target TEXT NOT NULL)",
        "CREATE INDEX search_reference_value ON search_reference (param, target)",
        "CREATE INDEX search_reference_resource ON search_reference (resource_key)",
        "CREATE TABLE search_date (resource_key INTEGER NOT NULL, param TEXT NOT NULL, low INTEGER NOT NULL, high INTEGER NOT NULL)",
        "CREATE INDEX search_date_value ON search_date (param, low)",
        "CREATE INDEX search_date_resource ON search_date (resource_key)",
        "CREATE TABLE search_string (resource_key INTEGER NOT NULL, param TEXT NOT NULL, value TEXT NOT NULL, raw TEXT NOT NULL)",
        "CREATE INDEX search_string_value ON search_string (param, value)",
        "CREATE INDEX search_string_resource ON search_string (resource_key)",
        // Relationships that open patients to people (from CareTeam and Group).
        "CREATE TABLE access_link (resource_key INTEGER NOT NULL, kind TEXT NOT NULL, target TEXT NOT NULL, start INTEGER, end INTEGER)",
        "CREATE INDEX access_link_target ON access_link (kind, target)",
        "CREATE INDEX access_link_resource ON access_link (resource_key)",
        // Which patient each device was on, when.
        "CREATE TABLE device_link (device_key INTEGER NOT NULL, patient_key INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER)",
        "CREATE INDEX device_link_device ON device_link (device_key, start)",
        // Device readings: append-only, one per producer key.
        "CREATE TABLE code (key INTEGER PRIMARY KEY, system TEXT NOT NULL, code TEXT NOT NULL, UNIQUE (system, code))",
        """
        CREATE TABLE reading (
            id INTEGER PRIMARY KEY,
            device_key INTEGER NOT NULL,
            boot TEXT NOT NULL,
            seq INTEGER NOT NULL,
            patient_key INTEGER NOT NULL,
            code_key INTEGER NOT NULL,
            value REAL NOT NULL,
            unit TEXT NOT NULL,
            time INTEGER NOT NULL,
            received INTEGER NOT NULL,
            flags INTEGER NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX reading_producer ON reading (device_key, boot, seq)",
        "CREATE INDEX reading_patient_code_time ON reading (patient_key, code_key, time)",
        "CREATE TRIGGER reading_append_only BEFORE UPDATE ON reading BEGIN SELECT RAISE(ABORT, 'readings are append-only'); END",
        // Refused readings, with their reason; a resend of the same refused reading is kept once.
        """
        CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY,
            device TEXT NOT NULL,
            boot TEXT,
            seq INTEGER,
            idx INTEGER NOT NULL,
            reason TEXT NOT NULL,
            payload TEXT NOT NULL,
            source TEXT NOT NULL,
            received INTEGER NOT NULL
        )
        """,
        "CREATE UNIQUE INDEX quarantine_producer ON quarantine (device, boot, seq, payload) WHERE seq IS NOT NULL AND boot IS NOT NULL",
        "CREATE INDEX quarantine_device ON quarantine (device, id)",
        // Accounts and device credentials.
        """
        CREATE TABLE user (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL,
            fhir_user TEXT,
            password_hash TEXT NOT NULL,
            disabled INTEGER NOT NULL,
            created INTEGER NOT NULL
        )
        """,
        """
        CREATE TABLE device_credential (
            id INTEGER PRIMARY KEY,
            device TEXT NOT NULL,
            token_hash BLOB NOT NULL UNIQUE,
            created INTEGER NOT NULL,
            revoked INTEGER
        )
        """,
        "CREATE INDEX device_credential_device ON device_credential (device)",
        // The audit chain: append-only; seq has no gaps; hash seals each row to the one before.
        """
        CREATE TABLE audit (
            seq INTEGER PRIMARY KEY,
            time INTEGER NOT NULL,
            actor TEXT NOT NULL,
            role TEXT NOT NULL,
            patient TEXT,
            action TEXT NOT NULL,
            resource TEXT NOT NULL,
            outcome INTEGER NOT NULL,
            client TEXT,
            detail TEXT,
            hash BLOB NOT NULL
        )
        """,
        "CREATE INDEX audit_patient ON audit (patient, time)",
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    ]

    static let version2 = [
        // Alerts: at most one open alert per patient and condition.
        """
        CREATE TABLE alert (
            id INTEGER PRIMARY KEY,
            patient TEXT NOT NULL,
            key TEXT NOT NULL,
            kind TEXT NOT NULL,
            priority TEXT NOT NULL,
            status TEXT NOT NULL,
            escalation INTEGER NOT NULL,
            raised INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            message TEXT NOT NULL,
            values_json TEXT NOT NULL,
            acknowledgements_json TEXT NOT NULL,
            resolution_by TEXT,
            resolution_reason TEXT,
            resolution_at INTEGER,
            next_renotify INTEGER,
            next_escalation INTEGER
        )
        """,
        "CREATE UNIQUE INDEX alert_open ON alert (patient, key) WHERE status != 'resolved'",
        "CREATE INDEX alert_patient ON alert (patient, key, id)",
        "CREATE INDEX alert_status ON alert (status, raised)",
        // Every step of every alert: transitions, comments, who was notified.
        """
        CREATE TABLE alert_event (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER NOT NULL,
            kind TEXT NOT NULL,
            at INTEGER NOT NULL,
            actor TEXT,
            detail TEXT,
            recipients_json TEXT NOT NULL
        )
        """,
        "CREATE INDEX alert_event_alert ON alert_event (alert_id, id)",
        // Each device's last two uploads (its cadence survives a restart).
        "CREATE TABLE device_seen (device_key INTEGER PRIMARY KEY, last_received INTEGER NOT NULL, previous_received INTEGER, patient_key INTEGER NOT NULL)",
    ]

    static let version3 = [
        // The Mosquitto password-file hash of a device token, kept at issue (the token is not).
        "ALTER TABLE device_credential ADD COLUMN broker_hash TEXT"
    ]

    static let version4 = [
        // Tokens and dashboard sessions of an account end when this changes (UserAccount.signInGeneration).
        "ALTER TABLE user ADD COLUMN sign_in_generation INTEGER NOT NULL DEFAULT 0"
    ]

    static let version5 = [
        // A FHIR DELETE is a version: the current row and its history row say deleted (the JSON
        // kept is the version before, for access decisions, never served).
        "ALTER TABLE resource ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE resource_history ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0",
    ]

    static let version6 = [
        // A backend service's account (SMART Backend Services): its JWK Set and the scopes it may be granted.
        "ALTER TABLE user ADD COLUMN client_jwks TEXT",
        "ALTER TABLE user ADD COLUMN client_scope TEXT",
    ]

    static let version7 = [
        // Quantities (value-quantity, onset-age): a value, or a range's ends, and the unit.
        "CREATE TABLE search_quantity (resource_key INTEGER NOT NULL, param TEXT NOT NULL, low REAL NOT NULL, high REAL NOT NULL, system TEXT, code TEXT)",
        "CREATE INDEX search_quantity_value ON search_quantity (param, low)",
        "CREATE INDEX search_quantity_resource ON search_quantity (resource_key)",
    ]

    static let version8 = [
        // What outbreak cohorts read (PopulationFact), per resource version like the search index:
        // each living patient's birth and area, and their active conditions, doses and BMIs.
        """
        CREATE TABLE population_person (
            resource_key INTEGER PRIMARY KEY,
            patient TEXT NOT NULL,
            birth TEXT,
            birth_low INTEGER,
            birth_high INTEGER,
            area TEXT
        )
        """,
        "CREATE INDEX population_person_patient ON population_person (patient)",
        "CREATE INDEX population_person_low ON population_person (birth_low)",
        "CREATE INDEX population_person_high ON population_person (birth_high)",
        // kind: 1 condition, 2 dose (time given), 3 BMI (value and time); 4 (since version 14) a refusal of research.
        "CREATE TABLE population_fact (resource_key INTEGER NOT NULL, patient TEXT NOT NULL, kind INTEGER NOT NULL, system TEXT, code TEXT, time INTEGER, value REAL)",
        "CREATE INDEX population_fact_code ON population_fact (kind, system, code)",
        "CREATE INDEX population_fact_patient ON population_fact (patient, kind)",
        "CREATE INDEX population_fact_bmi ON population_fact (value) WHERE kind = 3",
        "CREATE INDEX population_fact_resource ON population_fact (resource_key)",
    ]

    /// The tables of the search index, one per kind of search parameter.
    static let version9 = [
        // Anonymous screenings of public-place kiosks: a site, a time and a temperature, no person.
        """
        CREATE TABLE screening (
            device TEXT NOT NULL,
            boot TEXT NOT NULL,
            seq INTEGER NOT NULL,
            site TEXT NOT NULL,
            time INTEGER NOT NULL,
            celsius REAL NOT NULL,
            received INTEGER NOT NULL,
            PRIMARY KEY (device, boot, seq)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX screening_site ON screening (site, time)",
    ]

    static let version10 = [
        // Wearers' whereabouts, of consenting patients only, for exposure tracing: coordinates with
        // their grid cell (GeoPosition.cell), or a known place. Erased when consent ends and after
        // the retention period.
        """
        CREATE TABLE location_ping (
            device TEXT NOT NULL,
            boot TEXT NOT NULL,
            seq INTEGER NOT NULL,
            patient TEXT NOT NULL,
            time INTEGER NOT NULL,
            latitude REAL,
            longitude REAL,
            accuracy REAL,
            cell INTEGER,
            place TEXT,
            received INTEGER NOT NULL,
            PRIMARY KEY (device, boot, seq)
        ) WITHOUT ROWID
        """,
        "CREATE INDEX location_ping_patient ON location_ping (patient, time)",
        "CREATE INDEX location_ping_cell ON location_ping (cell, time) WHERE cell IS NOT NULL",
        "CREATE INDEX location_ping_place ON location_ping (place, time) WHERE place IS NOT NULL",
        "CREATE INDEX location_ping_time ON location_ping (time)",
        // The purpose of use a person stated (exposure tracing's reason).
        "ALTER TABLE audit ADD COLUMN purpose TEXT",
    ]

    /// Indexes that answer the population's wide reads by themselves, in key order, with no lookup
    /// of each row in its table: exposure tracing's pings of a cell over a time, a cohort's
    /// conditions of a code and doses of a vaccine since a day.
    static let version11 = [
        "DROP INDEX location_ping_cell",
        """
        CREATE INDEX location_ping_cell ON location_ping (cell, time, patient, latitude, longitude, accuracy, place, received)
        WHERE cell IS NOT NULL
        """,
        "DROP INDEX population_fact_code",
        "CREATE INDEX population_fact_condition ON population_fact (system, code, patient) WHERE kind = 1",
        "CREATE INDEX population_fact_dose ON population_fact (code, time, patient, system) WHERE kind = 2",
    ]

    /// Which patients' population facts changed, each with the number of its latest change (one
    /// more than the greatest before it): what a population table held in memory reads to catch up.
    static let version12 = [
        "CREATE TABLE population_change (patient TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE INDEX population_change_seq ON population_change (seq)",
    ]

    /// A bulk export reads each type's resources in key order.
    static let version13 = ["CREATE INDEX resource_type_key ON resource (type, key)"]

    /// Research aggregates place people by sex, and leave out those whose Consent refuses research
    /// (population_fact kind 4: from in time, to in value).
    static let version14 = ["ALTER TABLE population_person ADD COLUMN gender TEXT"]

    /// Research aggregates read one code's readings (of the 10^7 of a million patients, 5 million
    /// heart rates) from this index alone: in id order within the code, holding every column they
    /// read. Inserts land at the end of their code's range, so ingest pays little for it.
    static let version15 = ["CREATE INDEX reading_code ON reading (code_key, id, patient_key, value, time)"]

    static let version16 = [
        // Notifications to deliver outside the server, written with the alert step they tell of.
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            alert_id INTEGER NOT NULL,
            channel TEXT NOT NULL,
            target TEXT NOT NULL,
            address TEXT NOT NULL,
            payload TEXT NOT NULL,
            created INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt INTEGER NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            last_error TEXT
        )
        """,
        "CREATE INDEX outbox_due ON outbox (next_attempt, id) WHERE state = 'pending'",
        "CREATE INDEX outbox_alert ON outbox (alert_id, id)",
        "CREATE TABLE webhook (id INTEGER PRIMARY KEY, url TEXT NOT NULL, priorities TEXT NOT NULL, created INTEGER NOT NULL)",
    ]

    /// How each person wants to be told beyond the dashboard.
    static let version17 = ["ALTER TABLE user ADD COLUMN notifications_json TEXT"]

    /// Commands to devices and their steps.
    static let version18 = [
        """
        CREATE TABLE command (
            id INTEGER PRIMARY KEY,
            device TEXT NOT NULL,
            patient TEXT,
            name TEXT NOT NULL,
            parameters_json TEXT NOT NULL,
            state TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            confirmed_by TEXT,
            proposal TEXT,
            reason TEXT,
            created INTEGER NOT NULL,
            deadline INTEGER NOT NULL,
            attempts INTEGER NOT NULL,
            next_attempt INTEGER NOT NULL,
            version INTEGER NOT NULL,
            UNIQUE (proposal, device, name)
        )
        """,
        "CREATE INDEX command_device ON command (device, id)",
        "CREATE INDEX command_patient ON command (patient, id)",
        "CREATE INDEX command_open ON command (next_attempt) WHERE state IN ('requested', 'sent', 'delivered', 'accepted', 'proposed')",
        "CREATE TABLE command_event (id INTEGER PRIMARY KEY, command_id INTEGER NOT NULL, state TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, detail TEXT)",
        "CREATE INDEX command_event_command ON command_event (command_id, id)",
    ]

    static let searchTables = ["search_token", "search_reference", "search_date", "search_string", "search_quantity"]

    /// The tables of population facts, by resource like the search index.
    static let populationTables = ["population_person", "population_fact"]

    /// Rebuilds the search index of every current resource from its JSON: after a change of what
    /// is indexed (new parameters, new kinds), what was stored before is found like what comes after.
    static func reindex(_ db: Database) throws {
        for table in searchTables {
            try db.execute(sql: "DELETE FROM \(table)")
        }
        let rows = try Row.fetchCursor(db, sql: "SELECT key, type, json FROM resource WHERE deleted = 0")
        while let row = try rows.next() {
            guard let type = FHIRResourceType(rawValue: row["type"]), let json = try? JSON.parse(row["json"] as String) else { continue }
            try SQLiteStore.insertIndex(FHIRIndexer.entries(for: json, type: type), key: row["key"], db)
        }
    }

    /// Rebuilds the population facts of every current resource of the types that state them.
    static func reindexPopulation(_ db: Database) throws {
        for table in populationTables {
            try db.execute(sql: "DELETE FROM \(table)")
        }
        let rows = try Row.fetchCursor(
            db,
            sql:
                "SELECT key, type, id, json FROM resource WHERE deleted = 0 AND type IN (\(PopulationFact.sourceTypes.map { "'\($0.rawValue)'" }.joined(separator: ", ")))"
        )
        while let row = try rows.next() {
            guard let type = FHIRResourceType(rawValue: row["type"]), let json = try? JSON.parse(row["json"] as String) else { continue }
            try SQLiteStore.insertPopulation(PopulationFact.facts(of: json, type: type, id: row["id"]), key: row["key"], db)
        }
    }
}
