/// A JSON value, as read from or written to the wire.
///
/// Numbers keep the exact text they were written with, so a FHIR `decimal` such as `1.50`
/// keeps its precision through a round trip. Objects keep their members in order.
///
/// ```swift
/// let value = try JSON.parse(#"{"a":[1,2.50,true]}"#)
/// value["a"]?[1]?.numberText   // "2.50"
/// ```
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, held as its JSON text (`-12`, `1.50`, `6.02e23`).
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)
}

extension JSON {
    /// A JSON number for an integer.
    public static func integer(_ value: some BinaryInteger) -> JSON { .number(String(value)) }

    /// A JSON number for a finite double, written in its shortest exact form (`72`, `36.6`).
    public static func double(_ value: Double) -> JSON {
        precondition(value.isFinite, "JSON cannot hold \(value)")
        if value == value.rounded(), abs(value) < 1e15 {
            return .number(String(Int64(value)))
        }
        return .number(String(value))
    }

    /// The member named `key`, when this is an object.
    public subscript(key: String) -> JSON? {
        guard case .object(let object) = self else { return nil }
        return object[key]
    }

    /// The element at `index`, when this is an array and the index is in range.
    public subscript(index: Int) -> JSON? {
        guard case .array(let array) = self, array.indices.contains(index) else { return nil }
        return array[index]
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The text of a number, exactly as written.
    public var numberText: String? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The value of a number as a `Double` (nil when this is not a number or it overflows).
    public var doubleValue: Double? {
        guard case .number(let text) = self, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// The value of a number that is an integer in range of `Int64`, written without fraction or exponent.
    public var int64Value: Int64? {
        guard case .number(let text) = self else { return nil }
        return Int64(text)
    }

    /// A short name of the kind of value, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}
