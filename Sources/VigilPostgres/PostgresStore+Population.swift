public import VigilCore

/// The `kind` column of `population_fact`.
enum FactKind: Int {
    case condition = 1, dose = 2, bmi = 3, researchRefusal = 4
}

extension PostgresStore {
    /// Writes a resource version's population facts, inside the caller's transaction. A deceased
    /// patient has no person row, so is in no cohort.
    static func insertPopulation(_ facts: [PopulationFact], key: Int64, _ db: Database) async throws {
        for fact in facts {
            switch fact {
            case .person(let patient, let birth, let area, let gender, let deceased):
                guard !deceased else { continue }
                let range = birth.flatMap(FHIRDateTime.init)
                try await db.execute(
                    "INSERT INTO population_person (resource_key, patient, birth, birth_low, birth_high, area, gender) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [key, patient, range == nil ? nil : birth, range?.lowerBound, range?.upperBound, area, gender])
            case .condition(let patient, let system, let code):
                try await insertFact(key, patient, kind: .condition, system: system, code: code, time: nil, value: nil, db)
            case .dose(let patient, let system, let code, let time):
                try await insertFact(key, patient, kind: .dose, system: system, code: code, time: time, value: nil, db)
            case .bmi(let patient, let value, let time):
                try await insertFact(key, patient, kind: .bmi, system: nil, code: nil, time: time, value: value, db)
            case .researchRefusal(let patient, let from, let to):
                try await insertFact(key, patient, kind: .researchRefusal, system: nil, code: nil, time: from, value: to.map(Double.init), db)
            }
        }
    }

    private static func insertFact(
        _ key: Int64, _ patient: String, kind: FactKind, system: String?, code: String?, time: Int64?, value: Double?, _ db: Database
    ) async throws {
        try await db.execute(
            "INSERT INTO population_fact (resource_key, patient, kind, system, code, time, value) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [key, patient, kind.rawValue, system, code, time, value])
    }

    public func population(_ query: PopulationQuery) async throws -> [PopulationRecord] {
        try await read { db in
            var records: [String: PopulationRecord] = [:]
            if let panel = query.patients {
                try await Self.people(Array(panel), into: &records, db)
                try await Self.facts(of: &records, query: query, db)
            } else {
                try await Self.everyoneAtRisk(query, into: &records, db)
            }
            return records.values.sorted { $0.patient < $1.patient }
        }
    }

    /// Everyone a rule could count at risk (by age or of unknown age, by condition, by BMI) with
    /// their facts, each fact read once from an index in code order.
    private static func everyoneAtRisk(_ query: PopulationQuery, into records: inout [String: PopulationRecord], _ db: Database) async throws {
        if query.readsAge {
            for row in try await db.rows(
                "SELECT patient, birth, area FROM population_person WHERE birth_high > ? OR birth_low <= ? OR birth_low IS NULL",
                [query.bornAfter ?? .max, query.bornBefore ?? .min])
            {
                records[row[0]] = PopulationRecord(patient: row[0], birth: row[1], area: row[2])
            }
        }
        var conditions: [String: [PopulationCode]] = [:]
        for code in query.conditions {
            for row in try await db.rows(
                SQLFragment("SELECT patient, system, code FROM population_fact WHERE kind = \(FactKind.condition.rawValue) AND ").appending(
                    Self.matching(code)))
            {
                let code = PopulationCode(system: row[1], code: row[2])
                // A code two of the query's codes match (a prefix and a code under it) is read twice.
                if conditions[row[0], default: []].contains(code) == false { conditions[row[0], default: []].append(code) }
            }
        }
        var bmis: [String: Double] = [:]
        if let threshold = query.bmiAtLeast {
            // The latest BMI of those who ever had one at the threshold, in time order.
            for row in try await db.rows(
                """
                SELECT patient, value FROM population_fact WHERE kind = \(FactKind.bmi.rawValue)
                AND patient IN (SELECT patient FROM population_fact WHERE kind = \(FactKind.bmi.rawValue) AND value >= ?) ORDER BY patient, time
                """, [threshold])
            {
                bmis[row[0]] = row[1]
            }
        }
        try await people(Set(conditions.keys).union(bmis.keys).filter { records[$0] == nil }, into: &records, db)
        for (patient, codes) in conditions { records[patient]?.conditions = codes }
        for (patient, bmi) in bmis { records[patient]?.bmi = bmi }

        // The doses of the query's vaccines, by code; a vaccine named by a prefix reads every dose.
        let byCode = query.vaccines.contains(where: \.prefix) ? [nil] : Array(Set(query.vaccines.map(\.code))).map { Optional($0) }
        for code in byCode {
            for row in try await db.rows(
                """
                SELECT patient, system, code, time FROM population_fact WHERE kind = \(FactKind.dose.rawValue)
                AND \(code == nil ? "code IS NOT NULL" : "code = ?")
                """, code.map { [$0] } ?? [])
            {
                let patient: String = row[0]
                guard records[patient] != nil else { continue }
                let code = PopulationCode(system: row[1], code: row[2])
                if query.vaccines.contains(where: { $0.matches(code) }) { records[patient]?.doses.append(.init(code: code, time: row[3])) }
            }
        }
    }

    /// Reads the person rows of `patients` (those living and known).
    private static func people(_ patients: some Collection<String>, into records: inout [String: PopulationRecord], _ db: Database) async throws {
        guard !patients.isEmpty else { return }
        for row in try await db.rows("SELECT patient, birth, area FROM population_person WHERE patient = ANY(?::text[])", [Array(patients)]) {
            records[row[0]] = PopulationRecord(patient: row[0], birth: row[1], area: row[2])
        }
    }

    /// Adds each record's conditions among the query's codes, doses of its vaccines and latest BMI,
    /// reading by patient: a panel's few.
    private static func facts(of records: inout [String: PopulationRecord], query: PopulationQuery, _ db: Database) async throws {
        guard !records.isEmpty else { return }
        let vaccineCodes = Array(Set(query.vaccines.filter { !$0.prefix }.map(\.code)))
        let dosesFilter = query.vaccines.contains(where: \.prefix) ? SQLFragment.true : SQLFragment("code = ANY(?::text[])", [vaccineCodes])
        var bmiTimes: [String: Int64] = [:]
        let select = SQLFragment(
            """
            SELECT patient, kind, system, code, time, value FROM population_fact WHERE patient = ANY(?::text[])
            AND (kind IN (\(FactKind.condition.rawValue), \(FactKind.bmi.rawValue)) OR (kind = \(FactKind.dose.rawValue) AND
            """ + " ", [Array(records.keys)]
        ).appending(dosesFilter).appending("))")
        for row in try await db.rows(select) {
            let patient: String = row[0]
            switch FactKind(rawValue: row[1] as Int) {
            case .condition:
                let code = PopulationCode(system: row[2], code: row[3])
                if query.conditions.contains(where: { $0.matches(code) }) { records[patient]?.conditions.append(code) }
            case .dose:
                let code = PopulationCode(system: row[2], code: row[3])
                if query.vaccines.contains(where: { $0.matches(code) }) { records[patient]?.doses.append(.init(code: code, time: row[4])) }
            case .bmi:
                // The latest counts.
                let time: Int64 = row[4]
                if query.bmiAtLeast != nil, time >= bmiTimes[patient, default: .min] {
                    records[patient]?.bmi = row[5]
                    bmiTimes[patient] = time
                }
            case .researchRefusal, nil:
                break
            }
        }
    }

    /// The condition on `system` and `code` of one value-set code; a prefix as a range, so the index serves it.
    private static func matching(_ code: ValueSetCode) -> SQLFragment {
        code.prefix
            ? SQLFragment("system = ? AND code >= ? AND code < ?", [code.system, code.code, code.code + "\u{10FFFF}"])
            : SQLFragment("system = ? AND code = ?", [code.system, code.code])
    }
}
