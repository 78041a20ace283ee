/// A search parameter of a resource type: its name, kind and the element paths it reads.
public struct FHIRSearchParameter: Sendable, Hashable {
    public enum Kind: String, Sendable {
        /// Codes and identifiers: `system|code`.
        case token
        /// References to other resources: `Type/id`.
        case reference
        /// Dates and periods, compared as ranges.
        case date
        /// Names and text: case- and accent-insensitive prefix match by default.
        case string
        /// Quantities (and ages, ranges) compared as numbers, with an optional unit: `gt100|http://unitsofmeasure.org|/min`.
        case quantity
    }

    public let name: String
    public let kind: Kind
    /// Dotted element paths from the resource root (`code`, `name.family`; `effective[x]` for a choice).
    public let paths: [String]
    /// For reference parameters: the only resource type it matches (`patient` → `Patient`).
    public let targetType: String?

    public init(_ name: String, _ kind: Kind, _ paths: [String], target: String? = nil) {
        self.name = name
        self.kind = kind
        self.paths = paths
        self.targetType = target
    }

    /// The parameters a resource type supports, besides `_id` and `_lastUpdated`.
    public static func parameters(of type: FHIRResourceType) -> [String: FHIRSearchParameter] {
        table[type] ?? [:]
    }

    /// Parameters every type has.
    public static let lastUpdated = FHIRSearchParameter("_lastUpdated", .date, [])
    public static let id = FHIRSearchParameter("_id", .token, [])
}
