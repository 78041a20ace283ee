import NIOCore
import PostgresNIO
import VigilCore

/// A value bound to a statement.
enum SQLValue: Sendable, Hashable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case bytes([UInt8])
    case null
    /// Arrays, for `unnest(?::bigint[], …)`: a batch of rows in one statement.
    case integers([Int64])
    case reals([Double])
    case texts([String])
}

/// What can be bound: numbers, text, bytes, and nil as SQL NULL.
protocol SQLBindable: Sendable {
    var sqlValue: SQLValue { get }
}

extension Int64: SQLBindable { var sqlValue: SQLValue { .integer(self) } }
extension Int: SQLBindable { var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Double: SQLBindable { var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { var sqlValue: SQLValue { .text(self) } }
extension Bool: SQLBindable { var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Array: SQLBindable where Element: SQLArrayElement { var sqlValue: SQLValue { Element.sqlValue(self) } }
extension Optional: SQLBindable where Wrapped: SQLBindable { var sqlValue: SQLValue { self?.sqlValue ?? .null } }
/// What an array of can be bound: bytes as `bytea`, the others as PostgreSQL arrays.
protocol SQLArrayElement: Sendable {
    static func sqlValue(_ array: [Self]) -> SQLValue
}

extension UInt8: SQLArrayElement { static func sqlValue(_ array: [UInt8]) -> SQLValue { .bytes(array) } }
extension Int64: SQLArrayElement { static func sqlValue(_ array: [Int64]) -> SQLValue { .integers(array) } }
extension Double: SQLArrayElement { static func sqlValue(_ array: [Double]) -> SQLValue { .reals(array) } }
extension String: SQLArrayElement { static func sqlValue(_ array: [String]) -> SQLValue { .texts(array) } }
extension SQLValue: SQLBindable { var sqlValue: SQLValue { self } }

/// A piece of SQL with `?` for each argument, for building queries from parts; numbered
/// (`$1`, `$2`, …) when it becomes a ``PostgresQuery``.
struct SQLFragment: Sendable {
    var sql: String
    var arguments: [SQLValue]

    init(_ sql: String, _ arguments: [any SQLBindable] = []) {
        self.sql = sql
        self.arguments = arguments.map(\.sqlValue)
    }

    static let `true` = SQLFragment("TRUE")
    static let `false` = SQLFragment("FALSE")

    /// `(a) AND (b) AND …`; true when empty.
    static func all(_ parts: [SQLFragment]) -> SQLFragment {
        parts.isEmpty ? .true : join(parts, " AND ")
    }

    /// `(a) OR (b) OR …`; false when empty.
    static func any(_ parts: [SQLFragment]) -> SQLFragment {
        parts.isEmpty ? .false : join(parts, " OR ")
    }

    private static func join(_ parts: [SQLFragment], _ separator: String) -> SQLFragment {
        var joined = SQLFragment(parts.map { "(\($0.sql))" }.joined(separator: separator))
        joined.arguments = parts.flatMap(\.arguments)
        return joined
    }

    /// `column IN (?, ?, …)`; false when there are no values.
    static func `in`(_ column: String, _ values: [any SQLBindable]) -> SQLFragment {
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

    /// The fragment followed by more SQL and its arguments.
    func appending(_ sql: String, _ arguments: [any SQLBindable] = []) -> SQLFragment {
        var result = self
        result.sql += sql
        result.arguments += arguments.map(\.sqlValue)
        return result
    }

    /// The fragment followed by another.
    func appending(_ other: SQLFragment) -> SQLFragment {
        var result = self
        result.sql += other.sql
        result.arguments += other.arguments
        return result
    }

    /// The query PostgreSQL runs: each `?` numbered in order, each argument bound in its binary form.
    var query: PostgresQuery {
        var numbered = ""
        numbered.reserveCapacity(sql.utf8.count + arguments.count * 2)
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                numbered += "$\(index)"
            } else {
                numbered.append(character)
            }
        }
        precondition(index == arguments.count, "\(index) placeholders for \(arguments.count) arguments in \(sql)")
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .integer(let number): binds.append(number)
            case .real(let number): binds.append(number)
            case .text(let text): binds.append(text)
            case .bytes(let bytes): binds.append(ByteBuffer(bytes: bytes))
            case .null: binds.appendNull()
            case .integers(let numbers): binds.append(numbers)
            case .reals(let numbers): binds.append(numbers)
            case .texts(let texts): binds.append(texts)
            }
        }
        return PostgresQuery(unsafeSQL: numbered, binds: binds)
    }
}
