import GRDB
import VigilCore

/// A piece of SQL with its arguments, for building queries from parts.
// Sendable by value: arguments are immutable SQL values (strings, numbers, blobs).
struct SQLFragment: @unchecked Sendable {
    var sql: String
    var arguments: [(any DatabaseValueConvertible)?]

    init(_ sql: String, _ arguments: [(any DatabaseValueConvertible)?] = []) {
        self.sql = sql
        self.arguments = arguments
    }

    static let `true` = SQLFragment("1")
    static let `false` = SQLFragment("0")

    /// `(a) AND (b) AND …`; true when empty.
    static func all(_ parts: [SQLFragment]) -> SQLFragment {
        parts.isEmpty ? .true : join(parts, " AND ")
    }

    /// `(a) OR (b) OR …`; false when empty.
    static func any(_ parts: [SQLFragment]) -> SQLFragment {
        parts.isEmpty ? .false : join(parts, " OR ")
    }

    private static func join(_ parts: [SQLFragment], _ separator: String) -> SQLFragment {
        SQLFragment(parts.map { "(\($0.sql))" }.joined(separator: separator), parts.flatMap(\.arguments))
    }

    /// `column IN (?, ?, …)`; false when there are no values.
    static func `in`(_ column: String, _ values: [any DatabaseValueConvertible]) -> SQLFragment {
        guard !values.isEmpty else { return .false }
        return SQLFragment("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ",")))", values)
    }

    /// The condition on `r.compartment` (the `resource` table as `r`) of a search scope; nil for `.all`.
    static func scope(_ scope: FHIRSearchQuery.Scope) -> SQLFragment? {
        guard case .compartments(let compartments, let includeUnassigned) = scope else { return nil }
        var allowed = [SQLFragment.in("r.compartment", Array(compartments))]
        if includeUnassigned { allowed.append(SQLFragment("r.compartment IS NULL")) }
        return .any(allowed)
    }

    var statementArguments: StatementArguments { StatementArguments(arguments) }
}
