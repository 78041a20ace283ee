import NIOCore
import PostgresNIO
import VigilCore

/// A result row, read by column name or position as the type asked for.
struct Row: Sendable {
    let cells: PostgresRandomAccessRow

    init(_ row: PostgresRow) { cells = row.makeRandomAccess() }

    /// A column by name; a column not in the row reads as NULL, as GRDB reads it.
    subscript<T: SQLReadable>(_ name: String) -> T {
        Self.read(cells.contains(name) ? cells[name] : PostgresCell(bytes: nil, dataType: .text, format: .binary, columnName: name, columnIndex: -1))
    }
    subscript<T: SQLReadable>(_ index: Int) -> T { Self.read(cells[index]) }

    /// The value of a cell as it is stored (for a search cursor).
    func value(_ index: Int) -> SQLValue {
        let cell = cells[index]
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(Self.read(cell))
        case .float4, .float8: return .real(Self.read(cell))
        case .bytea: return .bytes(Self.read(cell))
        default: return .text(Self.read(cell))
        }
    }

    private static func read<T: SQLReadable>(_ cell: PostgresCell) -> T {
        do {
            return try T.read(cell)
        } catch {
            // As GRDB does for a column read as the wrong type: a programming error, not data.
            preconditionFailure("column \(cell.columnName) (\(cell.dataType)) cannot be read as \(T.self): \(error)")
        }
    }
}

/// What a column can be read as.
protocol SQLReadable {
    static func read(_ cell: PostgresCell) throws -> Self
}

extension Int64: SQLReadable {
    static func read(_ cell: PostgresCell) throws -> Int64 {
        cell.dataType == .bool ? (try cell.decode(Bool.self) ? 1 : 0) : try cell.decode(Int64.self)
    }
}

extension Int: SQLReadable {
    static func read(_ cell: PostgresCell) throws -> Int { Int(try Int64.read(cell)) }
}

extension Double: SQLReadable {
    static func read(_ cell: PostgresCell) throws -> Double {
        switch cell.dataType {
        case .int2, .int4, .int8: Double(try Int64.read(cell))
        case .text, .varchar: Double(try cell.decode(String.self)) ?? .nan
        default: try cell.decode(Double.self)
        }
    }
}

extension String: SQLReadable {
    static func read(_ cell: PostgresCell) throws -> String { try cell.decode(String.self) }
}

extension Bool: SQLReadable {
    static func read(_ cell: PostgresCell) throws -> Bool {
        cell.dataType == .bool ? try cell.decode(Bool.self) : try Int64.read(cell) != 0
    }
}

extension Array: SQLReadable where Element == UInt8 {
    static func read(_ cell: PostgresCell) throws -> [UInt8] {
        let buffer = try cell.decode(ByteBuffer.self)
        return Array(buffer.readableBytesView)
    }
}

extension Optional: SQLReadable where Wrapped: SQLReadable {
    static func read(_ cell: PostgresCell) throws -> Wrapped? {
        cell.bytes == nil ? nil : try Wrapped.read(cell)
    }
}
