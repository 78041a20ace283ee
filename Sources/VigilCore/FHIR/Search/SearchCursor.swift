/// Where a page of a search ended: the sort values of its last match (each sort key's value,
/// then the kind of row and its key). The next page starts strictly after it, so matches that
/// arrive meanwhile neither repeat an entry nor push one past the page (keyset paging).
///
/// Carried in paging links as `_cursor`, base64url of a JSON array; a client only passes it back.
public struct SearchCursor: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case integer(Int64)
        case real(Double)
        case text(String)
        case null
    }

    /// The `_sort` of the search it belongs to (`-date,_id`; empty for the default order).
    public let sort: String
    public let values: [Value]

    public init(sort: String, _ values: [Value]) {
        self.sort = sort
        self.values = values
    }

    /// The cursor a `_cursor` parameter carries, or nil when it is not one.
    public init?(token: String) {
        guard let bytes = Base64URL.decode(token), let json = try? JSON.parse(bytes), let sort = json["sort"]?.stringValue,
            let items = json["after"]?.arrayValue, items.count >= 2
        else { return nil }
        var values: [Value] = []
        for item in items {
            switch item {
            case .string(let text): values.append(.text(text))
            case .null: values.append(.null)
            default:
                if let number = item.int64Value {
                    values.append(.integer(number))
                } else if let number = item.doubleValue {
                    values.append(.real(number))
                } else {
                    return nil
                }
            }
        }
        (self.sort, self.values) = (sort, values)
    }

    /// The `_cursor` parameter's value.
    public var token: String {
        let after = JSON.array(
            values.map {
                switch $0 {
                case .integer(let number): .integer(number)
                case .real(let number): .double(number)
                case .text(let text): .string(text)
                case .null: .null
                }
            })
        let json: JSON = ["sort": .string(sort), "after": after]
        return Base64URL.encode(json.serialized())
    }
}
