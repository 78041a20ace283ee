import GRDB
public import VigilCore

/// The `kind` column of `population_fact`.
private enum FactKind: Int {
    case condition = 1, dose = 2, bmi = 3
}

extension SQLiteStore {
    /// Writes a resource version's population facts, inside the caller's transaction. A deceased
    /// patient has no person row, so is in no cohort.
    static func insertPopulation(_ facts: [PopulationFact], key: Int64, _ db: Database) throws {
        for fact in facts {
            switch fact {
            case .person(let patient, let birth, let area, let deceased):
                guard !deceased else { continue }
                let range = birth.flatMap(FHIRDateTime.init)
                try db.cachedStatement(
                    sql: "INSERT INTO population_person (resource_key, patient, birth, birth_low, birth_high, area) VALUES (?, ?, ?, ?, ?, ?)"
                )
                .execute(arguments: [key, patient, range == nil ? nil : birth, range?.lowerBound, range?.upperBound, area])
            case .condition(let patient, let system, let code):
                try insertFact(key, patient, kind: .condition, system: system, code: code, time: nil, value: nil, db)
            case .dose(let patient, let system, let code, let time):
                try insertFact(key, patient, kind: .dose, system: system, code: code, time: time, value: nil, db)
            case .bmi(let patient, let value, let time):
                try insertFact(key, patient, kind: .bmi, system: nil, code: nil, time: time, value: value, db)
            }
        }
    }

    private static func insertFact(
        _ key: Int64, _ patient: String, kind: FactKind, system: String?, code: String?, time: Int64?, value: Double?, _ db: Database
    ) throws {
        try db.cachedStatement(
            sql: "INSERT INTO population_fact (resource_key, patient, kind, system, code, time, value) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        .execute(arguments: [key, patient, kind.rawValue, system, code, time, value])
    }

    public func population(_ query: PopulationQuery) async throws -> [PopulationRecord] {
        try await pool.read { db in
            var records: [String: PopulationRecord] = [:]
            var bmiCandidates: Set<String> = []
            if let panel = query.patients {
                try Self.people(Array(panel), into: &records, db)
                bmiCandidates = panel
            } else {
                // Everyone a rule could count at risk: by age (or of unknown age), by condition, by BMI.
                if query.readsAge {
                    let rows = try Row.fetchCursor(
                        db, sql: "SELECT patient, birth, area FROM population_person WHERE birth_high > ? OR birth_low <= ? OR birth_low IS NULL",
                        arguments: [query.bornAfter ?? .max, query.bornBefore ?? .min])
                    while let row = try rows.next() {
                        records[row[0]] = PopulationRecord(patient: row[0], birth: row[1], area: row[2])
                    }
                }
                var others: Set<String> = []
                for code in query.conditions {
                    let matching = Self.matching(code)
                    let patients = try String.fetchCursor(
                        db, sql: "SELECT patient FROM population_fact WHERE kind = \(FactKind.condition.rawValue) AND \(matching.sql)",
                        arguments: matching.statementArguments)
                    while let patient = try patients.next() {
                        if records[patient] == nil { others.insert(patient) }
                    }
                }
                if let threshold = query.bmiAtLeast {
                    bmiCandidates = Set(
                        try String.fetchAll(
                            db, sql: "SELECT DISTINCT patient FROM population_fact WHERE kind = \(FactKind.bmi.rawValue) AND value >= ?",
                            arguments: [threshold]))
                    others.formUnion(bmiCandidates.filter { records[$0] == nil })
                }
                try Self.people(Array(others), into: &records, db)
            }
            try Self.facts(of: &records, query: query, bmiFor: bmiCandidates, db)
            return records.values.sorted { $0.patient < $1.patient }
        }
    }

    /// Reads the person rows of `patients` (those living and known).
    private static func people(_ patients: [String], into records: inout [String: PopulationRecord], _ db: Database) throws {
        for chunk in patients.chunked(500) {
            let rows = try Row.fetchCursor(
                db, sql: "SELECT patient, birth, area FROM population_person WHERE \(SQLFragment.in("patient", chunk).sql)",
                arguments: StatementArguments(chunk))
            while let row = try rows.next() {
                records[row[0]] = PopulationRecord(patient: row[0], birth: row[1], area: row[2])
            }
        }
    }

    /// Adds each record's conditions among the query's codes, doses of its vaccines, and the latest
    /// BMI of those in `bmiFor` (the only ones whose BMI can reach the threshold).
    private static func facts(of records: inout [String: PopulationRecord], query: PopulationQuery, bmiFor: Set<String>, _ db: Database) throws {
        let vaccineCodes = Array(Set(query.vaccines.filter { !$0.prefix }.map(\.code)))
        let dosesFilter = query.vaccines.contains(where: \.prefix) ? SQLFragment.true : SQLFragment.in("code", vaccineCodes)
        for chunk in Array(records.keys).chunked(500) {
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT patient, kind, system, code, time FROM population_fact
                    WHERE \(SQLFragment.in("patient", chunk).sql) AND (kind = \(FactKind.condition.rawValue) OR (kind = \(FactKind.dose.rawValue) AND \(dosesFilter.sql)))
                    """,
                arguments: StatementArguments(chunk) + dosesFilter.statementArguments)
            while let row = try rows.next() {
                let patient: String = row[0]
                let code = PopulationCode(system: row[2], code: row[3])
                if row[1] == FactKind.condition.rawValue {
                    if query.conditions.contains(where: { $0.matches(code) }) { records[patient]?.conditions.append(code) }
                } else if query.vaccines.contains(where: { $0.matches(code) }) {
                    records[patient]?.doses.append(.init(code: code, time: row[4]))
                }
            }
        }
        guard query.bmiAtLeast != nil else { return }
        for chunk in bmiFor.filter({ records[$0] != nil }).chunked(500) {
            let rows = try Row.fetchCursor(
                db,
                sql:
                    "SELECT patient, value FROM population_fact WHERE \(SQLFragment.in("patient", chunk).sql) AND kind = \(FactKind.bmi.rawValue) ORDER BY patient, time",
                arguments: StatementArguments(chunk))
            while let row = try rows.next() { records[row[0]]?.bmi = row[1] }
        }
    }

    /// The condition on `system` and `code` of one value-set code; a prefix as a range, so the index serves it.
    private static func matching(_ code: ValueSetCode) -> SQLFragment {
        code.prefix
            ? SQLFragment("system = ? AND code >= ? AND code < ?", [code.system, code.code, code.code + "\u{10FFFF}"])
            : SQLFragment("system = ? AND code = ?", [code.system, code.code])
    }
}

extension Collection {
    /// The elements in arrays of at most `size`.
    fileprivate func chunked(_ size: Int) -> [[Element]] {
        var chunks: [[Element]] = []
        var index = startIndex
        while index != endIndex {
            let end = self.index(index, offsetBy: size, limitedBy: endIndex) ?? endIndex
            chunks.append(Array(self[index..<end]))
            index = end
        }
        return chunks
    }
}
