public import VigilCore

/// The population held in memory (``PopulationTable``): read whole, then caught up from the
/// patients `population_change` names after its mark.
extension PostgresStore {
    public func populationTable() async throws -> PopulationTable {
        try await read { db in
            var table = PopulationTable(mark: try await db.value("SELECT coalesce(max(seq), 0) FROM population_change", as: Int64.self) ?? 0)
            try await Self.readPopulation(where: .true, into: &table, db)
            return table
        }
    }

    public func populationChanges(after mark: Int64, limit: Int) async throws -> PopulationChanges? {
        try await read { db in
            let rows = try await db.rows("SELECT patient, seq FROM population_change WHERE seq > ? ORDER BY seq LIMIT ?", [mark, limit + 1])
            guard rows.count <= limit else { return nil }
            let patients: [String] = rows.map { $0[0] }
            var changes = PopulationChanges(mark: rows.last?[1] ?? mark, patients: patients, facts: [])
            if !patients.isEmpty {
                try await Self.readPopulation(where: SQLFragment("patient = ANY(?::text[])", [patients]), into: &changes, db)
            }
            return changes
        }
    }

    /// Reads the people `filter` selects and their facts, the people first, by kind. Each
    /// person's key is their Patient's resource key, as readings name their patient.
    private static func readPopulation(where filter: SQLFragment, into sink: inout some PopulationSink, _ db: Database) async throws {
        for row in try await db.rows(SQLFragment("SELECT patient, birth, area, gender, resource_key FROM population_person WHERE ").appending(filter))
        {
            let patient: String = row[0]
            sink.add(.person(patient: patient, birth: row[1], area: row[2], gender: row[3], deceased: false))
            sink.identify(patient, key: row[4])
        }
        let reads: [(select: String, fact: (Row) -> PopulationFact)] = [
            (
                "SELECT patient, system, code FROM population_fact WHERE kind = \(FactKind.condition.rawValue) AND ",
                { .condition(patient: $0[0], system: $0[1], code: $0[2]) }
            ),
            (
                "SELECT patient, system, code, time FROM population_fact WHERE kind = \(FactKind.dose.rawValue) AND ",
                { .dose(patient: $0[0], system: $0[1], code: $0[2], time: $0[3]) }
            ),
            (
                "SELECT patient, value, time FROM population_fact WHERE kind = \(FactKind.bmi.rawValue) AND ",
                { .bmi(patient: $0[0], value: $0[1], time: $0[2]) }
            ),
            (
                "SELECT patient, time, value FROM population_fact WHERE kind = \(FactKind.researchRefusal.rawValue) AND ",
                { .researchRefusal(patient: $0[0], from: $0[1], to: ($0[2] as Double?).map { Int64($0) }) }
            ),
        ]
        for (select, fact) in reads {
            for row in try await db.rows(SQLFragment(select).appending(filter)) { sink.add(fact(row)) }
        }
    }

    /// The patients whose population facts the resource version stored under `key` states.
    static func populationPatients(of key: Int64, _ db: Database) async throws -> Set<String> {
        Set(
            try await db.values(
                "SELECT patient FROM population_person WHERE resource_key = ? UNION SELECT patient FROM population_fact WHERE resource_key = ?",
                [key, key], as: String.self))
    }

    /// Numbers a change of each patient's population facts, after every change before it.
    static func notePopulationChanges(_ patients: Set<String>, _ db: Database) async throws {
        for patient in patients.sorted() {
            try await db.execute(
                """
                INSERT INTO population_change (patient, seq) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM population_change))
                ON CONFLICT (patient) DO UPDATE SET seq = excluded.seq
                """, [patient])
        }
    }
}

/// Where population facts read go: a table, or changes.
private protocol PopulationSink {
    mutating func add(_ fact: PopulationFact)
    mutating func identify(_ patient: String, key: Int64)
}

extension PopulationTable: PopulationSink {}

extension PopulationChanges: PopulationSink {
    fileprivate mutating func add(_ fact: PopulationFact) { facts.append(fact) }
    fileprivate mutating func identify(_ patient: String, key: Int64) { keys[patient] = key }
}
