import VigilCore

extension AlertQuery {
    /// The parameters `GET /api/alerts` takes.
    static let parameterNames: Set<String> = ["status", "priority", "patient", "kind", "since", "_count"]

    /// Reads `GET /api/alerts` parameters: `status` and `priority` take comma-separated
    /// alternatives, `patient` takes `ID` or `Patient/ID`, `since` a FHIR dateTime (alerts raised at
    /// or after it), `_count` at most 1,000 (capped, not refused).
    /// - Throws: ``VigilError`` (400) naming the parameter that is not understood.
    static func parse(_ parameters: [(name: String, value: String)]) throws -> AlertQuery {
        var query = AlertQuery(limit: 100)
        for (name, value) in parameters {
            switch name {
            case "status":
                query.statuses = try Set(values(value, name).map { try choice(Alert.Status(rawValue: $0), $0, name, Alert.Status.self) })
            case "priority":
                query.priorities = try Set(values(value, name).map { try choice(Priority(rawValue: $0), $0, name, Priority.self) })
            case "patient":
                guard let reference = FHIRReference(searchValue: value, defaultType: "Patient"), reference.type == "Patient" else {
                    throw VigilError(.invalid, "patient takes ID or Patient/ID", expression: name)
                }
                query.patient = reference.id
            case "kind":
                query.kind = value
            case "since":
                guard let time = FHIRDateTime(value) else {
                    throw VigilError(.invalid, "since takes a FHIR dateTime such as 2026-11-25T08:00:00Z", expression: name)
                }
                query.since = time.lowerBound
            case "_count":
                guard let count = Int(value), count >= 0 else { throw VigilError(.invalid, "_count takes a whole number", expression: name) }
                query.limit = min(count, 1000)
            default:
                throw VigilError(
                    .invalid, "unknown parameter \(name); alerts take \(parameterNames.sorted().joined(separator: ", "))", expression: name)
            }
        }
        return query
    }

    private static func values(_ text: String, _ name: String) throws -> [String] {
        let values = text.split(separator: ",").map(String.init)
        guard !values.isEmpty else { throw VigilError(.invalid, "\(name) needs a value", expression: name) }
        return values
    }

    private static func choice<T: RawRepresentable & CaseIterable>(_ value: T?, _ text: String, _ name: String, _: T.Type) throws -> T
    where T.RawValue == String {
        guard let value else {
            throw VigilError(
                .invalid, "\(name) takes \(T.allCases.map(\.rawValue).joined(separator: ", ")), not \(text)", expression: name)
        }
        return value
    }
}
