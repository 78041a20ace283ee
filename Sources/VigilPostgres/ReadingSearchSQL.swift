import VigilCore

/// The half of an Observation search over device readings: `SELECT 1 AS kind, id AS key, id (as text), s0, … WHERE …`.
///
/// Readings are Observations with status `final`, the code's catalog category and display, a
/// subject, a device, an effective time, a UCUM quantity and a producer-key identifier, and
/// nothing else: a filter on any other parameter excludes them.
struct ReadingSearchSQL {
    let query: FHIRSearchQuery
    let catalog: CodeCatalog
    let store: PostgresStore

    func select(_ db: Database) async throws -> SQLFragment {
        var conditions: [SQLFragment] = []
        switch query.scope {
        case .all: break
        case .compartments(let compartments, _):
            var patients: [Int64] = []
            for compartment in compartments where compartment.hasPrefix("Patient/") {
                if let key = try await store.key("Patient", String(compartment.dropFirst(8)), db) { patients.append(key) }
            }
            conditions.append(SQLFragment("rd.patient_key = ANY(?::bigint[])", [patients]))
        }
        if let ids = query.ids { conditions.append(.in("rd.id", ids.compactMap { FHIRID.isReadingID($0) ? Int64($0) : nil })) }
        for value in query.lastUpdated {
            conditions.append(PostgresStore.datePredicate(value, low: "rd.received", high: "rd.received"))
        }
        for filter in query.filters { conditions.append(try await condition(filter, db)) }
        let sorts = PostgresStore.effectiveSort(query).enumerated().map { i, key in sortColumn(key, i) }
        let whereClause = SQLFragment.all(conditions)
        let columns = (["1 AS kind", "rd.id AS key", "CAST(rd.id AS TEXT) AS id"] + sorts).joined(separator: ", ")
        return SQLFragment("SELECT \(columns) FROM reading rd WHERE ").appending(whereClause)
    }

    private static let readingParameters: Set<String> = [
        "patient", "subject", "code", "code:text", "date", "status", "category", "device", "identifier", "value-quantity", "combo-value-quantity",
    ]

    private func condition(_ filter: FHIRSearchQuery.Filter, _ db: Database) async throws -> SQLFragment {
        let name = filter.parameter.name
        if let missing = filter.missing {
            return Self.readingParameters.contains(name) == missing ? .false : .true
        }
        var alternatives: [SQLFragment] = []
        for value in filter.values { alternatives.append(try await valueCondition(name, value, db)) }
        let matches = SQLFragment.any(alternatives)
        return filter.negated ? SQLFragment("NOT (").appending(matches).appending(")") : matches
    }

    private func valueCondition(_ name: String, _ value: FHIRSearchQuery.Value, _ db: Database) async throws -> SQLFragment {
        switch (name, value) {
        case ("patient", .reference(let target)), ("subject", .reference(let target)):
            guard let reference = FHIRReference(target), reference.type == "Patient",
                let key = try await store.key("Patient", reference.id, db)
            else { return .false }
            return SQLFragment("rd.patient_key = ?", [key])
        case ("device", .reference(let target)):
            guard let reference = FHIRReference(target), reference.type == "Device", let key = try await store.key("Device", reference.id, db) else {
                return .false
            }
            return SQLFragment("rd.device_key = ?", [key])
        case ("code", .token(let system, let code)):
            var parts: [SQLFragment] = []
            if let code { parts.append(SQLFragment("code = ?", [code])) }
            switch system {
            case .any: break
            case .none: return .false
            case .exactly(let system): parts.append(SQLFragment("system = ?", [system]))
            }
            let match = SQLFragment.all(parts)
            return try await codeKeys(match, db)
        case ("category", .token(let system, let code)):
            if case .exactly(let s) = system, s != CodeDefinition.observationCategory { return .false }
            if case .none = system { return .false }
            let codes = catalog.all.filter { code == nil || $0.category == code }.map(\.code)
            let match = SQLFragment.in("code", codes)
            return try await codeKeys(match, db)
        case ("status", .token(let system, let code)):
            if case .exactly = system { return .false }
            return code == nil || code == "final" ? .true : .false
        case ("identifier", .token(let system, let code)):
            if case .exactly(let s) = system, s != ProducerKey.system { return .false }
            if case .none = system { return .false }
            guard let code, let key = ProducerKey(code), let device = try await store.key("Device", key.device, db) else { return .false }
            return SQLFragment("rd.device_key = ? AND rd.boot = ? AND rd.seq = ?", [device, key.boot, key.seq])
        case ("code:text", .string(let text, let match)):
            let codes = catalog.all.filter { definition in
                let display = match == .exact ? definition.display : FHIRIndexer.normalize(definition.display)
                return match == .prefix ? display.hasPrefix(text) : match == .contains ? display.contains(text) : display == text
            }
            return try await codeKeys(.any(codes.map { SQLFragment("system = ? AND code = ?", [$0.system, $0.code]) }), db)
        case ("value-quantity", .quantity(_, _, _, _, let system, let code)), ("combo-value-quantity", .quantity(_, _, _, _, let system, let code)):
            if case .exactly(let s) = system, s != CodeDefinition.ucum { return .false }
            let number = PostgresStore.quantityPredicate(value, low: "rd.value", high: "rd.value")
            return code.map { .all([number, SQLFragment("rd.unit = ?", [$0])]) } ?? number
        case ("date", .date):
            return PostgresStore.datePredicate(value, low: "rd.time", high: "rd.time")
        default:
            return .false
        }
    }

    /// `rd.code_key` among the keys of the codes `match` selects.
    private func codeKeys(_ match: SQLFragment, _ db: Database) async throws -> SQLFragment {
        let keys = try await db.values(SQLFragment("SELECT key FROM code WHERE ").appending(match), as: Int64.self)
        return SQLFragment("rd.code_key = ANY(?::bigint[])", [keys])
    }

    private func sortColumn(_ key: FHIRSearchQuery.SortKey, _ index: Int) -> String {
        switch key.parameter {
        case "_id": "CAST(rd.id AS TEXT) AS s\(index)"
        case "_lastUpdated": "rd.received AS s\(index)"
        case "date": "rd.time AS s\(index)"
        case "value-quantity", "combo-value-quantity": "rd.value AS s\(index)"
        case "code": "(SELECT code FROM code WHERE key = rd.code_key) AS s\(index)"
        case "patient", "subject": "(SELECT 'Patient/' || id FROM resource WHERE key = rd.patient_key) AS s\(index)"
        case "device": "(SELECT 'Device/' || id FROM resource WHERE key = rd.device_key) AS s\(index)"
        case "status": "'final' AS s\(index)"
        default: "NULL AS s\(index)"
        }
    }
}
