/// A coded fact of a record: a condition's code, a vaccine's CVX code.
public struct PopulationCode: Sendable, Hashable {
    public var system: String
    public var code: String

    public init(system: String, code: String) { (self.system, self.code) = (system, code) }
}

/// A code of a value set: exactly `code`, or with `prefix` every code starting with it (ICD-10
/// `J45` takes `J45.909`), in `system` only.
public struct ValueSetCode: Sendable, Codable, Hashable {
    public var system: String
    public var code: String
    public var prefix: Bool

    public init(system: String, code: String, prefix: Bool = false) { (self.system, self.code, self.prefix) = (system, code, prefix) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        system = try container.decode(String.self, forKey: .system)
        code = try container.decode(String.self, forKey: .code)
        prefix = try container.decodeIfPresent(Bool.self, forKey: .prefix) ?? false
    }

    public func matches(_ other: PopulationCode) -> Bool {
        other.system == system && (prefix ? other.code.hasPrefix(code) : other.code == code)
    }
}
