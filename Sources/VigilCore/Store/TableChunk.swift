/// Rows of one table as they are stored, for moving a whole store to another database
/// (SQLite to PostgreSQL): every column copied as it is, so that the audit chain, ids and
/// producer keys arrive unchanged.
public struct TableChunk: Sendable, Equatable {
    /// A stored value.
    public enum Value: Sendable, Equatable {
        case integer(Int64)
        case real(Double)
        case text(String)
        case blob([UInt8])
        case null
    }

    /// The table's name in the store it came from.
    public var table: String
    public var columns: [String]
    public var rows: [[Value]]

    public init(table: String, columns: [String], rows: [[Value]]) {
        (self.table, self.columns, self.rows) = (table, columns, rows)
    }
}
